import re

import pytest
from django.urls import reverse

from cases.models import Case
from cases.tests.factories import make_case, make_figure, make_key_point, make_reference, make_section

pytestmark = pytest.mark.django_db


def test_home_lists_published_cases_only(client):
    make_case(title="Nodules on the elbow")
    make_case(title="Secret draft", status=Case.Status.DRAFT)
    page = client.get(reverse("cases:list")).content.decode()
    assert "Nodules on the elbow" in page
    assert "Secret draft" not in page


@pytest.mark.parametrize("query", ["elbow", "ELBOW", "calcinosis", "rheumatology", "elbow calcinosis"])
def test_search_by_title_keyword_or_specialty(client, query):
    make_case(title="Nodules on the elbow", keywords="calcinosis cutis, knee", specialty="Rheumatology")
    make_case(title="A rash", keywords="eczema", specialty="Dermatology")
    page = client.get(reverse("cases:list"), {"q": query}).content.decode()
    assert "Nodules on the elbow" in page
    assert "A rash" not in page
    assert "1 case match" in page


def test_search_with_no_match_says_so(client):
    make_case(title="Nodules on the elbow")
    page = client.get(reverse("cases:list"), {"q": "zebra"}).content.decode()
    assert "0 cases match “zebra”" in page
    assert "Nodules on the elbow" not in page


def test_search_escapes_the_query(client):
    page = client.get(reverse("cases:list"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


def test_home_paginates(client):
    for n in range(25):
        make_case(title=f"Case number {n:02d}")
    first = client.get(reverse("cases:list")).content.decode()
    second = client.get(reverse("cases:list"), {"page": 2}).content.decode()
    assert "Case number 00" in first and "Case number 24" not in first
    assert "Case number 24" in second
    assert "Page 2 of 2" in second
    assert client.get(reverse("cases:list"), {"page": "banana"}).status_code == 200


def test_case_page_shows_sections_in_order_figures_references_and_source(client):
    case = make_case(
        title="Calcified nodules",
        source_authors="Doe J",
        source_title="A report",
        source_journal="BMJ Case Reports",
        source_year=2011,
        source_doi="10.1136/example",
    )
    make_section(case, 2, "Examination", "She had *nodules*.")
    make_section(case, 1, "Presentation", "An elderly woman.")
    make_figure(case, 1, "1A", alt_text="Nodules on the left elbow", is_illustration=True)
    reference = make_reference(case, 1, "Virchow, 1855.")
    make_key_point(case, 1, statement="Normal calcium argues against metastatic.", quote="Calcium was normal.",
                   reference=reference)  # fmt: skip
    page = client.get(case.get_absolute_url()).content.decode()

    assert page.index("Presentation") < page.index("Examination")
    assert "<em>nodules</em>" in page
    assert 'alt="Nodules on the left elbow"' in page
    assert "Illustration, not the patient’s image" in page
    assert "Virchow, 1855." in page
    assert "“Calcium was normal.”" in page
    assert "Doe J. A report. BMJ Case Reports 2011. doi:10.1136/example." in page
    assert 'href="https://doi.org/10.1136/example"' in page


def test_figures_use_responsive_renditions_with_dimensions(client):
    case = make_case()
    make_figure(case, 1, "1A", width=1500, height=1000)
    make_figure(case, 2, "1B", width=1500, height=1000)
    page = client.get(case.get_absolute_url()).content.decode()

    pictures = re.findall(r"<picture>.*?</picture>", page, re.S)
    assert len(pictures) == 2
    for picture in pictures:
        source = re.search(r'<source type="image/webp" srcset="[^"]*320w, [^"]*640w, [^"]*960w[^"]*"[^>]*>', picture)
        assert source and "sizes=" in source.group(0)
        img = re.search(r"<img [^>]*>", picture).group(0)
        assert re.search(r'src="[^"]*\.jpg" width="960" height="640"', img), "one JPEG for a browser without WebP"
    assert 'loading="lazy"' not in pictures[0]
    assert 'loading="lazy"' in pictures[1]


def test_original_upload_is_never_served(client, settings):
    case = make_case()
    figure = make_figure(case, 1, "1A")
    page = client.get(case.get_absolute_url()).content.decode()
    assert figure.master_name
    assert figure.master_name not in page
    assert "master" not in page
    # The master lives outside MEDIA_ROOT, so no media URL can reach it.
    media_root = str(settings.MEDIA_ROOT)
    assert not str(settings.STORAGES["figure_masters"]["OPTIONS"]["location"]).startswith(media_root + "/")


def test_draft_is_hidden_from_the_public_and_shown_to_staff(client, django_user_model):
    draft = make_case(title="Unfinished case", status=Case.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    make_figure(draft, 1, "1A")
    assert client.get(reverse("cases:figure", args=[draft.slug, "1A"])).status_code == 404

    staff = django_user_model.objects.create_user("teacher", password="x", is_staff=True)
    client.force_login(staff)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Unfinished case" in page
    assert "Only staff can see this case" in page


def test_figure_page_shows_the_large_image_and_neighbours(client):
    case = make_case()
    make_figure(case, 1, "1A")
    make_figure(case, 2, "1B", caption="The right knee.", width=2400, height=1600)
    make_figure(case, 3, "1C")
    page = client.get(reverse("cases:figure", args=[case.slug, "1B"])).content.decode()
    assert "The right knee." in page
    assert "Previous: figure 1A" in page and "Next: figure 1C" in page
    assert 'width="1920" height="1280"' in page
    assert client.get(reverse("cases:figure", args=[case.slug, "9Z"])).status_code == 404


def test_unknown_case_is_a_404(client):
    assert client.get("/cases/no-such-case/").status_code == 404
