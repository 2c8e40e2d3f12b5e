"""The public pages are valid HTML, by the Nu Html Checker, as the server sends them."""

import pytest

from tests.support import PUBLIC_PAGES, fetch_html, run_html_checker

pytestmark = pytest.mark.browser


def test_public_pages_are_valid_html(site_url, demo_case, html_check):
    html_check({name: fetch_html(site_url + path) for name, path in PUBLIC_PAGES.items()})


def test_the_checker_reports_errors(tmp_path):
    """The check itself works: an invalid page is caught, with its name and line."""
    errors = run_html_checker(
        {"broken": "<!doctype html>\n<html lang=en><title>x</title>\n<p><div>block in a paragraph</p></html>"},
        tmp_path,
    )
    assert errors and all(error.startswith("broken.html line ") for error in errors)
