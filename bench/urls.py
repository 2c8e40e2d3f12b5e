"""The benchmark's URLconf: the site's own URLs, plus two things that exist only in the benchmark.

- ``/bench/ok/`` answers "ok" and nothing else: the ceiling of the stack (gunicorn, WSGI and every middleware,
  no database query, no template). Every page's throughput is reported as a fraction of it.
- ``/media/`` is served by Django's static file view, so a browser can load the figures when the page weight
  is measured. On a server nginx serves /media/ itself (deploy/nginx.conf) and Django never does; this view
  is slow and is never part of the load test, which requests pages only.
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import include, path, re_path
from django.views.static import serve


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ok/", ok, name="bench-ok"),
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    path("", include("calcinosis_site.urls")),
]
