"""Writes that look after learners' accounts: create (one or from a CSV), deactivate, delete.

A learner created by the course team has no password: they get Django's password-reset e-mail, worded as an
invitation, and choose one (``accounts.views.SetPasswordView``). Their username is their e-mail address.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from accounts import personal_data
from accounts.learner_forms import SetPasswordInvitationForm, email_taken
from accounts.models import Cohort

User = get_user_model()

ATTEMPT_POLICIES = ("delete", "anonymise")


@dataclass(frozen=True)
class Site:
    """Where the set-password link points: the host the course team uses, and whether it is served over HTTPS."""

    domain: str
    use_https: bool = True


def send_set_password_email(*, user, site: Site) -> None:
    """Send ``user`` the e-mail with their link to choose a password (Django's reset token and its timeout)."""
    form = SetPasswordInvitationForm(user)
    if not form.is_valid():  # an address Django's EmailField refuses: the caller validated it already
        return
    form.save(
        domain_override=site.domain,
        use_https=site.use_https,
        subject_template_name="accounts/email/set_password_subject.txt",
        email_template_name="accounts/email/set_password_email.txt",
    )


def create_learner(
    *, first_name: str, last_name: str = "", email: str, cohorts: Iterable[Cohort] = (), site: Site
) -> User:
    """Create a learner's account (no password, not staff) in ``cohorts``, and e-mail them a set-password link.

    The e-mail leaves once the account is committed, so a rolled-back account never gets one.
    """
    email = email.strip()
    with transaction.atomic():
        user = User(username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip())
        user.set_unusable_password()
        user.save()
        user.cohorts.set(list(cohorts))
        record_verified_address(user)
        transaction.on_commit(lambda: send_set_password_email(user=user, site=site))
    return user


def record_verified_address(user) -> None:
    """Tell django-allauth (which requires a verified address to sign in) that the learner's address is good.

    The course team vouches for it, and the learner can only ever sign in after choosing a password through the
    link sent there, which proves they read that mailbox.
    """
    if not apps.is_installed("allauth.account"):
        return
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})


@dataclass(frozen=True)
class RowProblem:
    line: int
    email: str
    reason: str


@dataclass
class UploadResult:
    created: list = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def _columns(header: list[str]) -> dict[str, int]:
    names = {name.strip().lower().replace("_", " ").replace("-", ""): index for index, name in enumerate(header)}
    return {
        key: names[alias]
        for key, aliases in {
            "email": ["email", "email address"],
            "name": ["name", "full name"],
            "first": ["first name", "given name"],
            "last": ["last name", "family name", "surname"],
        }.items()
        for alias in aliases
        if alias in names
    }


def create_learners_from_csv(*, text: str, cohort: Cohort | None = None, site: Site) -> UploadResult:
    """Create a learner for every good row of a CSV; name each bad row with its line number and reason.

    Each good row is created in its own transaction (account and cohort together), so a row failing at the
    database (an account made meanwhile with the same address) leaves no half-made account and the others stand.
    A file whose header lacks the columns creates nobody and says so as the problem of line 1.
    """
    result = UploadResult()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = _columns(header or [])
    if "email" not in columns or not ({"name", "first"} & columns.keys()):
        result.problems.append(
            RowProblem(1, "", "The first row must name the columns: 'email' and 'name' (or 'first name').")
        )
        return result

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        if not any(value.strip() for value in row):
            continue
        email = cell(row, "email")
        first, last = (cell(row, "first"), cell(row, "last")) if "first" in columns else (cell(row, "name"), "")
        reason = ""
        try:
            validate_email(email)
        except ValidationError:
            reason = "not a valid e-mail address" if email else "no e-mail address"
        if not reason and len(email) > 150:
            reason = "e-mail address longer than 150 characters"
        elif not reason and not first:
            reason = "no name"
        elif not reason and (len(first) > 150 or len(last) > 150):
            reason = "name longer than 150 characters"
        elif not reason and email.lower() in seen:
            reason = "this e-mail address is on an earlier line of the file"
        elif not reason and email_taken(email):
            reason = "an account with this e-mail address already exists"
        if email:
            seen.add(email.lower())
        if reason:
            result.problems.append(RowProblem(line, email, reason))
            continue
        try:
            user = create_learner(
                first_name=first, last_name=last, email=email, cohorts=[cohort] if cohort else [], site=site
            )
        except IntegrityError:
            result.problems.append(RowProblem(line, email, "an account with this e-mail address already exists"))
            continue
        result.created.append(user)
    return result


def deactivate_learners(*, users) -> int:
    """Stop these accounts signing in; their work is kept. Staff and superusers are never touched here."""
    return users.filter(is_staff=False, is_superuser=False, is_active=True).update(is_active=False)


def deleted_learners_attempts_policy() -> str:
    policy = getattr(settings, "DELETED_LEARNERS_ATTEMPTS", "delete")
    if policy not in ATTEMPT_POLICIES:
        raise ImproperlyConfigured(f"DELETED_LEARNERS_ATTEMPTS must be one of {ATTEMPT_POLICIES}, not {policy!r}.")
    return policy


def delete_account(*, user) -> None:
    """Delete ``user``'s account and everything that names them, in one transaction.

    Their quiz attempts are deleted, or kept with no link to them when ``DELETED_LEARNERS_ATTEMPTS`` is
    "anonymise" (docs/deployment.md); every app's ``personal_data`` section erases its part first.
    """
    anonymise = deleted_learners_attempts_policy() == "anonymise"
    with transaction.atomic():
        personal_data.erase(user, anonymise_attempts=anonymise)
        user.delete()
