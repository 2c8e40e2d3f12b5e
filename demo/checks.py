"""System checks for a production install (``manage.py check --deploy``)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

from demo.management.commands.create_demo_educator import DEMO_PASSWORD, DEMO_USERNAME


@register(Tags.security, deploy=True)
def demo_account_check(app_configs=None, **kwargs):
    """A server must not have the demo educator with its published password: anyone could log in with it."""
    if settings.DEBUG:
        return []
    try:
        user = get_user_model().objects.filter(username=DEMO_USERNAME).first()
    except DatabaseError:
        # No database yet (before the first migrate): then there is no account to find either.
        return []
    if user is None or not user.check_password(DEMO_PASSWORD):
        return []
    return [
        Error(
            f"The demo account “{DEMO_USERNAME}” exists with the published demo password.",
            hint=f"Delete it, or set a new password: manage.py changepassword {DEMO_USERNAME}",
            id="demo.E001",
        )
    ]
