"""Headers every page carries, and the client address used for login throttling."""

import pytest
from django.test import RequestFactory

from calcinosis_site.security import client_ip

pytestmark = pytest.mark.django_db


def test_pages_carry_the_security_headers(client):
    response = client.get("/")

    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_hsts_is_sent_over_https_only(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    assert "Strict-Transport-Security" not in client.get("/")
    # What nginx sends for a request that came in over HTTPS (SECURE_PROXY_SSL_HEADER).
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_cookies_are_http_only_and_secure_on_a_server(client, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True  # what DEBUG off sets
    from cases.tests.factories import make_case

    make_case(slug="a-case")
    # The admin's login page sets the CSRF cookie.
    response = client.get("/admin/login/", headers={"X-Forwarded-Proto": "https"})

    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"]


def request_from(remote_addr, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)


def test_without_a_trusted_proxy_the_connection_address_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


def test_behind_nginx_the_address_nginx_saw_counts_not_what_the_browser_claims(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # nginx appends the address it saw; anything to its left came from the browser and may be forged.
    assert client_ip(request_from("127.0.0.1", "203.0.113.5")) == "203.0.113.5"
    assert client_ip(request_from("127.0.0.1", "1.2.3.4, 203.0.113.5")) == "203.0.113.5"


def test_behind_a_load_balancer_and_nginx_the_second_from_the_right_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request_from("127.0.0.1", "1.2.3.4, 203.0.113.5, 10.0.0.2")) == "203.0.113.5"


def test_a_request_that_bypassed_the_proxies_or_sent_junk_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from("127.0.0.1")) == "127.0.0.1"
    assert client_ip(request_from("127.0.0.1", "not-an-address")) == "127.0.0.1"
