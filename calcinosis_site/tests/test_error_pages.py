"""Error pages with debug off: the site's own pages, telling nothing about the server or the request."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from calcinosis_site.tests.error_urls import SECRET

# No database access (pytest-django fails any query): error pages must show even when the database is down.
pytestmark = pytest.mark.urls("calcinosis_site.tests.error_urls")

LEAKS = ["Traceback", "hunter2", SECRET, "SECRET_KEY", "DATABASES", "settings.py", "site-packages"]


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def assert_site_page_without_leaks(response, heading):
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert 'class="navbar-brand' in page and "css/site.css" in page
    for leak in LEAKS:
        assert leak not in page, leak
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_server_error_page(client):
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    assert_site_page_without_leaks(response, "Something went wrong")


def test_server_error_page_needs_no_request_context_or_database():
    # Django renders 500.html with no request and an empty context.
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_not_found_page_does_not_echo_the_address(client):
    response = client.get("/cases/<script>alert(1)</script>-nodules/")
    also = client.get("/no-such-page/%3Cb%3Einjected%3C/b%3E/")

    assert response.status_code == 404 and also.status_code == 404
    assert_site_page_without_leaks(response, "Page not found")
    for page in (response.content.decode(), also.content.decode()):
        assert "alert(1)" not in page and "injected" not in page and "nodules" not in page


def test_permission_denied_page(client):
    response = client.get("/forbidden/")

    assert response.status_code == 403
    assert_site_page_without_leaks(response, "You cannot open this page")


def test_bad_request_page(client):
    response = client.get("/suspicious/")

    assert response.status_code == 400
    assert_site_page_without_leaks(response, "Request not understood")


def test_expired_form_page(client):
    client.handler.enforce_csrf_checks = True

    response = client.post("/admin/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert_site_page_without_leaks(response, "Please try again")
