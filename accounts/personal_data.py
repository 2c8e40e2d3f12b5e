"""Everything the site stores about one person: shown to them, exported, and erased when they delete their account.

Each app that stores personal data describes it in a ``personal_data`` module of its own, with a list named
``SECTIONS`` of objects shaped like ``Section`` below (see ``quiz/personal_data.py``). This module finds those
modules in the installed apps, as the admin finds ``admin`` modules, so no app has to import ``accounts`` to
register (apps depend one way: ``calcinosis_site/tests/test_app_boundaries.py``) and ``accounts`` imports none
of them. A new app with data about learners (spaced review, say) adds its ``personal_data.py`` and is then in the
"My data" page, both downloads and the account's deletion with nothing else to change.

The sections of this app (the account itself, its cohorts, its sign-in records) come first.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Protocol

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

#: Cell values a section's rows hold: text, numbers, booleans, None (shown as blank).
Cell = str | int | float | bool | None


class Section(Protocol):
    """One kind of personal data, as an app declares it in its ``personal_data.SECTIONS``."""

    #: Stable name, used as the key in the JSON download.
    key: str
    #: Heading on the "My data" page and in the CSV download.
    title: str
    #: One sentence for the learner: what this is and why it is kept.
    description: str
    #: (row key, column label) pairs, in display order.
    columns: Sequence[tuple[str, str]]

    def rows(self, user) -> list[dict[str, Cell]]:
        """The person's data, one dict per record, keyed by the column keys."""
        ...

    def erase(self, user, *, anonymise_attempts: bool) -> None:
        """Remove what names the person, just before their account is deleted (in the same transaction).

        ``anonymise_attempts`` is the site's ``DELETED_LEARNERS_ATTEMPTS == "anonymise"``: a section holding
        learning records keeps them with no link to the person instead of deleting them.
        """
        ...


@dataclass(frozen=True)
class SectionData:
    section: Section
    rows: list[dict[str, Cell]]

    @property
    def table(self) -> list[list[Cell]]:
        """The rows as lists in column order, for templates."""
        return [[row.get(key) for key, _ in self.section.columns] for row in self.rows]


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def sections() -> list[Section]:
    """Every installed app's sections, in the order of INSTALLED_APPS (this app's first)."""
    found: list[Section] = []
    for config in apps.get_app_configs():
        if config.module is not None and module_has_submodule(config.module, "personal_data"):
            module = import_module(f"{config.name}.personal_data")
            found += list(getattr(module, "SECTIONS", []))
    return found


def collect(user) -> list[SectionData]:
    """Everything stored about ``user``, section by section."""
    return [SectionData(section, section.rows(user)) for section in sections()]


def as_json(user) -> str:
    """The whole export as JSON: {"exported_at", "sections": {key: {"title", "description", "rows"}}}."""
    data = {
        "exported_at": _when(timezone.now()),
        "sections": {
            item.section.key: {
                "title": item.section.title,
                "description": item.section.description,
                "rows": item.rows,
            }
            for item in collect(user)
        },
    }
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Cell) -> Cell:
    """A cell a spreadsheet shows as text, never runs (OWASP CSV injection): free text goes in these files.

    The same rule as ``quiz.exports.safe_cell``, repeated because ``accounts`` may not import ``quiz``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def as_csv(user) -> str:
    """The whole export as one CSV: each section's title, its header row, its rows, then a blank line."""
    out = io.StringIO()
    writer = csv.writer(out)
    for item in collect(user):
        writer.writerow([item.section.title])
        writer.writerow([label for _, label in item.section.columns])
        for line in item.table:
            writer.writerow([safe_cell(value) for value in line])
        writer.writerow([])
    return out.getvalue()


def erase(user, *, anonymise_attempts: bool) -> None:
    """Every section erases what names ``user``; the caller deletes the account after, in one transaction."""
    for section in sections():
        section.erase(user, anonymise_attempts=anonymise_attempts)


# --- this app's sections ------------------------------------------------------------------------


class AccountSection:
    key = "account"
    title = "Your account"
    description = "What you sign in with and how the course team knows you."
    columns = [
        ("username", "Username"),
        ("first_name", "First name"),
        ("last_name", "Last name"),
        ("email", "E-mail"),
        ("date_joined", "Account made"),
        ("last_login", "Last signed in"),
        ("is_active", "Active"),
    ]

    def rows(self, user) -> list[dict[str, Cell]]:
        return [
            {
                "username": user.get_username(),
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "date_joined": _when(user.date_joined),
                "last_login": _when(user.last_login),
                "is_active": user.is_active,
            }
        ]

    def erase(self, user, *, anonymise_attempts: bool) -> None:
        # The admin's history names the account in its "object" column (its str, the username).
        user_type = ContentType.objects.get_for_model(user)
        LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).delete()


class CohortSection:
    key = "cohorts"
    title = "Your cohorts"
    description = "The groups your course team has put you in."
    columns = [("name", "Cohort"), ("description", "Description")]

    def rows(self, user) -> list[dict[str, Cell]]:
        return [{"name": c.name, "description": c.description} for c in user.cohorts.order_by("name")]

    def erase(self, user, *, anonymise_attempts: bool) -> None:
        user.cohorts.clear()


class SignInSection:
    """django-axes keeps a log of sign-ins (and of failed ones, to throttle guessing), by username."""

    key = "sign_ins"
    title = "Your sign-ins"
    description = "When you signed in and out, from which address and browser: kept to protect accounts."
    columns = [
        ("signed_in", "Signed in"),
        ("signed_out", "Signed out"),
        ("ip_address", "Internet address"),
        ("user_agent", "Browser"),
    ]

    @staticmethod
    def _names(user) -> Q:
        names = {user.get_username(), user.email} - {""}
        query = Q(pk__in=[])
        for name in names:
            query |= Q(username__iexact=name)
        return query

    def rows(self, user) -> list[dict[str, Cell]]:
        return [
            {
                "signed_in": _when(log.attempt_time),
                "signed_out": _when(log.logout_time),
                "ip_address": log.ip_address,
                "user_agent": log.user_agent,
            }
            for log in AccessLog.objects.filter(self._names(user)).order_by("-attempt_time")
        ]

    def erase(self, user, *, anonymise_attempts: bool) -> None:
        for model in (AccessLog, AccessAttempt, AccessFailureLog):
            model.objects.filter(self._names(user)).delete()


SECTIONS: list[Any] = [AccountSection(), CohortSection(), SignInSection()]
