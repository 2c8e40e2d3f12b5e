"""Request errors reach the log as one line each, with method, path and status, and nothing typed in them."""

import logging
import sys

import pytest
from django.conf import settings

from calcinosis_site.logs import OneLineRequestFormatter
from calcinosis_site.tests.error_urls import SECRET

pytestmark = pytest.mark.urls("calcinosis_site.tests.error_urls")


def configured_formatter() -> logging.Formatter:
    """The formatter the LOGGING setting gives the console handler, which writes to standard output."""
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["stream"] == "ext://sys.stdout"
    assert settings.LOGGING["formatters"][handler["formatter"]]["()"] == "calcinosis_site.logs.OneLineRequestFormatter"
    return OneLineRequestFormatter()


def request_error_lines(caplog) -> list[str]:
    formatter = configured_formatter()
    return [formatter.format(r) for r in caplog.records if r.name.startswith(("django.request", "django.security"))]


def test_a_server_error_is_one_line_with_method_path_status_and_where(client, caplog):
    client.raise_request_exception = False

    client.post("/boom/", {"answer": SECRET, "password": "hunter2"})

    [line] = request_error_lines(caplog)
    assert "\n" not in line
    assert line.startswith("ERROR django.request 500 POST /boom/ RuntimeError at ")
    assert "calcinosis_site/tests/error_urls.py" in line and "in crash" in line
    # Neither the request body nor the exception's message (which quotes it) is logged.
    assert SECRET not in line and "hunter2" not in line


def test_a_not_found_is_one_warning_line_and_cannot_forge_a_line(client, caplog):
    client.get("/no-such-page/%0AERROR forged line/")

    [line] = request_error_lines(caplog)
    assert line.startswith("WARNING django.request 404 GET /no-such-page/")
    assert "\n" not in line and "\\n" in line


def test_a_refused_host_is_one_line(client, caplog):
    client.get("/", headers={"Host": "evil.example"})

    [line] = request_error_lines(caplog)
    assert line.startswith("ERROR django.security.DisallowedHost 400 GET / Invalid HTTP_HOST header: 'evil.example'")
    assert "\n" not in line


def test_other_records_keep_the_plain_form():
    record = logging.LogRecord("cases", logging.INFO, __file__, 1, "Loaded %s", ("the demo",), None)

    assert OneLineRequestFormatter().format(record) == "INFO cases Loaded the demo"


def test_tracebacks_of_other_loggers_are_kept():
    try:
        raise ValueError("for the operator")
    except ValueError:
        record = logging.LogRecord("cases", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())

    assert "Traceback" in OneLineRequestFormatter().format(record)
