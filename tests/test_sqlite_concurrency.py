"""A laptop's SQLite under racing submissions: they wait their turn instead of answering 500.

gunicorn with several workers, production settings and a SQLite file (the default database), and 50
learners' attempts, each submitting its first step at the same moment. SQLite lets one writer in at a
time; a transaction that began as a reader and then wants to write used to fail at once with "database
is locked". In IMMEDIATE mode with a busy timeout (calcinosis_site/settings.py) it waits.
"""

import http.client
import json
import secrets
import threading

import pytest

from tests.production import HOST, manage, production_env, start_gunicorn

pytestmark = pytest.mark.slow
LEARNERS = 50

# Run in the server's environment: 50 attempts at step 1 of the demo quiz, each in its own signed-out
# session, with the form a browser would post for the key's answers.
MAKE_ATTEMPTS = """
import json
from urllib.parse import urlencode
from bench.attempts import _form_data, new_session, quiz, step_questions
from django.contrib.sessions.backends.db import SessionStore
from quiz.ownership import owner_secret
from quiz.services import attempt_start
the_quiz = quiz("painless-nodules-elbow-knees-quiz")
step = the_quiz.steps.get(position=1)
questions = step_questions(step)
posts = []
for _ in range(%d):
    session_key = new_session()
    attempt = attempt_start(quiz=the_quiz, owner_secret=owner_secret(SessionStore(session_key=session_key)))
    posts.append([session_key, f"/attempts/{attempt.token}/steps/1/", _form_data(attempt, questions)])
print(json.dumps(posts))
"""

COUNT_TRIES = """
from quiz.models import StepAttempt
print(StepAttempt.objects.filter(tries_used=1, step__position=1).count())
"""


def test_fifty_racing_submissions_on_sqlite_give_no_server_error(tmp_path):
    env = production_env(tmp_path)
    for command in (["migrate", "--noinput"], ["load_demo"]):
        result = manage(env, *command, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    made = manage(env, "shell", "-c", MAKE_ATTEMPTS % LEARNERS)
    assert made.returncode == 0, made.stderr
    posts = json.loads(made.stdout.strip().splitlines()[-1])
    server = start_gunicorn("sqlite", env, tmp_path, workers=8)
    statuses: list[int] = []
    barrier = threading.Barrier(LEARNERS)

    def submit(session_key: str, path: str, data: dict) -> None:
        from urllib.parse import urlencode

        csrf = secrets.token_hex(16)
        body = urlencode({**data, "csrfmiddlewaretoken": csrf}, doseq=True)
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{HOST}{path}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
        }
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        try:
            barrier.wait(timeout=60)
            connection.request("POST", path, body=body, headers=headers)
            statuses.append(connection.getresponse().status)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=submit, args=post) for post in posts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        server.stop()
    assert len(statuses) == LEARNERS
    assert [s for s in statuses if s >= 500] == [], f"server errors: {statuses}\n{server.log()[-3000:]}"
    assert statuses == [302] * LEARNERS, statuses
    counted = manage(env, "shell", "-c", COUNT_TRIES)
    assert counted.stdout.strip().splitlines()[-1] == str(LEARNERS), "every submission is recorded once"
