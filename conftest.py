"""Fixtures shared by every test, and the rule for tests that need PostgreSQL and Redis.

Tests marked ``postgres`` start real servers against PostgreSQL (and Redis). They run in the PostgreSQL run
(``DATABASE_URL=postgres://...``, ``make test-postgres``) and are skipped in the SQLite run. In the
PostgreSQL run, a PostgreSQL server that does not answer fails them; so does Redis under CI (``CI=true``:
.ci/run starts it), while a laptop without Redis skips them with a message.
"""

import os
import socket
import urllib.parse

import pytest

# Redis database the server tests use (their servers share it, as app servers would).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def database_is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://", "pgsql://"))


def pytest_collection_modifyitems(config, items):
    if database_is_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs with DATABASE_URL=postgres://... (make test-postgres)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


def _answers(url: str, default_port: int, probe: bytes = b"", expect: bytes = b"") -> str:
    """'' when the server at url accepts a connection (and answers probe with expect), else why not."""
    parts = urllib.parse.urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "localhost", parts.port or default_port), timeout=3) as conn:
            if probe:
                conn.sendall(probe)
                reply = conn.recv(64)
                if not reply.startswith(expect):
                    return f"it answered {reply!r}"
    except OSError as exc:
        return str(exc)
    return ""


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """DATABASE_URL, once PostgreSQL answers there. This run asked for PostgreSQL, so silence is a failure."""
    url = os.environ["DATABASE_URL"]
    problem = _answers(url, 5432)
    if problem:
        pytest.fail(f"PostgreSQL at DATABASE_URL does not answer ({problem}).", pytrace=False)
    return url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """TEST_REDIS_URL, once Redis answers PING there."""
    problem = _answers(TEST_REDIS_URL, 6379, b"PING\r\n", b"+PONG")
    if problem:
        message = f"Redis does not answer at {TEST_REDIS_URL} ({problem})."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " Under CI, .ci/run starts it.", pytrace=False)
        pytest.skip(message + " Start redis-server to run this test.")
    return TEST_REDIS_URL


@pytest.fixture(autouse=True)
def temporary_media(settings, tmp_path):
    """Uploads in tests go to a temporary folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"
    settings.STORAGES = {
        **settings.STORAGES,
        "figure_masters": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private_media", "base_url": None},
        },
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def make_educator(django_user_model):
    """Makes a staff account in the Educators group (``accounts.roles``): what the admin's educators are."""
    from accounts.roles import sync_educator_group

    def make(username: str = "teacher", password: str = "pw"):
        user = django_user_model.objects.create_user(username, password=password, is_staff=True)
        user.groups.add(sync_educator_group())
        return user

    return make
