"""Log lines for standard output (systemd's journal): one line per request error, and nothing in it that a
learner or an educator typed.

Django logs a failed request on ``django.request`` (and suspicious ones on ``django.security.*``) with the
request and, for a 500, the exception attached. A traceback spans dozens of lines and an exception's
message can quote data (a posted answer, a database row), so request errors are written as one line:
level, logger, status, method, path, and the exception's type with the line of our code that raised it.
Request bodies never appear. Other log records keep the plain ``LEVEL logger message`` form.
"""

import logging
import traceback
from pathlib import Path

from django.conf import settings

REQUEST_LOGGERS = ("django.request", "django.security")
MAX_MESSAGE = 300


def _one_line(text: str) -> str:
    """Control characters (newlines above all) escaped, so no value can start a new log line."""
    return text.encode("unicode_escape").decode("ascii")


def _raised_at(exc_info) -> str:
    """The exception's type and the innermost frame of the project's own code, e.g.
    ``ValueError at quiz/views.py:88 in attempt_step``."""
    exc_type, _, tb = exc_info
    frames = traceback.extract_tb(tb)
    base = Path(settings.BASE_DIR)
    ours = [f for f in frames if Path(f.filename).is_relative_to(base) and "site-packages" not in f.filename]
    frame = (ours or frames or [None])[-1]
    if frame is None:
        return exc_type.__name__
    filename = Path(frame.filename)
    shown = filename.relative_to(base) if filename.is_relative_to(base) else filename.name
    return f"{exc_type.__name__} at {shown}:{frame.lineno} in {frame.name}"


class OneLineRequestFormatter(logging.Formatter):
    def __init__(self, *args, **kwargs):
        super().__init__("%(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not record.name.startswith(REQUEST_LOGGERS):
            return super().format(record)
        parts = [record.levelname, record.name]
        status = getattr(record, "status_code", None)
        if status is not None:
            parts.append(str(status))
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            parts += [str(request.method), _one_line(request.path)]
        if record.name != "django.request" or request is None:
            # django.security messages are Django's own words about the request (e.g. which host header
            # was refused), worth keeping; django.request's only repeat the path.
            parts.append(_one_line(record.getMessage())[:MAX_MESSAGE])
        if record.exc_info and record.exc_info[0] is not None:
            parts.append(_raised_at(record.exc_info))
        return " ".join(parts)
