"""The sign-in forms of the site and of the admin.

Django's AuthenticationForm announces the username's maximum length (the ``maxlength`` attribute) but sets it
after the field is built, so the length is never checked: any username reaches ``authenticate()`` and, through
its ``user_login_failed`` signal, django-axes, which stores it in a 255-character column (a server error on
PostgreSQL). These forms check the length first, so an overlong username is a form error like any other and
nothing else sees it.
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class UsernameLengthMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        # Validators run in the field's clean(), before the form's clean() calls authenticate().
        username.validators.append(MaxLengthValidator(username.max_length))


class SignInForm(UsernameLengthMixin, AuthenticationForm):
    """The learners' and educators' sign-in page (accounts/login/)."""


class AdminSignInForm(UsernameLengthMixin, AdminAuthenticationForm):
    """The admin's sign-in page (admin/login/): staff accounts only, as Django's own form."""
