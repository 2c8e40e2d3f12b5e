"""Who owns an attempt: a learner's account, or (signed out) a random secret kept in their session.

The session key itself is never stored: it is the ``sessionid`` cookie, so whoever could read it
could sign in as that browser. Instead a signed-out learner's session holds a random owner secret,
and an attempt stores only a keyed hash of it. The secret lives in the session's data, so it
survives the key rotation at sign-in, when the browser's attempts move to the account.
"""

import secrets

from django.utils.crypto import salted_hmac

SESSION_KEY = "quiz_owner_secret"


def owner_secret(session, *, create: bool = False) -> str:
    """This browser's owner secret; with ``create``, one is made (and kept in the session) if there is none."""
    secret = session.get(SESSION_KEY, "")
    if not isinstance(secret, str):
        secret = ""
    if not secret and create:
        secret = secrets.token_urlsafe(32)
        session[SESSION_KEY] = secret
    return secret


def owner_hash(secret: str) -> str:
    """What an attempt stores: a keyed hash, useless without the server's secret key and the owner secret."""
    if not secret:
        return ""
    return salted_hmac("quiz.attempt-owner", secret, algorithm="sha256").hexdigest()
