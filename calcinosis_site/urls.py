from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from calcinosis_site.health import health
from calcinosis_site.sign_in import AdminSignInForm, SignInView

admin.site.site_header = "Teaching cases: educators"
admin.site.site_title = "Teaching cases admin"
admin.site.index_title = "Write and edit cases"
admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("admin/", admin.site.urls),
    # Learners sign in to keep their attempts (django-allauth's view, calcinosis_site.sign_in.LearnerSignInForm);
    # they sign up when the site allows it (accounts.adapter), verify their address and reset their password.
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("allauth.account.urls")),
    path("health/", health, name="health"),
    path("", include("cases.urls")),
    path("", include("quiz.urls")),
    path("", include("accounts.urls")),
    path("", include("learners.urls")),
]

if settings.DEBUG:
    # On a laptop the development server serves uploads; on a server nginx does.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
