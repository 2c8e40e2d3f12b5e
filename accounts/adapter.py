"""How self sign-up behaves on this site (django-allauth's ACCOUNT_ADAPTER).

Two site settings, read at each request so a test or an administrator's change of environment takes effect
without code: SIGNUP_OPEN (DJANGO_SIGNUP_OPEN) says whether anyone may make their own account, and
SIGNUP_EMAIL_DOMAINS (DJANGO_SIGNUP_EMAIL_DOMAINS) restricts it to addresses at the given domains, e.g. the
university's. docs/deployment.md, "Accounts and e-mail".
"""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


def email_domain_allowed(email: str, domains: list[str]) -> bool:
    """Whether the address is at one of the domains (or a subdomain of one); any address if none are listed."""
    if not domains:
        return True
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    return any(domain == allowed or domain.endswith("." + allowed) for allowed in domains)


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up open or closed by the site's setting. The domain rule is the sign-up form's (accounts.forms): the
    adapter's clean_email also checks password-reset requests, and a staff-made account at another domain
    must still be able to reset its password."""

    def is_open_for_signup(self, request) -> bool:
        return bool(settings.SIGNUP_OPEN)
