"""Forms for looking after learners: the course team's (in the admin) and the learner's own (deleting the account).

The course team's forms have no field for staff or superuser status, groups or permissions: a form only saves
the fields it declares, so POSTing ``is_staff=on`` to them changes nothing (``accounts/tests/test_admin_rights.py``
tries it).
"""

from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db.models import Q

from accounts.models import Cohort

User = get_user_model()

MAX_UPLOAD_BYTES = 1024 * 1024


def email_taken(email: str, *, exclude_pk: int | None = None) -> bool:
    """Whether an account already signs in with, or is reached at, this address (case ignored)."""
    accounts = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
    if exclude_pk is not None:
        accounts = accounts.exclude(pk=exclude_pk)
    return accounts.exists()


def cohort_field(label: str, help_text: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        Cohort.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


class LearnerCreationForm(forms.Form):
    """A course team's new learner: name and e-mail. The learner chooses a password from the e-mail they get."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    email = forms.EmailField(
        label="E-mail", max_length=150, help_text="The learner signs in with it and gets the set-password e-mail."
    )
    cohorts = cohort_field("Cohorts", "Optional: the cohorts to put the learner in.")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email_taken(email):
            raise forms.ValidationError("An account with this e-mail address already exists.")
        return email


class LearnerChangeForm(forms.ModelForm):
    """What a course team may change on a learner's account: names, active or not, and cohorts.

    Not the e-mail address: it is what the learner signs in and resets their password with, so whoever could
    change it could take the account over. Learners change it themselves (confirming the new one by e-mail).
    """

    cohorts = cohort_field("Cohorts", "The cohorts this learner is in.")

    class Meta:
        model = User
        fields = ["first_name", "last_name", "is_active"]
        help_texts = {
            "is_active": "Untick to deactivate the learner: they can no longer sign in; their work is kept.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["cohorts"].initial = list(self.instance.cohorts.all())

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.cohorts.set(self.cleaned_data["cohorts"])


class LearnerUploadForm(forms.Form):
    """A CSV file of learners to create, with an optional cohort to put them all in."""

    file = forms.FileField(
        label="CSV file",
        help_text="A header row naming the columns, then one learner a row. Columns: 'email', and either 'name' or "
        "'first name' and 'last name'. Saved from a spreadsheet as CSV (UTF-8).",
    )
    cohort = forms.ModelChoiceField(
        Cohort.objects.all(),
        required=False,
        label="Cohort",
        help_text="Optional: put every learner created from this file in this cohort.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is over 1 MB: split it into several files.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "This file is not UTF-8 text. In your spreadsheet, save it as 'CSV UTF-8'."
            ) from None


class SetPasswordInvitationForm(PasswordResetForm):
    """Django's password-reset e-mail, sent to one new learner whatever their password (they have none yet).

    ``PasswordResetForm.get_users`` skips accounts without a usable password, as a new learner's is, so this form
    names its user instead of looking them up by address.
    """

    def __init__(self, user):
        super().__init__(data={"email": user.email})
        self.user = user

    def get_users(self, email):
        return [self.user] if self.user.is_active and self.user.email else []


class DeleteAccountForm(forms.Form):
    """The learner confirms the deletion of their account with their password.

    Checked through ``authenticate()``, as a sign-in is, so django-axes counts wrong passwords here too: an
    unlocked computer left signed in is not a place to guess passwords without limit.
    """

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self):
        password = self.cleaned_data["password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError("That is not your password. Your account has not been deleted.")
        return password
