"""The item-analysis page, with every kind's distractor table and with a filter error, is valid HTML.

The browser checks (``tests/test_accessibility.py``, listed in ``tests/support.py``) visit the demo quiz, which
nobody has taken; this one checks the page full of figures with the Nu Html Checker.
"""

import pytest
from django.urls import reverse

from quiz.tests.test_item_analysis_kinds import quiz  # noqa: F401 (a fixture: nine learners, every kind)
from tests.support import run_html_checker

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_page_with_figures_and_with_a_filter_error_is_valid_html(client, make_educator, quiz, tmp_path):  # noqa: F811
    client.force_login(make_educator())
    url = reverse("admin:quiz_quiz_item_analysis", args=[quiz.pk])
    full = client.get(url).content.decode()
    assert "Marked outside every zone" in full and "What these figures mean" in full
    error = client.get(url, {"finished_from": "2026-02-30"}).content.decode()
    assert "Enter a valid date." in error
    errors = run_html_checker({"item-analysis": full, "item-analysis-filter-error": error}, tmp_path / "html")
    assert not errors, "\n".join(errors)
