"""How long a session lives (docs/deployment.md, "Sessions").

- Every session ends after a period without requests (the idle timeout): SESSION_COOKIE_AGE for signed-out
  visitors, whose session holds only the key to their quiz attempts, so days; SESSION_SIGNED_IN_IDLE for
  signed-in ones, so hours.
- A signed-in session also ends a fixed time after signing in, however busy (SESSION_SIGNED_IN_MAX_AGE):
  the user is signed out and asked to sign in again.

Django moves a session's expiry forward only when it saves the session, which it does only when the data
changes. Saving on every request (SESSION_SAVE_EVERY_REQUEST) would be a database write per page, so the
middleware marks the session changed at most once every SESSION_REFRESH_INTERVAL, counted from the last
save (its own or a page's): a session may end up to that much before its idle timeout. Such a save, like
any, writes the whole session, so a request changing the session at the same moment could lose its change;
that needs two requests at once, one of them changing the session, in the one request in five minutes that
refreshes.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import auth, messages
from django.utils import timezone

SIGNED_IN_AT = "signed_in_at"
REFRESHED_AT = "refreshed_at"


def _now_seconds() -> int:
    return int(timezone.now().timestamp())


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())


def start_signed_in_session(sender, request, user, **kwargs):
    """At sign-in (user_logged_in, any sign-in page): start the clocks of a signed-in session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = _now_seconds()
    session[SIGNED_IN_AT] = now
    session[REFRESHED_AT] = now
    session.set_expiry(_seconds(settings.SESSION_SIGNED_IN_IDLE))


class SessionPolicyMiddleware:
    """Signs out sessions past their absolute lifetime and keeps active sessions' expiry moving forward.

    After AuthenticationMiddleware (it may sign the user out) and MessageMiddleware (it says why).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A visitor without a session cookie has no session to keep: do not read (or start) one.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            self.apply(request)
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.modified and not session.is_empty():
            # Saved anyway (new, or changed by the page): its expiry moves now, so the next requests need not.
            session[REFRESHED_AT] = _now_seconds()
        return response

    def apply(self, request):
        session = request.session
        now = _now_seconds()
        if auth.SESSION_KEY in session:
            signed_in_at = session.get(SIGNED_IN_AT)
            lifetime = _seconds(settings.SESSION_SIGNED_IN_MAX_AGE)
            if not isinstance(signed_in_at, int) or now - signed_in_at >= lifetime:
                # Also a session from before this policy, which never recorded when it signed in.
                auth.logout(request)
                hours = round(lifetime / 3600, 1)
                messages.info(request, f"You were signed out: a sign-in lasts {hours:g} hours. Sign in again.")
                return
        elif session.is_empty():
            return  # the cookie named a session that has expired or never existed
        refreshed_at = session.get(REFRESHED_AT)
        if not isinstance(refreshed_at, int) or now - refreshed_at >= _seconds(settings.SESSION_REFRESH_INTERVAL):
            # Changing the session makes SessionMiddleware save it, with its expiry counted from now.
            session[REFRESHED_AT] = now
