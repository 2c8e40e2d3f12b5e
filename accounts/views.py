"""A learner's own account pages: everything stored about them, its downloads, deletion, and choosing a password."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import personal_data
from accounts.learner_forms import DeleteAccountForm
from accounts.services import delete_account, deleted_learners_attempts_policy


def _download(content: str, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.{extension}"'
    return response


@require_GET
@login_required
def my_data(request):
    return render(
        request,
        "accounts/my_data.html",
        {"sections": personal_data.collect(request.user), "can_delete": can_delete_own_account(request.user)},
    )


@require_GET
@login_required
def my_data_json(request):
    return _download(personal_data.as_json(request.user), "application/json; charset=utf-8", "json")


@require_GET
@login_required
def my_data_csv(request):
    # The byte-order mark makes Excel read the file as UTF-8 (accents in names and answers).
    return _download("\ufeff" + personal_data.as_csv(request.user), "text/csv; charset=utf-8", "csv")


def can_delete_own_account(user) -> bool:
    """Learners delete their own account; a staff account is removed by a superuser, so the site keeps one."""
    return not (user.is_staff or user.is_superuser)


@require_http_methods(["GET", "POST"])
@login_required
def delete_account_view(request):
    """Shows what deletion means and asks for the password; only a POST with the right password deletes."""
    user = request.user
    if not can_delete_own_account(user):
        return render(request, "accounts/delete_account.html", {"form": None, "can_delete": False}, status=403)
    form = DeleteAccountForm(user, request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        # Signed out first: signing out writes to the sign-in log, which the deletion then erases.
        logout(request)
        delete_account(user=user)
        messages.success(request, "Your account and the data that named you have been deleted.")
        return redirect("cases:list")
    attempts_kept = deleted_learners_attempts_policy() == "anonymise"
    context = {"form": form, "can_delete": True, "attempts_kept": attempts_kept}
    return render(request, "accounts/delete_account.html", context)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link of the e-mail a new learner gets (``accounts.services.send_set_password_email``)."""

    template_name = "accounts/set_password.html"
    success_url = reverse_lazy("accounts:set_password_done")


class SetPasswordDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/set_password_done.html"
