"""Pages the same for every signed-out visitor are rendered once, and an edit shows on the next request."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.images import clean_upload
from cases.models import Figure
from cases.services import figure_attach_image
from cases.tests.factories import make_case, make_figure, make_key_point, make_reference, make_section, png_bytes

pytestmark = pytest.mark.django_db
PASSWORD = "a long learner password"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case():
    case = make_case(title="Nodules on the elbows")
    make_section(case, 1, heading="Presentation", body="Painless nodules.")
    make_figure(case, 1, "1A", caption="Radiograph of the elbow.")
    reference = make_reference(case, 1, citation="Smith J. A report.")
    make_key_point(case, 1, statement="Calcium deposits in the skin.", reference=reference)
    return case


def fetch(client, url):
    """The response, the number of queries it took and whether any template was rendered for it."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries), bool(response.templates)


def text(client, url) -> str:
    return client.get(url).content.decode()


def pages(case):
    return [case.get_absolute_url(), reverse("cases:figure", args=[case.slug, "1A"]), reverse("cases:list")]


def test_a_second_request_is_served_without_rendering(client, case):
    for url in pages(case):
        first, _, rendered = fetch(client, url)
        assert rendered
        again, queries, rendered = fetch(client, url)
        assert not rendered, url
        assert queries == 0, url
        assert again.content == first.content
        # The middleware still adds the security headers to a page from the cache.
        assert "default-src 'self'" in again["Content-Security-Policy"]
        assert again["X-Frame-Options"] == "DENY"
        assert again["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in again.headers and "csrftoken" not in again.content.decode()


def test_a_case_moved_to_another_address_is_no_longer_served_at_the_old_one(client, case):
    old = case.get_absolute_url()
    fetch(client, old)
    case.slug = "elbow-nodules"
    case.save()
    assert client.get(old).status_code == 404
    assert "Nodules on the elbows" in text(client, case.get_absolute_url())


def test_a_new_case_at_a_deleted_cases_address_is_shown_as_itself(client, case):
    url = case.get_absolute_url()
    fetch(client, url)
    slug = case.slug
    case.delete()
    assert client.get(url).status_code == 404
    make_case(title="Tophi on the fingers", slug=slug)
    assert "Tophi on the fingers" in text(client, url)


def test_addresses_that_name_no_case_leave_nothing_in_the_cache(client, case):
    from cases import page_cache

    for number in range(5):
        assert client.get(f"/cases/no-such-case-{number}/").status_code == 404
        key = page_cache._version_key(page_cache.case_scope(f"no-such-case-{number}"))
        assert cache.get(key) is None


def test_the_whole_case_and_its_beginning_are_kept_apart(client, case):
    url = case.get_absolute_url()
    assert "Smith J. A report." in text(client, url + "?whole=1")
    fetch(client, url)
    _, _, rendered = fetch(client, url + "?whole=1")
    assert not rendered


def _edit_section(case):
    section = case.sections.get()
    section.heading = "Examination"
    section.save()
    return "Examination"


def _add_section(case):
    make_section(case, 2, heading="Investigations")
    return "Investigations"


def _edit_figure(case):
    figure = case.figures.get()
    figure.caption = "Radiograph after treatment."
    figure.save()
    return "Radiograph after treatment."


def _add_figure(case):
    make_figure(case, 2, "1B", caption="Ultrasound of the knee.")
    return "Ultrasound of the knee."


def _new_renditions(case):
    figure = case.figures.get()
    clean = clean_upload(io.BytesIO(png_bytes(600, 450)), max_bytes=10_000_000, max_pixels=40_000_000)
    figure_attach_image(figure=figure, image=clean)
    return figure.renditions.order_by("width").first().file.url


def _edit_key_point(case):
    point = case.key_points.get()
    point.statement = "Deposits follow tissue damage."
    point.save()
    return "Deposits follow tissue damage."


def _edit_reference(case):
    reference = case.references.get()
    reference.citation = "Jones K. Another report."
    reference.save()
    return "Jones K. Another report."


def _edit_case(case):
    case.teaser = "A woman with hard lumps."
    case.save()
    return "A woman with hard lumps."


@pytest.mark.parametrize(
    "edit",
    [
        _edit_section,
        _add_section,
        _edit_figure,
        _add_figure,
        _new_renditions,
        _edit_key_point,
        _edit_reference,
        _edit_case,
    ],
)
def test_an_edit_to_any_piece_shows_on_the_next_request(client, case, edit):
    url = case.get_absolute_url() + "?whole=1"
    fetch(client, url)
    assert not fetch(client, url)[2], "the page was not kept"
    shown = edit(case)
    assert shown in text(client, url)


def test_deleting_a_piece_shows_on_the_next_request(client, case):
    url = case.get_absolute_url() + "?whole=1"
    figure_url = reverse("cases:figure", args=[case.slug, "1A"])
    assert "Presentation" in text(client, url) and "Calcium deposits" in text(client, url)
    assert client.get(figure_url).status_code == 200
    case.sections.get().delete()
    case.key_points.get().delete()
    case.figures.get().delete()
    page = text(client, url)
    assert "Presentation" not in page and "Calcium deposits" not in page and "Radiograph of the elbow" not in page
    assert client.get(figure_url).status_code == 404


def test_a_rendition_deleted_leaves_the_page(client, case):
    url = case.get_absolute_url()
    rendition = Figure.objects.get(case=case).renditions.order_by("width").first()
    assert rendition.file.url in text(client, url)
    rendition.delete()
    assert rendition.file.url not in text(client, url)


def test_the_list_of_cases_follows_its_cases(client, case):
    home = reverse("cases:list")
    assert "Nodules on the elbows" in text(client, home)
    case.title = "Nodules and a rash"
    case.save()
    assert "Nodules and a rash" in text(client, home)
    case.status = case.Status.DRAFT
    case.save()
    assert "Nodules and a rash" not in text(client, home)
    assert client.get(case.get_absolute_url()).status_code == 404
    make_case(title="A new case")
    assert "A new case" in text(client, home)


def test_a_search_is_always_rendered(client, case):
    url = reverse("cases:list") + "?q=nodules"
    fetch(client, url)
    assert fetch(client, url)[2]


def test_a_signed_in_learner_never_gets_a_kept_page_nor_leaves_one(client, case, django_user_model):
    url = case.get_absolute_url()
    visitor = client.__class__()
    assert "Sign out" not in text(visitor, url)  # kept for signed-out visitors

    client.force_login(django_user_model.objects.create_user("reader", password=PASSWORD))
    for address in pages(case):
        response, _, rendered = fetch(client, address)
        assert rendered, address
        assert "Sign out" in response.content.decode() and "reader" in response.content.decode()

    cache.clear()
    for address in pages(case):
        fetch(client, address)  # signed in first: nothing of theirs may be kept for the next visitor
        page = text(visitor, address)
        assert "Sign out" not in page and "reader" not in page and "csrfmiddlewaretoken" not in page


def test_a_signed_in_readers_case_page_reuses_the_case_and_follows_an_edit(client, case, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password=PASSWORD))
    url = case.get_absolute_url()
    fetch(client, url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert 'FROM "cases_section"' not in str(queries.captured_queries), "the case's body is kept as a fragment"
    assert "Painless nodules." in again.content.decode() and "Radiograph of the elbow." in again.content.decode()

    section = case.sections.get()
    section.body = "Painless nodules, now firm."
    section.save()
    assert "now firm" in text(client, url)


def test_a_case_page_is_shown_when_the_fragment_cache_is_away(client, case, django_user_model, settings):
    """Django's {% cache %} tag has no error handling: the fragments' cache turns a Redis that is away into a miss."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "fragments": {"BACKEND": "calcinosis_site.cache.FragmentCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    client.force_login(django_user_model.objects.create_user("reader", password=PASSWORD))
    for _ in range(2):
        page = text(client, case.get_absolute_url())
        assert "Painless nodules." in page and "Radiograph of the elbow." in page


def test_a_message_waiting_is_shown_to_its_visitor_only(client, case, django_user_model):
    url = case.get_absolute_url()
    visitor = client.__class__()
    text(visitor, url)  # a page is kept
    client.force_login(django_user_model.objects.create_user("reader", password=PASSWORD))
    session = client.session
    # The key is calcinosis_site.sessions.SIGNED_IN_AT (cases may not import the site package).
    session["signed_in_at"] = int((timezone.now() - timedelta(days=2)).timestamp())
    session.save()

    # The sign-in has lasted too long: signed out on this request, with a message saying why.
    signed_out = text(client, url)
    assert "You were signed out" in signed_out and "Sign out" not in signed_out
    assert "You were signed out" not in text(visitor, url)
    assert "You were signed out" not in text(client, url)  # shown once


def test_the_page_cache_can_be_turned_off(client, case, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = case.get_absolute_url()
    fetch(client, url)
    assert fetch(client, url)[2]


def test_clear_page_cache_forgets_every_page(client, case):
    url = case.get_absolute_url()
    fetch(client, url)
    assert not fetch(client, url)[2]
    out = io.StringIO()
    call_command("clear_page_cache", stdout=out)
    assert "1 cases" in out.getvalue()
    assert fetch(client, url)[2]
