"""Fixtures for the end-to-end tests: the site as users meet it, in a real browser.

- ``browser``: headless Chromium (Debian's, /usr/bin/chromium) driven by Playwright, one per test session.
- ``site_url``: pytest-django's live server, also serving uploaded media (see ``tests/live_urls.py``).
- ``demo_case``: the demo case, loaded with ``load_demo`` into the live server's database.
- ``page``: a fresh browser page (desktop size, no cookies) on the live server. Everything the browser reports
  while the test runs is collected (``page_problems``), and the test fails on any Content Security Policy
  violation, uncaught script error, or image/stylesheet/script that failed to load.
- ``axe``: ``axe(page)`` runs axe-core's WCAG 2.1 A and AA rules in the page and fails listing each violation.
- ``html_check``: ``html_check({name: html})`` runs the Nu Html Checker once over a batch of raw HTML
  responses (``support.fetch_html``) and fails listing each error.
- ``educator`` and ``log_in``: a staff user in the Educators group, and logging in through the admin's form.

The tools are installed by the project's own files: ``make test`` runs ``tests/setup_browser_tools.sh``
(Chromium and Java from apt, axe-core and vnu-jar from ``npm ci``). When one is missing, the tests that need
it fail under CI (``CI=true``: the setup should have installed it) and are skipped elsewhere.

Browser tests carry the ``browser`` mark and run after every other test (``pytest_collection_modifyitems``
below). While Playwright's synchronous API is up, an asyncio event loop runs on the main thread, and Django
refuses database access from code in that thread unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The ``browser``
fixture sets that variable only while the browser is up, and nothing but browser tests runs in that time.
"""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.support import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_SLUG,
    DESKTOP,
    WCAG_TAGS,
    PageProblems,
    format_axe_violations,
    require_tools,
    run_html_checker,
    set_aside_known_violations,
    watch,
)

# --- Ordering ---------------------------------------------------------------------------------


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the browser tests after all others; the sort is stable, so pytest-django's order stays within each."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


# --- Browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    require_tools("chromium", "playwright")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site_url(live_server, settings):
    """The live server's address; it serves the site plus uploaded media (tests/live_urls.py)."""
    settings.ROOT_URLCONF = "tests.live_urls"
    return live_server.url


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def browser_context(browser, site_url, page_problems):
    """A fresh browser profile (no cookies) on the live server, desktop-sized, with problems collected."""
    context = browser.new_context(base_url=site_url, viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(15_000)
    watch(context, page_problems)
    yield context
    context.close()


@pytest.fixture
def page(browser_context, page_problems):
    """A page on the live server. The test fails if the browser reported any problem while it ran."""
    page = browser_context.new_page()
    yield page
    # Let late reports (a lazy image, a deferred script) arrive before judging.
    page.wait_for_load_state("networkidle")
    page_problems.assert_none()


# --- Data -------------------------------------------------------------------------------------

_DEMO_SNAPSHOT = pytest.StashKey[Path]()


@pytest.fixture
def demo_case(transactional_db, temporary_media, settings, tmp_path_factory, request):
    """The demo case, loaded by ``load_demo`` into the database the live server uses.

    Drawing the figures takes several seconds, so the first test of a session runs ``load_demo`` and keeps a
    copy (its database rows as a JSON fixture, and its image files); later tests restore that copy into their
    own freshly emptied database and media folders.
    """
    from accounts.roles import sync_educator_group
    from cases.models import Case

    media_root, private_root = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    snapshot = request.config.stash.get(_DEMO_SNAPSHOT, None)
    if snapshot is None:
        call_command("load_demo", stdout=io.StringIO())
        snapshot = tmp_path_factory.mktemp("demo-snapshot")
        # Content types, permissions and the Educators group are made again after each test's flush (by
        # post_migrate), so only the apps' own rows are kept.
        excluded = ["contenttypes", "auth", "sessions", "admin"]
        call_command(
            "dumpdata",
            *[arg for app in excluded for arg in ("--exclude", app)],
            "--natural-foreign",
            "--output",
            str(snapshot / "demo.json"),
            stdout=io.StringIO(),
        )
        _copy_tree(media_root, snapshot / "media")
        _copy_tree(private_root, snapshot / "private_media")
        request.config.stash[_DEMO_SNAPSHOT] = snapshot
    else:
        _copy_tree(snapshot / "media", media_root)
        _copy_tree(snapshot / "private_media", private_root)
        call_command("loaddata", str(snapshot / "demo.json"), stdout=io.StringIO())
        sync_educator_group()
    return Case.objects.get(slug=DEMO_SLUG)


def _copy_tree(source: Path, target: Path) -> None:
    if source.exists():
        shutil.copytree(source, target, dirs_exist_ok=True)


EDUCATOR_PASSWORD = "a-long-educator-password-1"


@pytest.fixture
def educator(transactional_db):
    """A staff user in the Educators group (not a superuser); the password is ``EDUCATOR_PASSWORD``."""
    from django.contrib.auth import get_user_model

    from accounts.roles import sync_educator_group

    user = get_user_model().objects.create_user(
        username="teacher", password=EDUCATOR_PASSWORD, is_staff=True, email="teacher@example.org"
    )
    user.groups.add(sync_educator_group())
    return user


@pytest.fixture
def log_in():
    """``log_in(page, username, password)``: log in through the admin's login form, as a person would."""

    def log_in(page, username: str, password: str = EDUCATOR_PASSWORD) -> None:
        page.goto("/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        assert "/admin/login/" not in page.url, f"Logging in as {username} failed: still at {page.url}"

    return log_in


# --- Checks -----------------------------------------------------------------------------------


@pytest.fixture
def axe(page_problems):
    """``axe(page)``: run axe-core's WCAG 2.1 A/AA rules in the page; fail listing every violation.

    axe-core is evaluated into the page over the DevTools protocol (``page.evaluate``), which the page's CSP
    does not govern. The CSP itself stays on (no ``bypass_csp``), so the page is checked as it really is.
    While it runs, axe adds ``<style>`` elements of its own (to read stylesheets and to probe what is on
    top at a point), which the CSP rightly blocks; those violations are axe's, not the page's, so the ones
    reported during the run are dropped. Any the page causes before or after are still reported.
    """
    require_tools("axe")
    source = AXE_JS.read_text(encoding="utf-8")

    def run(page, known: list[tuple[str, str, str]] = ()) -> None:
        """``known``: (rule id, regular expression for the element's selector, why) for violations that are
        tolerated for now. Each must still occur (or the test fails, so the list is trimmed when one is
        fixed), and each is reported as a ``KnownAccessibilityViolation`` warning."""
        page.wait_for_load_state("networkidle")
        before = len(page_problems.csp)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(source + "\n;undefined")
        result = page.evaluate(
            "(options) => axe.run(document, options)",
            {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
        )
        # Violation events are dispatched asynchronously: let the ones axe caused arrive, then drop them.
        page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 100))")
        del page_problems.csp[before:]
        violations = result["violations"]
        if known:
            violations = set_aside_known_violations(page.url, violations, known)
        assert not violations, f"axe found WCAG 2.1 A/AA violations on {page.url}:\n" + format_axe_violations(
            violations
        )

    return run


@pytest.fixture
def html_check(tmp_path):
    """``html_check({"name": html, ...})``: one Nu Html Checker run; fail listing every error (file, line)."""

    def check(documents: dict[str, str]) -> None:
        errors = run_html_checker(documents, tmp_path / "html")
        assert not errors, "The Nu Html Checker found errors:\n" + "\n".join(errors)

    return check
