"""Login throttling (django-axes) with two limits, and the username it records.

django-axes compares every lockout parameter group with one limit (AXES_FAILURE_LIMIT). The site wants two:

- one username from one address: a few wrong passwords (AXES_FAILURE_LIMIT), against guessing one account;
- one address over all usernames: many more (LOGIN_ADDRESS_FAILURE_LIMIT), against one password tried on many
  accounts ("password spraying"), while a class signing in from behind one NAT'd address can make typos.

Listing ``"ip_address"`` in AXES_LOCKOUT_PARAMETERS would compare the address's count with the small limit,
and its AXES_RESET_ON_SUCCESS would then delete every failure from the address at any successful sign-in, so
an attacker with one account could wipe the counts of the accounts under attack. The maintainers' advice for
separate limits is a handler of one's own (jazzband/django-axes#661): this one keeps axes' per-username
counting and resetting, and adds the address's count.
"""

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum

USERNAME_COLUMN_LENGTH = AccessAttempt._meta.get_field("username").max_length


def failures_from_address(request) -> int:
    """Wrong passwords from the request's address within the cool-off period, whatever the username."""
    AxesProxyHandler.update_request(request)  # the address and time axes uses (done once per request)
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_is_locked(request) -> bool:
    return failures_from_address(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class AddressLimitDatabaseHandler(AxesDatabaseHandler):
    """axes' database handler (AXES_HANDLER), also locking an address that reached LOGIN_ADDRESS_FAILURE_LIMIT."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        # axes locks when this number reaches AXES_FAILURE_LIMIT: the username's own count, or the whole limit
        # once the address as a whole has reached its own.
        failures = super().get_failures(request, credentials)
        if address_is_locked(request):
            return max(failures, get_failure_limit(request, credentials))
        return failures


def attempted_username(request, credentials: dict | None = None) -> str | None:
    """The username axes records and counts (AXES_USERNAME_CALLABLE), cut to what its column holds.

    The sign-in forms refuse an overlong username before axes sees it (calcinosis_site.sign_in); this makes
    sure no other way into ``authenticate()`` can make axes write more than its 255-character column takes,
    which PostgreSQL refuses with a server error. Like axes, it reads the credentials, or else the POST.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", getattr(request, "POST", {})).get(field)
    if username is None:
        return None
    return str(username)[:USERNAME_COLUMN_LENGTH]
