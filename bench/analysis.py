"""How long the item-analysis page of a quiz with 1,000 finished attempts takes, and in how many queries.

    make bench-analysis                         # PostgreSQL (BENCH_DATABASE_URL's server), about a minute
    .venv/bin/python -m bench.analysis --attempts 1000 --repeat 5

Builds, in a database of its own (dropped and created again each run, so its name must contain "bench"), one
quiz of three steps with a question of every kind in each (21 questions), and ``--attempts`` learners' finished
first attempts at it: each answer the key or a wrong answer at random (the stronger the learner, the likelier
the key), graded by the question's own grader so the stored fractions and credits are real. The attempts are
started through ``quiz.services.attempt_start`` and their responses written in bulk: building them through the
step page would take minutes and measure something else.

Then it asks for the page as an educator's browser would (Django's test client, in this process, production
settings), ``--repeat`` times after one warm-up, and prints the median and the slowest time and the number of
queries. The time is the server's: view, queries and template, without the network.
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/calcinosis_bench_analysis"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=1000, help="finished first attempts (default 1000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests after a warm-up (default 5)")
    parser.add_argument("--seed", type=int, default=14, help="seed of the learners' answers")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (to profile the page)")
    return parser.parse_args(argv)


def configure(database_url: str) -> None:
    """Production settings, the benchmark's database, temporary media; then Django."""
    tmp = tempfile.mkdtemp(prefix="calcinosis-bench-analysis-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "calcinosis_site.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": database_url,
            "DJANGO_MEDIA_ROOT": f"{tmp}/media",
            "DJANGO_PRIVATE_MEDIA_ROOT": f"{tmp}/private_media",
            "DJANGO_STATIC_ROOT": f"{tmp}/static",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
        }
    )
    import django

    django.setup()


def recreate_database(database_url: str, *, create: bool = True) -> None:
    """Drop the benchmark's database and (``create``) make it again, through the server's ``postgres`` database."""
    import dj_database_url

    config = dj_database_url.parse(database_url)
    name = config["NAME"]
    if "bench" not in name or config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"BENCH_DATABASE_URL must name a PostgreSQL database with 'bench' in its name, not {name!r}.")
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    ) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def wrong_answer(question, attempt) -> dict:
    """A real answer the key scores 0 (as ``quiz.tests.helpers.wrong_answer``; the benchmark imports no tests)."""
    from quiz.kinds.hotspot import zone_shape
    from quiz.kinds.ordering import presented_order
    from quiz.models import Question

    kind = question.kind
    options = sorted(question.options.all(), key=lambda o: o.position)
    if kind == Question.Kind.SINGLE_BEST:
        return {"choice": min(options, key=lambda o: o.weight).key}
    if kind == Question.Kind.MULTIPLE_RESPONSE:
        return {"ticked": [o.key for o in options if o.weight < 0]}
    if kind == Question.Kind.MULTIPLE_TRUE_FALSE:
        return {"answers": {o.key: "false" if o.is_true else "true" for o in options}}
    if kind == Question.Kind.MATCHING:
        choices = [o.key for o in options if not o.match_key]
        return {"matches": {o.key: next(c for c in choices if c != o.match_key) for o in options if o.match_key}}
    if kind == Question.Kind.ORDERING:
        keys = [o.key for o in options]
        return {"order": keys[::-1], "presented": presented_order(attempt, question, keys)}
    if kind == Question.Kind.HOTSPOT:
        zone = next(z for z in question.zones.all() if not z.correct)
        return {"marks": [list(zone_shape(zone).centre())], "regions": []}
    return {"text": "Osler"}


def build(attempts: int, seed: int, say) -> int:
    """The quiz and its finished attempts; returns the quiz's id."""
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case, Figure, KeyPoint
    from quiz.kinds import get_kind
    from quiz.models import Attempt, Question, Quiz, Response, Step, StepAttempt
    from quiz.samples import make_question
    from quiz.services import attempt_start

    rng = random.Random(seed)
    started = time.monotonic()
    with transaction.atomic():
        case = Case.objects.create(title="Item analysis benchmark", slug="item-analysis-bench", status="published")
        figure = Figure.objects.create(case=case, position=1, label="1", width=400, height=300)
        key_point = KeyPoint.objects.create(case=case, position=1, key="point-1", statement="A key point.")
        quiz = Quiz.objects.create(case=case, title="Benchmark quiz", slug="item-analysis-bench", status="published")
        for position in (1, 2, 3):
            step = Step.objects.create(quiz=quiz, position=position, title=f"Step {position}")
            for number, kind in enumerate(Question.Kind, start=1):
                make_question(step, number, kind, figure=figure, key_point=key_point)
    steps = list(quiz.steps.order_by("position"))
    questions = {
        step.pk: list(step.questions.select_related("figure").prefetch_related("options", "zones", "accepted_answers"))
        for step in steps
    }
    say(f"  quiz of {sum(map(len, questions.values()))} questions built")

    finished = timezone.now() - timedelta(days=30)
    responses: list[Response] = []
    finished_attempts = []
    with transaction.atomic():
        for number in range(attempts):
            attempt = attempt_start(quiz=quiz, owner_secret=f"bench learner {number}")
            ability = rng.random()
            for step in steps:
                step_attempt = StepAttempt.objects.create(attempt=attempt, step=step, tries_used=1)
                for question in questions[step.pk]:
                    kind = get_kind(question.kind)
                    right = rng.random() < 0.25 + 0.7 * ability
                    raw = kind.correct_response(question, attempt) if right else wrong_answer(question, attempt)
                    grade = kind.grader.grade(kind.grading_key(question), kind.grader_response(question, raw))
                    responses.append(
                        Response(
                            step_attempt=step_attempt,
                            question=question,
                            try_number=1,
                            raw=raw,
                            fraction=grade.fraction,
                            state=str(grade.state),
                            credits=[
                                {"key": c.key, "fraction": c.fraction, "reason": c.reason, "outcome": str(c.outcome)}
                                for c in grade.credits
                            ],
                            grader_version=kind.grader.VERSION,
                        )
                    )
            attempt.state = Attempt.State.FINISHED
            attempt.finished_at = finished + timedelta(minutes=number)
            finished_attempts.append(attempt)
        Response.objects.bulk_create(responses, batch_size=2000)
        Attempt.objects.bulk_update(finished_attempts, ["state", "finished_at"], batch_size=500)
    # A database in use is vacuumed and analysed by autovacuum; one just filled in bulk is not yet.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(f"  {attempts} finished attempts, {len(responses)} responses, in {time.monotonic() - started:.0f} s")
    return quiz.pk


def measure(quiz_id: int, repeat: int) -> tuple[list[float], list[float], int, int]:
    """Wall-clock and CPU times of ``repeat`` requests for the page (after one warm-up), its query count and its
    status. The CPU time is this process's (view and template); the database's work shows in the wall-clock time."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    admin = get_user_model().objects.create_superuser("bench-educator", password=secrets.token_urlsafe(20))
    client = Client()
    client.force_login(admin)
    url = reverse("admin:quiz_quiz_item_analysis", args=[quiz_id])
    client.get(url, secure=True)
    times, cpu_times = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url, secure=True)
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
    return times, cpu_times, len(queries), response.status_code


def main(argv=None) -> int:
    args = parse_args(argv)
    database_url = os.environ.get("BENCH_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
    say = print  # noqa: T202 (a command-line tool reports on standard output)
    recreate_database(database_url)
    configure(database_url)
    from django.core.management import call_command
    from django.db import connections

    say("Item analysis benchmark:")
    started = time.monotonic()
    try:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)  # production settings serve hashed names
        say(f"  migrated and static files collected in {time.monotonic() - started:.0f} s")
        quiz_id = build(args.attempts, args.seed, say)
        times, cpu_times, queries, status = measure(quiz_id, args.repeat)
    finally:
        connections.close_all()
        if not args.keep:
            recreate_database(database_url, create=False)
    if status != 200:
        say(f"The page answered {status}.")
        return 1
    say(
        f"Item-analysis page, {args.attempts} attempts x 21 questions: median {statistics.median(times):.2f} s, "
        f"slowest {max(times):.2f} s over {args.repeat} requests (CPU median {statistics.median(cpu_times):.2f} s); "
        f"{queries} queries."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
