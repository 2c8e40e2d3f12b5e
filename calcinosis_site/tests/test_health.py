"""/health/: what a load balancer or a monitor sees."""

import json

import pytest
from django.db import OperationalError

from calcinosis_site import health

pytestmark = pytest.mark.django_db


def test_healthy_server_says_ok_and_is_never_cached(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_cache_is_checked_when_redis_is_configured(client, settings):
    settings.REDIS_URL = "redis://cache.internal:6379/0"  # the cache itself stays the test's local one

    response = client.get("/health/")

    assert response.status_code == 200
    assert json.loads(response.content)["checks"] == {"database": "ok", "cache": "ok"}


def test_database_failure_is_503_and_names_no_secret(client, monkeypatch, caplog):
    def broken():
        raise OperationalError('connection to server at "db.internal" failed: password=hunter2')

    monkeypatch.setattr(health, "_database", broken)

    response = client.get("/health/")

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "failed", "checks": {"database": "failed"}}
    assert b"hunter2" not in response.content and b"db.internal" not in response.content
    assert "no-store" in response["Cache-Control"]
    assert "health check database failed: OperationalError" in caplog.text
    assert "hunter2" not in caplog.text


def test_cache_failure_is_503(client, settings, monkeypatch):
    settings.REDIS_URL = "redis://cache.internal:6379/0"

    def broken():
        raise ConnectionError("Error 111 connecting to cache.internal:6379. Connection refused.")

    monkeypatch.setattr(health, "_cache", broken)

    response = client.get("/health/")

    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {"database": "ok", "cache": "failed"}
    assert b"cache.internal" not in response.content


def test_health_answers_plain_http_while_pages_redirect_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/").status_code == 200
    page = client.get("/")
    assert page.status_code == 301
    assert page["Location"].startswith("https://")


def test_only_reads_are_allowed(client):
    assert client.post("/health/").status_code == 405
