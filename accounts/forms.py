"""The sign-up and new-password forms (django-allauth's ACCOUNT_FORMS): allauth's, with the site's rules."""

from allauth.account.forms import ResetPasswordKeyForm, SignupForm
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings

from accounts.adapter import email_domain_allowed


class SignUpForm(SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Labels say what to type; placeholders would repeat them and vanish as the learner types.
            field.widget.attrs.pop("placeholder", None)
        self.fields["email"].label = "E-mail address"
        domains = settings.SIGNUP_EMAIL_DOMAINS
        if domains:
            self.fields["email"].help_text = "Use your address ending in " + " or ".join("@" + d for d in domains) + "."

    def clean_email(self) -> str:
        email = super().clean_email()
        domains = settings.SIGNUP_EMAIL_DOMAINS
        if not email_domain_allowed(email, domains):
            # Says nothing about whether an account exists: only which addresses may sign up at all.
            listed = " or ".join("@" + domain for domain in domains)
            raise forms.ValidationError(f"Accounts here are for addresses ending in {listed}.")
        return email


class NewPasswordForm(ResetPasswordKeyForm):
    """The form behind the password-reset link (ACCOUNT_FORMS["reset_password_from_key"]).

    The link went to the account's address, so using it proves the learner holds that address: it counts as
    confirmed. Otherwise an account made by staff (its address unconfirmed) would be asked, straight after
    choosing a password from the course team's e-mail, to confirm the very address that e-mail reached.
    """

    def save(self) -> None:
        super().save()
        if self.user.email:
            EmailAddress.objects.filter(user=self.user, email__iexact=self.user.email).update(verified=True)
