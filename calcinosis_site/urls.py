from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from calcinosis_site.health import health

admin.site.site_header = "Teaching cases: educators"
admin.site.site_title = "Teaching cases admin"
admin.site.index_title = "Write and edit cases"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("", include("cases.urls")),
    path("", include("quiz.urls")),
]

if settings.DEBUG:
    # On a laptop the development server serves uploads; on a server nginx does.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
