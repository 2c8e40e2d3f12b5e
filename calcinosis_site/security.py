"""Small security pieces the libraries in use do not provide: the client's address behind proxies, the
login lockout page, and the Permissions-Policy header."""

import ipaddress

from django.conf import settings
from django.shortcuts import render

from calcinosis_site.login_throttling import address_is_locked


def client_ip(request) -> str | None:
    """The browser's address, for login throttling (django-axes' AXES_CLIENT_IP_CALLABLE).

    Each proxy in front of gunicorn appends the address it received the request from to X-Forwarded-For
    (nginx's ``$proxy_add_x_forwarded_for``). With ``TRUSTED_PROXY_COUNT`` such proxies, the browser's
    address is that many entries from the right; entries further left came from the browser itself and
    can be forged, so they are never used. Without trusted proxies, or when the header is shorter than
    expected (the request did not come through them), the connection's own address is used.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def lockout_response(request, original_response=None, credentials=None):
    """The page django-axes shows a locked-out login (AXES_LOCKOUT_CALLABLE): the site's own, status 429.

    It says which limit was reached: one username's, or the whole address's (calcinosis_site.login_throttling).
    """
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        "address_locked": address_is_locked(request),
        "cooloff_minutes": minutes,
    }
    return render(request, "axes/lockout.html", context, status=429)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header (settings.PERMISSIONS_POLICY) to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
