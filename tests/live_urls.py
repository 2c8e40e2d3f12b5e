"""The site's URLs, plus uploaded media, for the live server the browser tests run.

Django only serves MEDIA_URL itself in debug mode, and tests run with DEBUG off (as a server does, where
nginx serves media). The browser tests need the figure images, so this URL map serves them from whatever
MEDIA_ROOT is at the time of the request (each test has its own temporary one).
"""

import re

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from calcinosis_site import urls as site_urls


def serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [
    re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", serve_media),
    *site_urls.urlpatterns,
]

# Keep the site's own error pages, if it has them.
for _name in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(site_urls, _name):
        globals()[_name] = getattr(site_urls, _name)
