"""The sign-in forms of the site and of the admin.

Django's AuthenticationForm announces the username's maximum length (the ``maxlength`` attribute) but sets it
after the field is built, so the length is never checked: any username reaches ``authenticate()`` and, through
its ``user_login_failed`` signal, django-axes, which stores it in a 255-character column (a server error on
PostgreSQL). These forms check the length first, so an overlong username is a form error like any other and
nothing else sees it.

The learners' page (accounts/login/) is django-allauth's, so that an account whose e-mail address is not yet
verified cannot sign in and a learner may type their username or their e-mail address.
"""

from allauth.account.adapter import get_adapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import LoginForm
from allauth.account.models import EmailAddress
from allauth.account.views import LoginView
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.core.validators import MaxLengthValidator

USERNAME_MAX_LENGTH = get_user_model()._meta.get_field("username").max_length


class UsernameLengthMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        # Validators run in the field's clean(), before the form's clean() calls authenticate().
        username.validators.append(MaxLengthValidator(username.max_length))


class AdminSignInForm(UsernameLengthMixin, AdminAuthenticationForm):
    """The admin's sign-in page (admin/login/): staff accounts only, as Django's own form."""


class LearnerSignInForm(LoginForm):
    """The learners' and educators' sign-in page (accounts/login/, django-allauth's ACCOUNT_FORMS["login"]).

    allauth calls its field ``login``; here it is posted as ``username``, as on the admin's page and Django's, so
    that django-axes (AXES_USERNAME_FORM_FIELD) reads the same field everywhere and password managers keep
    what they saved. An e-mail address is longer than a username only in theory: both are held to the
    username's 150 characters, which keeps overlong input away from axes.
    """

    POSTED_NAMES = {"login": "username"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Username or e-mail address"
        login.max_length = USERNAME_MAX_LENGTH
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["maxlength"] = str(USERNAME_MAX_LENGTH)
        login.validators.append(MaxLengthValidator(USERNAME_MAX_LENGTH))
        self.fields["password"].widget.attrs.pop("placeholder", None)
        # allauth puts a "Forgot your password?" link under the field; the page has its own, once.
        self.fields["password"].help_text = ""

    def add_prefix(self, field_name):
        return super().add_prefix(self.POSTED_NAMES.get(field_name, field_name))

    def clean(self):
        cleaned_data = super().clean()
        login = getattr(self, "_login", None)  # allauth's pending sign-in, once the password matched
        if login is not None and not EmailAddress.objects.filter(user_id=login.user.pk).exists():
            # E-mail verification is asked of accounts made by signing up, which always record their address.
            # An account made by staff in the admin records none; staff vouched for it, so it signs in.
            login.email_verification = EmailVerificationMethod.NONE
        return cleaned_data

    def login(self, request, redirect_url=None):
        response = super().login(request, redirect_url)
        if request.user.is_authenticated:
            # allauth sets the session's expiry for "remember me"; the site's session policy decides it instead.
            request.session.set_expiry(int(settings.SESSION_SIGNED_IN_IDLE.total_seconds()))
        return response


class SignInView(LoginView):
    """allauth's sign-in page, which also says whether visitors may make their own account."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["signup_open"] = get_adapter(self.request).is_open_for_signup(self.request)
        return context
