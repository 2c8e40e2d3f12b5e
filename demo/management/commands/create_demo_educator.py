from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.roles import sync_course_team_group, sync_educator_group

DEMO_USERNAME = "educator"
DEMO_PASSWORD = "calcinosis-demo"


class Command(BaseCommand):
    help = (
        "Create the demo educator account for a laptop (debug mode only). "
        "It never runs on a server: there, create real accounts as described in docs/deployment.md."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a demo account with a known password: debug mode is off, so this looks "
                "like a server. Create educator accounts with `manage.py createsuperuser` or the admin instead."
            )
        User = get_user_model()
        user, created = User.objects.get_or_create(username=DEMO_USERNAME, defaults={"is_staff": True})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            # An educator and a member of the course team: the demo shows writing cases and managing learners.
            user.groups.add(sync_educator_group(), sync_course_team_group())
            self.stdout.write(self.style.SUCCESS("Created the demo educator account."))
        else:
            self.stdout.write("The demo educator account already exists; it was left as it is.")
        self.stdout.write(
            f"Educators log in at /admin/ on the site with username “{DEMO_USERNAME}” and password "
            f"“{DEMO_PASSWORD}” (unless you changed it)."
        )
