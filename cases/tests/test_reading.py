"""Case pages without any guide: cases stands alone, and shows a reader the whole case."""

import pytest
from django.urls import reverse

from cases import reading
from cases.tests.factories import make_case, make_figure, make_key_point, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_guides(monkeypatch):
    monkeypatch.setattr(reading, "_guides", [])


def test_without_a_guide_the_case_page_shows_every_section_figure_and_key_point(client, no_guides):
    case = make_case()
    make_section(case, heading="Presentation", position=1)
    make_section(case, heading="Discussion", position=2)
    make_figure(case, position=1, label="1")
    make_figure(case, position=2, label="2")
    make_key_point(case, statement="A point the discussion makes.")
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Presentation" in html and "Discussion" in html and "A point the discussion makes." in html
    assert 'id="figure-1"' in html and 'id="figure-2"' in html
    assert "Read the whole case instead" not in html


def test_without_a_guide_every_figure_page_opens_with_links_to_its_neighbours(client, no_guides):
    case = make_case()
    for position in (1, 2, 3):
        make_figure(case, position=position, label=str(position))
    html = client.get(reverse("cases:figure", args=[case.slug, "2"])).content.decode()
    assert "Previous: figure 1" in html and "Next: figure 3" in html
    assert "?whole=1" not in html
