"""Quiz attempts and sessions for the load test: attempts to read step pages, and a pool to submit steps to.

Step pages are read by an anonymous browser (a session holding the owner secret of its attempts) and by a
signed-in learner (a session of a learner's account, ``learner_session``; the attempt is the account's).

A step accepts one try at a time, so every timed POST must be a fresh submission. The pool is made of
attempts at step 1, all in one anonymous browser session; each attempt provides one POST per step (the key's
answers, so every submission is graded correct, commits its step and moves the attempt on; the last one
finishes the attempt). The POSTs are listed step by step across the pool: all attempts' step 1, then all
attempts' step 2, and so on, so an attempt's next step is only sent long after its previous one was answered
(the pool has at least 40 attempts per connection; bench/run.py).
After the run the database says how many submissions were really recorded (``recorded_tries``).
"""

import http.client
import re
import time
from types import SimpleNamespace
from urllib.parse import urlencode


def new_session() -> str:
    """An anonymous session, as a browser gets when it starts a quiz (with its attempts' owner secret)."""
    from django.contrib.sessions.backends.db import SessionStore

    from quiz.ownership import owner_secret

    store = SessionStore()
    owner_secret(store, create=True)
    store.create()
    return store.session_key


def learner_session(username: str) -> tuple[object, str]:
    """A learner's account and a session signed in to it, as a browser has after signing in.

    The session holds what ``django.contrib.auth.login`` stores (the user, the backend, the session hash), so
    the server's ``AuthenticationMiddleware`` finds the learner on every request carrying its cookie.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@bench.invalid", "first_name": "Bench"}
    )
    from calcinosis_site.sessions import REFRESHED_AT, SIGNED_IN_AT

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # What the site's sign-in adds (calcinosis_site.sessions.start_signed_in_session): without the time of
    # signing in, SessionPolicyMiddleware would sign the session out on its first request.
    now = int(time.time())
    store[SIGNED_IN_AT] = store[REFRESHED_AT] = now
    store.set_expiry(int(settings.SESSION_SIGNED_IN_IDLE.total_seconds()))
    store.create()
    return user, store.session_key


def _owner_hash(session_key: str) -> str:
    """The owner hash of the attempts that the browser with this session owns."""
    from django.contrib.sessions.backends.db import SessionStore

    from quiz.ownership import owner_hash, owner_secret

    return owner_hash(owner_secret(SessionStore(session_key=session_key)))


def quiz(slug: str):
    from quiz.models import Quiz

    return Quiz.objects.select_related("case").get(slug=slug)


def step_questions(step):
    return list(step.questions.prefetch_related("options", "zones", "accepted_answers", "figure__renditions"))


def advanced_attempt(the_quiz, session_key: str, position: int, user=None):
    """An attempt whose current step is ``position``: the steps before it answered and committed.

    The signed-in ``user``'s when given, else the anonymous browser's with this session.
    """
    from django.contrib.sessions.backends.db import SessionStore

    from quiz.kinds import get_kind
    from quiz.ownership import owner_secret
    from quiz.services import attempt_start, step_submit

    if user is not None:
        attempt = attempt_start(quiz=the_quiz, user=user)
    else:
        attempt = attempt_start(quiz=the_quiz, owner_secret=owner_secret(SessionStore(session_key=session_key)))
    for step in the_quiz.steps.filter(position__lt=position).order_by("position"):
        answers = {q.pk: get_kind(q.kind).correct_response(q, attempt) for q in step_questions(step)}
        step_submit(attempt=attempt, step=step, try_number=1, raw_responses=answers)
    attempt.refresh_from_db()
    assert attempt.current_position == position, attempt.current_position
    return attempt


def _form_data(attempt, questions) -> dict:
    """What a browser posts for the key's answers: as the tests post it, with questions fetched once."""
    from quiz.forms import StepForm
    from quiz.kinds import get_kind

    form = StepForm(attempt=attempt, questions=questions)
    form.fill_from_responses(
        [SimpleNamespace(question_id=q.pk, raw=get_kind(q.kind).correct_response(q, attempt)) for q in questions]
    )
    return {"try_number": "1", "action": "submit", **form.posted_data()}


def post_pool(
    the_quiz, session_key: str, attempts: int, csrf_token: str, steps: int | None = None
) -> list[tuple[int, str, str]]:
    """Start ``attempts`` attempts; return their POSTs as (attempt number, path, body), step by step.

    Only the first ``steps`` steps when given: a pool of many attempts answering a few steps keeps an attempt's
    next POST far behind its previous one.
    """
    from quiz.models import Attempt

    pool = Attempt.objects.bulk_create(
        Attempt(
            quiz=the_quiz, owner_hash=_owner_hash(session_key), mode=the_quiz.mode, rules=the_quiz.behaviour.rules()
        )
        for _ in range(attempts)
    )
    posts = []
    for step in the_quiz.steps.order_by("position")[:steps]:
        questions = step_questions(step)
        for number, attempt in enumerate(pool):
            data = {"csrfmiddlewaretoken": csrf_token, **_form_data(attempt, questions)}
            path = f"/attempts/{attempt.token}/steps/{step.position}/"
            posts.append((number, path, urlencode(data, doseq=True)))
    return posts


def recorded_tries(session_key: str) -> int:
    """How many step submissions the database holds for the attempts of this session."""
    from quiz.models import StepAttempt

    return StepAttempt.objects.filter(attempt__owner_hash=_owner_hash(session_key), tries_used__gte=1).count()


def csrf_for(port: int, path: str, cookie: str, headers: dict) -> tuple[str, str]:
    """GET a step page as a browser would; return its CSRF cookie and the form's token."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={**headers, "Cookie": cookie})
        response = connection.getresponse()
        body = response.read().decode()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}, not 200")
        cookies = " ".join(response.headers.get_all("Set-Cookie") or [])
    finally:
        connection.close()
    cookie_match = re.search(r"csrftoken=([A-Za-z0-9]+)", cookies)
    token_match = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"', body)
    if not cookie_match or not token_match:
        raise RuntimeError(f"GET {path} gave no CSRF cookie or token")
    return cookie_match.group(1), token_match.group(1)


def post_once(port: int, path: str, body: str, headers: dict) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/x-www-form-urlencoded",
                # A browser's POST carries its origin; Django checks it against the host (HTTPS behind nginx).
                "Origin": f"https://127.0.0.1:{port}",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()
