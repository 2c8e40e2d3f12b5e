"""Case pages make the same number of queries however many cases, sections and figures there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.tests.factories import make_case, make_figure, make_key_point, make_reference, make_section

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def full_case(sections: int, figures: int):
    case = make_case()
    for n in range(1, sections + 1):
        make_section(case, n)
    for n in range(1, figures + 1):
        make_figure(case, n, f"F{n}", width=400, height=300)
    reference = make_reference(case, 1)
    for n in range(1, sections + 1):
        make_key_point(case, n, reference=reference)
    return case


def test_home_page_does_not_grow_with_the_number_of_cases(client):
    make_case(keywords="nodules")
    few = queries_for(client, reverse("cases:list"))
    searched_few = queries_for(client, reverse("cases:list") + "?q=nodules")
    for _ in range(30):
        make_case(keywords="nodules")
    many = queries_for(client, reverse("cases:list"))
    searched_many = queries_for(client, reverse("cases:list") + "?q=nodules")
    assert few == many
    # A search also asks which cases an open exam holds back (one more query), whatever the number of cases.
    assert searched_few == searched_many <= few + 1


def test_case_page_does_not_grow_with_sections_or_figures(client):
    small = full_case(sections=1, figures=1)
    large = full_case(sections=8, figures=12)
    assert queries_for(client, small.get_absolute_url()) == queries_for(client, large.get_absolute_url())
    figure_small = queries_for(client, reverse("cases:figure", args=[small.slug, "F1"]))
    figure_large = queries_for(client, reverse("cases:figure", args=[large.slug, "F7"]))
    assert figure_small == figure_large
