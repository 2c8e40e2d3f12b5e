"""Whole pages for visitors who are not signed in, rendered once and kept in the configured cache.

The case page, a figure's page and the list of cases look the same to every signed-out visitor whose session
holds nothing (no quiz attempts of their own, no message waiting). For them the rendered HTML is kept, keyed by
the page and a *content version*: a random token per case (and one for the list of cases), kept in the same
cache and replaced whenever anything those pages show is saved or deleted (``cases.receivers``,
``quiz.receivers``). After an edit every server's next request renders afresh; pages kept under the old token
are never asked for again and expire.

Why a token in the cache rather than a version worked out from the database: sections, figures, renditions, key
points and references carry no "last changed" time, so noticing a deletion would mean counting rows of five
tables on every request, where one cache read does. With Redis (``REDIS_URL``) every app server reads the same
token. A local-memory cache is one per process, so an edit seen by one gunicorn worker would not reach the pages
the others keep: caching is on by default only with Redis (``settings.PAGE_CACHE_SECONDS``).

Only the content and its type are kept, never headers or cookies, and a cached page is served from inside the
view: every response still goes through all the middleware (security headers, CSP, session, CSRF). A page whose
rendering used a CSRF token, showed messages or changed the session is not kept.

Some pages change with time alone (an exam on the case opens or closes). Apps register a function giving the
next such moment for a case (``register_change_times``), and a page is kept no longer than that.
"""

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cases.models import Case

logger = logging.getLogger(__name__)

CASE_LIST = "list"

# case id -> the next moment (after now) at which its pages may change with no edit, or None.
ChangeTimes = Callable[[int], datetime | None]
_change_times: list[ChangeTimes] = []


@dataclass(frozen=True)
class Page:
    """One page that may be shared: what tells it apart, and whose content version it depends on."""

    name: tuple
    scope: int | str  # a case's id, or CASE_LIST
    case_id: int | None = None  # asked about changes with time (register_change_times)


def register_change_times(function: ChangeTimes) -> None:
    """Called in an app's ``AppConfig.ready``: the app can make a case's pages change at a set time."""
    if function not in _change_times:
        _change_times.append(function)


def content_changed(*, case_ids: Iterable[int | None] = (), case_list: bool = False) -> None:
    """Something these cases' pages (or the list of cases) show was saved or deleted: forget their pages.

    Done at once and again when the transaction commits: a page rendered in between from the database as it
    was before the commit would otherwise be kept under the new version.
    """
    scopes = {pk for pk in case_ids if pk is not None} | ({CASE_LIST} if case_list else set())
    if not scopes:
        return
    _replace_versions(scopes)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _replace_versions(scopes))


def forget_all_pages() -> int:
    """Forget every kept page (``manage.py clear_page_cache``); returns how many cases' pages.

    By replacing every version rather than ``cache.clear()``, which would also forget what else the cache
    holds (sign-up and password-reset rate limits).
    """
    case_ids = list(Case.objects.values_list("pk", flat=True))
    _replace_versions({*case_ids, CASE_LIST})
    return len(case_ids)


def serve(request: HttpRequest, page: Callable[[], Page | None], render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page from the cache when this visitor may share it and it is there; else ``render()``, kept if it may be.

    ``page`` is only called for a visitor who may share pages (it may make a query).
    """
    if settings.PAGE_CACHE_SECONDS <= 0 or not _may_share(request):
        return render()
    wanted = page()
    if wanted is None:
        return render()
    try:
        # The version is read before the page is rendered, so a page rendered from content that changes meanwhile
        # is kept under the version that is replaced.
        key = _page_key(wanted)
        kept = cache.get(key)
    except Exception:  # The cache only saves work: a Redis that is away must not take the pages with it.
        logger.warning("Page cache unavailable; rendering %s", request.path, exc_info=True)
        return render()
    if kept is not None:
        content, content_type = kept
        return HttpResponse(content, content_type=content_type)
    response = render()
    if _may_keep(request, response):
        lifetime = _lifetime(wanted)
        if lifetime > 0:
            try:
                cache.set(key, (response.content, response["Content-Type"]), lifetime)
            except Exception:
                logger.warning("Page cache unavailable; %s not kept", request.path, exc_info=True)
    return response


def content_version(scope: int | str) -> str:
    """The current token of a case (or of the list of cases); made when there is none (first use, or evicted)."""
    key = _version_key(scope)
    version = cache.get(key)
    if version is None:
        cache.add(key, secrets.token_hex(8), timeout=None)
        version = cache.get(key) or secrets.token_hex(8)
    return version


def _prefix() -> str:
    """Keys of one site: two sites sharing a Redis (staging and production, test runs) have different secret keys,
    and their case ids and slugs would otherwise meet."""
    return "pages:" + salted_hmac("cases.page_cache", "keys").hexdigest()[:12]


def _version_key(scope: int | str) -> str:
    return f"{_prefix()}:version:{scope}"


def _replace_versions(scopes: set) -> None:
    try:
        cache.set_many({_version_key(scope): secrets.token_hex(8) for scope in scopes}, timeout=None)
    except Exception:
        # Pages kept before stay until PAGE_CACHE_SECONDS runs out.
        logger.warning("Page cache unavailable; versions of %s not replaced", sorted(map(str, scopes)), exc_info=True)


def _page_key(page: Page) -> str:
    digest = hashlib.sha256(repr(page.name).encode()).hexdigest()[:32]
    return f"{_prefix()}:page:{digest}:{content_version(page.scope)}"


def _may_share(request: HttpRequest) -> bool:
    """Signed out, with an empty session (nothing of theirs the page could show) and no message waiting."""
    if request.method != "GET" or request.user.is_authenticated:
        return False
    if any(True for _ in request.session.keys()):
        return False
    # len() reads the waiting messages without marking them shown.
    return len(messages.get_messages(request)) == 0


def _may_keep(request: HttpRequest, response: HttpResponse) -> bool:
    """Nothing of this visitor's went into the page: no token, no message, no cookie, no session data."""
    storage = getattr(request, "_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (storage is not None and storage.used)
        and _may_share(request)
    )


def _lifetime(page: Page) -> int:
    """Seconds to keep the page: PAGE_CACHE_SECONDS, or less when it changes with time before then."""
    seconds = settings.PAGE_CACHE_SECONDS
    if page.case_id is None:
        return seconds
    now = timezone.now()
    for change_times in _change_times:
        moment = change_times(page.case_id)
        if moment is not None:
            seconds = min(seconds, int((moment - now).total_seconds()))
    return seconds
