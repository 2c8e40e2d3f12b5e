"""Settings read from the environment: SQLite's options, session lifetimes, login limits.

Checked in separate processes, as a server reads them, once, whatever database this test run uses. SQLite, a
laptop's default, is configured to queue concurrent writers instead of answering "database is locked"; other
databases are left as they are.
"""

import json

import pytest

from tests.production import manage, production_env

PROBE = """
import json
from django.conf import settings
from django.db import connection
options = settings.DATABASES["default"].get("OPTIONS", {})
result = {"vendor": connection.vendor, "options": options}
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        result["journal_mode"] = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        result["busy_timeout_ms"] = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    result["transaction_mode"] = connection.transaction_mode
result["lifetimes"] = [
    settings.SESSION_COOKIE_AGE,
    settings.SESSION_SIGNED_IN_IDLE.total_seconds(),
    settings.SESSION_SIGNED_IN_MAX_AGE.total_seconds(),
    settings.SESSION_REFRESH_INTERVAL.total_seconds(),
]
result["login_limits"] = [settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT]
print(json.dumps(result))
"""


def probe(env) -> dict:
    result = manage(env, "shell", "--no-imports", "-c", PROBE)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_sqlite_database_takes_the_write_lock_at_once_waits_for_it_and_keeps_a_write_ahead_log(tmp_path):
    found = probe(production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}"))

    assert found["vendor"] == "sqlite"
    assert found["transaction_mode"] == "IMMEDIATE"  # BEGIN IMMEDIATE: no read lock to upgrade, so no deadlock
    assert found["busy_timeout_ms"] == 20_000
    assert found["journal_mode"] == "wal"


@pytest.mark.slow
def test_postgresql_gets_none_of_the_sqlite_options(tmp_path):
    # Settings only: the probe does not connect when the database is not SQLite.
    found = probe(production_env(tmp_path, DATABASE_URL="postgres://calcinosis@db.invalid:5432/calcinosis"))

    assert found["vendor"] == "postgresql"
    assert not {"transaction_mode", "timeout", "init_command"} & set(found["options"])


@pytest.mark.slow
def test_session_lifetimes_and_login_limits_come_from_the_environment(tmp_path):
    env = production_env(
        tmp_path,
        DJANGO_SESSION_IDLE_DAYS="3",
        DJANGO_SESSION_SIGNED_IN_IDLE_MINUTES="12",
        DJANGO_SESSION_SIGNED_IN_MAX_HOURS="8",
        DJANGO_LOGIN_FAILURE_LIMIT="4",
        DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT="50",
    )

    found = probe(env)

    # A short signed-in idle timeout is refreshed more often than every five minutes, so use keeps it alive.
    assert found["lifetimes"] == [3 * 86400, 12 * 60, 8 * 3600, 3 * 60]
    assert found["login_limits"] == [4, 50]


@pytest.mark.slow
def test_a_session_lifetime_of_zero_is_refused(tmp_path):
    result = manage(production_env(tmp_path, DJANGO_SESSION_SIGNED_IN_MAX_HOURS="0"), "check")

    assert result.returncode != 0
    assert "must be at least 1" in result.stderr
