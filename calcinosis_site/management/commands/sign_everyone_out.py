from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "End every session: everyone signed in must sign in again, and signed-out learners lose the way back to "
        "their unfinished attempts. Run once after upgrading to a release that says so (docs/deployment.md). "
        "Unlike clearsessions, which removes only expired sessions."
    )

    def handle(self, *args, **options):
        if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
            raise CommandError(f"Sessions are not in the database (SESSION_ENGINE={settings.SESSION_ENGINE!r}).")
        count, _ = Session.objects.all().delete()
        self.stdout.write(self.style.SUCCESS(f"Ended {count} session(s): everyone is signed out."))
