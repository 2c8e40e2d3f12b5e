from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from calcinosis_site.health import health
from calcinosis_site.sign_in import AdminSignInForm, SignInForm

admin.site.site_header = "Teaching cases: educators"
admin.site.site_title = "Teaching cases admin"
admin.site.index_title = "Write and edit cases"
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("admin/", admin.site.urls),
    # Learners sign in to keep their attempts; accounts are made by staff in the admin.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", health, name="health"),
    path("", include("cases.urls")),
    path("", include("quiz.urls")),
]

if settings.DEBUG:
    # On a laptop the development server serves uploads; on a server nginx does.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
