"""``/health/``: whether this app server can do its work, for a load balancer or a monitor.

It checks what every page needs: the database (``SELECT 1``) and, when ``REDIS_URL`` is set, the shared
cache (a write and a read). 200 with ``{"status": "ok", ...}`` when all answer, 503 naming what failed
otherwise. The body names checks only, never hosts, addresses or error messages; the reason for a
failure goes to the log. Never cached, and exempt from the HTTPS redirect (SECURE_REDIRECT_EXEMPT) so it
can be probed over plain HTTP on loopback.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def _cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    try:
        if cache.get(key) != "ok":
            raise RuntimeError("the value written was not read back")
    finally:
        cache.delete(key)


@never_cache
@require_safe
def health(request):
    checks = {"database": _database}
    if settings.REDIS_URL:
        checks["cache"] = _cache
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure means "not healthy"; the type goes to the log, not the body
            logger.error("health check %s failed: %s", name, type(exc).__name__)
            results[name] = "failed"
        else:
            results[name] = "ok"
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse({"status": "ok" if healthy else "failed", "checks": results}, status=200 if healthy else 503)
