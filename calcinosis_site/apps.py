from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site's own pieces that Django finds through an app: management commands, the sign-in receiver."""

    name = "calcinosis_site"
    verbose_name = "Site"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from calcinosis_site.sessions import start_signed_in_session

        user_logged_in.connect(start_signed_in_session, dispatch_uid="calcinosis_site.start_signed_in_session")
