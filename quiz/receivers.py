"""Reactions of the quiz to events elsewhere in the site. Each only calls a service."""

from quiz.ownership import owner_secret
from quiz.services import attempts_claim


def claim_browser_attempts(sender, request, user, **kwargs):
    """At sign-in (any sign-in page), the attempts this browser made signed out move to the account.

    Django keeps the session's data when a signed-out visitor signs in (it only changes the key), so
    the owner secret is still there to find them.
    """
    if request is not None and hasattr(request, "session"):
        attempts_claim(user=user, owner_secret=owner_secret(request.session))
