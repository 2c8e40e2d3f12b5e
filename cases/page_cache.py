"""Whole pages for visitors who are not signed in, rendered once and kept in the configured cache.

The case page, a figure's page and the list of cases look the same to every signed-out visitor whose session
holds nothing (no quiz attempts of their own, no message waiting). For them the rendered HTML is kept with the
*content version* it was rendered from: a random token per case address (slug), and one for the list of cases,
kept in the same cache and replaced whenever anything those pages show is saved or deleted (``cases.receivers``,
``quiz.receivers``). A request reads the page and the current token together (one round trip to the cache, no
query) and is served the kept page only when the two tokens match; after an edit every server's next request
renders afresh and keeps the new page in place of the old.

The token belongs to the address, not the case's id, so that the address alone finds it: a case that changes its
slug replaces the tokens of both addresses (``cases.receivers.case_slug_changing``). A page is kept only when it
was rendered with status 200 for a signed-out visitor, so only pages of published cases are ever kept, and
unpublishing a case is an edit like any other.

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
    case_slug: str | None = None  # the case at whose address it is; None: the list of cases

    @property
    def scope(self) -> str:
        """Whose content version the page depends on."""
        return case_scope(self.case_slug) if self.case_slug else CASE_LIST


def case_scope(slug: str) -> str:
    """The scope of the content version of the case at this address."""
    return f"case:{slug}"


def register_change_times(function: ChangeTimes) -> None:
    """Called in an app's ``AppConfig.ready``: the app can make a case's pages change at a set time."""
    if function not in _change_times:
        _change_times.append(function)


def content_changed(*, case_ids: Iterable[int | None] = (), slugs: Iterable[str] = (), case_list: bool = False) -> None:
    """Something these cases' pages (or the list of cases) show was saved or deleted: forget their pages.

    Cases are named by id (their address as the database holds it now) or by address. Done at once and again
    when the transaction commits: a page rendered in between from the database as it was before the commit would
    otherwise be kept under the new version.
    """
    ids = {pk for pk in case_ids if pk is not None}
    addresses = set(slugs) | (set(Case.objects.filter(pk__in=ids).values_list("slug", flat=True)) if ids else set())
    scopes = {case_scope(slug) for slug in addresses if slug} | ({CASE_LIST} if case_list else set())
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
    slugs = list(Case.objects.values_list("slug", flat=True))
    _replace_versions({*map(case_scope, slugs), CASE_LIST})
    return len(slugs)


def serve(request: HttpRequest, page: Callable[[], Page | None], render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page from the cache when this visitor may share it and it is there; else ``render()``, kept if it may be.

    ``page`` is only called for a visitor who may share pages (it may make a query).
    """
    if settings.PAGE_CACHE_SECONDS <= 0 or not _may_share(request):
        return render()
    wanted = page()
    if wanted is None:
        return render()
    version_key, key = _version_key(wanted.scope), _page_key(wanted)
    try:
        # The page and the current version in one round trip. The version is read (or made) before a page is
        # rendered, so a page rendered from content that changes meanwhile is kept with the version that is replaced.
        found = cache.get_many([version_key, key])
        version, kept = found.get(version_key), found.get(key)
        made = version is None
        if made:
            version = _new_version(version_key)
    except Exception:  # The cache only saves work: a Redis that is away must not take the pages with it.
        logger.warning("Page cache unavailable; rendering %s", request.path, exc_info=True)
        return render()
    if kept is not None and kept[0] == version:
        _, content, content_type = kept
        return HttpResponse(content, content_type=content_type)
    try:
        response = render()
    except Exception:  # Http404 included
        if made:
            _forget_version(version_key)
        raise
    if _may_keep(request, response):
        if (lifetime := _lifetime(wanted)) > 0:
            try:
                cache.set(key, (version, response.content, response["Content-Type"]), lifetime)
            except Exception:
                logger.warning("Page cache unavailable; %s not kept", request.path, exc_info=True)
    elif made and response.status_code != 200:
        _forget_version(version_key)
    return response


def _forget_version(key: str) -> None:
    """A version made for an address that turned out to name nothing the visitor may see (a 404, a held figure's
    403) is not left behind: anyone could otherwise fill the cache with versions of made-up addresses. Forgetting
    a version is always safe: what was kept under it is just not found."""
    try:
        cache.delete(key)
    except Exception:
        logger.warning("Page cache unavailable; version %s left to expire", key, exc_info=True)


def content_version(scope: str) -> str:
    """The current token of a case (``case_scope``) or of the list of cases; made when there is none yet."""
    key = _version_key(scope)
    return cache.get(key) or _new_version(key)


def shared_fragments(slug: str) -> dict:
    """What a template needs to keep the parts of a case's pages that are the same for every reader (``{% cache
    fragment_seconds ... content_version ... %}``): how long (``fragment_seconds``, 0 when fragments are not kept)
    and the case's content version, which every edit to what those parts show replaces.

    Kept only when pages are (``PAGE_CACHE_SECONDS``, on with Redis): a local-memory cache is one per process, and
    an edit seen by one worker would not replace the version the others read.
    """
    seconds = settings.PAGE_CACHE_SECONDS
    if seconds <= 0:
        return {"fragment_seconds": 0, "content_version": ""}
    try:
        return {"fragment_seconds": seconds, "content_version": content_version(case_scope(slug))}
    except Exception:  # The cache only saves work: a Redis that is away must not take the page with it.
        logger.warning("Cache unavailable; the shared parts of %s are rendered afresh", slug, exc_info=True)
        return {"fragment_seconds": 0, "content_version": ""}


def _new_version(key: str) -> str:
    """A first token (first use, expired or evicted); two servers making one at once agree on whichever was stored
    first."""
    cache.add(key, secrets.token_hex(8), timeout=_version_seconds())
    return cache.get(key) or secrets.token_hex(8)


def _version_seconds() -> int:
    """How long a version lasts: longer than anything kept under it, so that it is not made again for nothing.
    When it runs out, what was kept under it is simply not found."""
    return max(2 * settings.PAGE_CACHE_SECONDS, 60)


def _prefix() -> str:
    """Keys of one site: two sites sharing a Redis (staging and production, test runs) have different secret keys,
    and their case ids and slugs would otherwise meet."""
    return "pages:" + salted_hmac("cases.page_cache", "keys").hexdigest()[:12]


def _version_key(scope: str) -> str:
    return f"{_prefix()}:version:{scope}"


def _replace_versions(scopes: set) -> None:
    try:
        cache.set_many({_version_key(scope): secrets.token_hex(8) for scope in scopes}, timeout=_version_seconds())
    except Exception:
        # Pages kept before stay until PAGE_CACHE_SECONDS runs out.
        logger.warning("Page cache unavailable; versions of %s not replaced", sorted(map(str, scopes)), exc_info=True)


def _page_key(page: Page) -> str:
    digest = hashlib.sha256(repr(page.name).encode()).hexdigest()[:32]
    return f"{_prefix()}:page:{digest}"


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
    case_id = page.case_slug and Case.objects.filter(slug=page.case_slug).values_list("pk", flat=True).first()
    if not case_id:
        return seconds
    now = timezone.now()
    for change_times in _change_times:
        moment = change_times(case_id)
        if moment is not None:
            seconds = min(seconds, int((moment - now).total_seconds()))
    return seconds
