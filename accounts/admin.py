"""Looking after learners in the admin: the course team's user admin, the CSV upload and cohorts.

Django's permissions say "may change users", not "may change learners": anyone with ``auth.change_user``
could otherwise make themselves or a friend staff or superuser, or put an account in a group. So for everyone
but superusers the user admin here shows learners only (no staff or superuser account is listed, opened or
changed), with forms that have no field for staff status, groups or permissions, no password page, and a
learner-only add page (name and e-mail; the learner sets their password from an e-mail). Superusers keep
Django's user admin as it is. The group admin stays Django's: course teams have no group permission.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from accounts.learner_forms import LearnerChangeForm, LearnerCreationForm, LearnerUploadForm
from accounts.models import Cohort
from accounts.services import (
    Site,
    create_learner,
    create_learners_from_csv,
    deactivate_learners,
)

User = get_user_model()


def site_of(request) -> Site:
    """The address the course team is using, for the links in the set-password e-mails."""
    return Site(domain=request.get_host(), use_https=request.is_secure())


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "learner_count", "created_at"]
    search_fields = ["name", "description"]
    fields = ["name", "description", "members"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(learner_total=Count("members"))

    @admin.display(description="learners", ordering="learner_total")
    def learner_count(self, cohort):
        return cohort.learner_total

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            # Cohorts group learners; staff accounts are not offered.
            kwargs["queryset"] = User.objects.filter(is_staff=False, is_superuser=False).order_by("username")
            # Checkboxes, not the admin's two-box widget: that one needs scripts and fails axe (aria-label on
            # a bare span, Django 5.2).
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin for superusers; a learners-only admin for everyone else (see the module docstring)."""

    change_list_template = "admin/accounts/user/change_list.html"
    actions = ["deactivate_selected"]

    learner_fieldsets = [
        (None, {"fields": ["username"]}),
        ("Learner", {"fields": ["first_name", "last_name", "email", "is_active", "cohorts"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]

    @staticmethod
    def restricted(request) -> bool:
        return not request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.restricted(request):
            queryset = queryset.filter(is_staff=False, is_superuser=False)
        return queryset

    def get_list_display(self, request):
        if self.restricted(request):
            return ["username", "first_name", "last_name", "email", "is_active"]
        return super().get_list_display(request)

    def get_list_filter(self, request):
        if self.restricted(request):
            return ["is_active", "cohorts"]
        return [*super().get_list_filter(request), "cohorts"]

    def get_fieldsets(self, request, obj=None):
        if self.restricted(request) and obj is not None:
            return self.learner_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self.restricted(request):
            return ["username", "email", "last_login", "date_joined"]
        return super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if self.restricted(request):
            if obj is None:
                raise PermissionDenied  # learners are added through learner_add_view
            kwargs["form"] = LearnerChangeForm
            kwargs["fields"] = ["first_name", "last_name", "email", "is_active", "cohorts"]
        return super().get_form(request, obj, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.restricted(request) and (obj.is_staff or obj.is_superuser):
            return False
        return super().has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        if obj is not None and self.restricted(request) and (obj.is_staff or obj.is_superuser):
            return False
        return super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Learners are deactivated, or delete their own account; only a superuser deletes one here.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.restricted(request):
            actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        # The forms cannot set these; this catches any path that somehow could.
        if self.restricted(request) and (obj.is_staff or obj.is_superuser):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        # Learners choose their own password (set-password e-mail, or reset); a course team never sets one.
        if self.restricted(request):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(description="Deactivate the selected learners (they can no longer sign in)", permissions=["change"])
    def deactivate_selected(self, request, queryset):
        count = deactivate_learners(users=queryset)
        self.message_user(request, f"Deactivated {count} learner{'s' if count != 1 else ''}.", messages.SUCCESS)

    # --- a learner's account, one by one or from a CSV file ------------------------------------

    def get_urls(self):
        upload = self.admin_site.admin_view(self.learner_upload_view)
        return [path("upload/", upload, name="auth_user_upload"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        # The course team's add button says what it makes: a learner.
        return super().changelist_view(request, {**(extra_context or {}), "learners_only": self.restricted(request)})

    def add_view(self, request, form_url="", extra_context=None):
        if not self.restricted(request):
            return super().add_view(request, form_url, extra_context)
        return self.learner_add_view(request)

    def _page(self, request, template: str, title: str, **context) -> TemplateResponse:
        context = {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **context}
        return TemplateResponse(request, template, context)

    def learner_add_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LearnerCreationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            learner = create_learner(
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                cohorts=data["cohorts"],
                site=site_of(request),
            )
            self.log_addition(request, learner, [{"added": {}}])
            self.message_user(
                request,
                f"Created the account of {learner.get_full_name()} ({learner.email}); "
                "they have been sent an e-mail to choose their password.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:auth_user_changelist"))
        return self._page(request, "admin/accounts/user/learner_add.html", "Add a learner", form=form)

    def learner_upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LearnerUploadForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = create_learners_from_csv(
                text=form.cleaned_data["file"], cohort=form.cleaned_data["cohort"], site=site_of(request)
            )
            for learner in result.created:
                self.log_addition(request, learner, [{"added": {}}])
            form = LearnerUploadForm()
        return self._page(
            request, "admin/accounts/user/learner_upload.html", "Add learners from a CSV file", form=form, result=result
        )
