"""The site's URLs plus views that fail on purpose, for the error page tests only (never in production)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from calcinosis_site.urls import urlpatterns as site_urlpatterns

SECRET = "the-answer-is-dystrophic"


def crash(request):
    raise RuntimeError(f"database password=hunter2, learner typed {SECRET}")


def forbidden(request):
    raise PermissionDenied(f"internal reason: {SECRET}")


def suspicious(request):
    raise SuspiciousOperation(f"internal reason: {SECRET}")


urlpatterns = [
    path("boom/", crash),
    path("forbidden/", forbidden),
    path("suspicious/", suspicious),
    *site_urlpatterns,
]
