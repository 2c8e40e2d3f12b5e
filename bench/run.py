"""Benchmark the site as a server runs it: ``make bench`` or ``python -m bench.run --help``.

What it does (docs/performance.md explains why each choice was made):

1. Creates the PostgreSQL database named in BENCH_DATABASE_URL (dropped and created again, unless ``--keep``
   finds a complete one), migrates it and builds the catalogue (bench/catalogue.py).
2. Collects static files into a temporary STATIC_ROOT (whitenoise, as on a server) and starts gunicorn with
   production settings: debug off, a random secret key, ALLOWED_HOSTS 127.0.0.1, the real
   deploy/gunicorn.conf.py, and ``bench.settings`` (production settings plus the bench URLconf).
3. For each endpoint: a warm-up, then a timed run of wrk at fixed concurrency (bench/loadgen.py). The endpoints
   are the ceiling, the home page, the demo quiz's step 1, and on cases of 5, 30 and 60 figures the case page
   and steps 1 and 15 of 15, anonymous and signed in, and the answer submission (``--only`` picks some).
4. Measures the 30-figure case page's weight in Chromium at phone and desktop widths (bench/pageweight.py).
5. Runs Lighthouse at phone size on the 30-figure case page and the demo case's page, behind a gzip proxy standing
   in for nginx and straight from gunicorn (bench/lighthouse.py).
6. Prints the table, each row as a ratio to the ceiling of the same run next to its performance target (and writes
   it to ``--output``), then stops every process it started and removes its temporary files and, unless
   ``--keep``, the database, also after a failure or Ctrl-C.
"""

import argparse
import datetime
import fnmatch
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import cpu, loadgen

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/calcinosis_bench"
KEEP_ROOT = Path(tempfile.gettempdir())
# Set by nginx in production; Django then treats the request as HTTPS (SECURE_PROXY_SSL_HEADER).
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
# Variables of the caller's shell that must not leak into the benchmark's server.
DROPPED_PREFIXES = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "AWS_", "GUNICORN_")


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds of each timed run (default 10)")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up before each run (default 3)")
    parser.add_argument("--connections", type=int, default=0, help="concurrent connections (default 2 x workers)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument(
        "--worker-class", default="sync", choices=["sync", "gthread"], help="gunicorn worker class (default sync)"
    )
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker (default 4)")
    parser.add_argument("--rounds", type=int, default=1, help="measure every endpoint N times, report the median")
    parser.add_argument("--cases", type=int, default=500, help="filler cases in the catalogue (default 500)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help=f"keep the database and its media ({KEEP_ROOT}/calcinosis-bench-kept-DATABASE) for the next run, "
        "and reuse them if complete",
    )
    parser.add_argument(
        "--only",
        type=lambda value: [p.strip() for p in value.split(",") if p.strip()],
        default=[],
        metavar="PATTERNS",
        help="measure only the rows whose key matches one of these comma-separated patterns (the ceiling is always "
        "measured); keys: home, demo-step1, case-{anon,user}-N, step1-{anon,user}-N, step15-{anon,user}-N, "
        "submit-N, with N = 5, 30 or 60. E.g. --only 'case-*,submit-30' or --only '*-30'",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", ""),
        help="the server's REDIS_URL: its cache, and with it the page cache, as on a production server "
        "(default: the environment's BENCH_REDIS_URL; none: a local-memory cache, page caching off)",
    )
    parser.add_argument("--no-page-weight", action="store_true", help="skip the page weight in Chromium")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse's performance score")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    if args.connections <= 0:
        args.connections = 2 * args.workers * (args.worker_threads if args.worker_class == "gthread" else 1)
    if args.threads > args.connections:
        parser.error("--threads cannot be more than --connections")
    return args


# How the rows name who asks for a page.
WHO = {"anon": "anonymous", "user": "signed in"}


@dataclass
class Endpoint:
    key: str  # what --only matches, e.g. "case-anon-30", "step15-user-60", "submit-5"
    label: str
    method: str
    path: str
    expected: int
    session: str | None = None  # the session cookie sent with every request (None: no cookie)
    kind: str = ""  # the page kind compared across case sizes in the "flat cost" lines
    figures: int | None = None  # the figures of the case, for the sized cases' rows
    target: float | None = None  # the performance target, as a ratio to the ceiling (at least)
    quiz: object = None  # the quiz submitted to, for the POST rows
    queries: int | None = None


@dataclass
class Measured:
    endpoint: Endpoint
    result: loadgen.Result
    cpu: cpu.Usage
    note: str = ""


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.database_url = os.environ.get("BENCH_DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
        self.tmp = Path(tempfile.mkdtemp(prefix="calcinosis-bench-"))
        # Kept files belong to one database: two people keeping different databases never share them.
        self.files = KEEP_ROOT / f"calcinosis-bench-kept-{database_name(self.database_url)}" if args.keep else self.tmp
        self.server: subprocess.Popen | None = None
        self.port = 0
        self.database_created = False
        self.env: dict[str, str] = {}
        # The CSRF cookie and token a browser gets with a step page; every POST sends them back.
        self.csrf_cookie = self.csrf_token = ""

    # --- setting up -----------------------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_PREFIXES)}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "DATABASE_URL": self.database_url,
                "DJANGO_MEDIA_ROOT": str(self.files / "media"),
                "DJANGO_PRIVATE_MEDIA_ROOT": str(self.files / "private_media"),
                "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
                # The load generator sends X-Forwarded-Proto: https as nginx does; Chromium (page weight) talks
                # plain HTTP, so the redirect to HTTPS is off rather than followed to a port nobody listens on.
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.args.redis_url:
            env["REDIS_URL"] = self.args.redis_url
            # A namespace of this run's own in a Redis others may share (bench/settings.py): no page or content
            # version kept by an earlier run (same slugs, other rows) is ever served.
            env["BENCH_CACHE_PREFIX"] = f"bench-{secrets.token_hex(6)}"
        return env

    def check_redis(self) -> None:
        if not self.args.redis_url:
            return
        import redis

        try:
            redis.Redis.from_url(self.args.redis_url, socket_connect_timeout=3).ping()
        except redis.RedisError as exc:
            raise SystemExit(
                f"Redis at {self.args.redis_url} does not answer ({exc}); start it, or pass --redis-url ''"
            ) from None

    def check_tools(self) -> None:
        missing = []
        if not loadgen.wrk_path():
            missing.append("wrk (apt-get install -y wrk, or bash bench/setup_tools.sh)")
        if not self.args.no_page_weight and not Path("/usr/bin/chromium").exists():
            missing.append("/usr/bin/chromium (bash bench/setup_tools.sh), or pass --no-page-weight")
        if missing:
            raise SystemExit("The benchmark needs: " + "; ".join(missing))

    def maintenance(self):
        """A connection to the server's ``postgres`` database, to create and drop the benchmark's database."""
        import dj_database_url
        import psycopg

        config = dj_database_url.parse(self.database_url)
        name = config["NAME"]
        if "bench" not in name:
            raise SystemExit(
                f"BENCH_DATABASE_URL names {name!r}; the benchmark drops its database, so the name "
                "must contain 'bench' (e.g. calcinosis_bench)."
            )
        connection = psycopg.connect(
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        )
        return connection, name

    def recreate_database(self) -> None:
        from psycopg import sql

        connection, name = self.maintenance()
        with connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.database_created = True

    def drop_database(self) -> None:
        from psycopg import sql

        connection, name = self.maintenance()
        with connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def database_exists(self) -> bool:
        connection, name = self.maintenance()
        with connection:
            return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None

    def prepare_data(self) -> None:
        import django
        from django.core.management import call_command

        from bench import catalogue

        reuse = self.args.keep and self.database_exists() and (self.files / "media").is_dir()
        if not reuse:
            self.recreate_database()
        django.setup()
        if reuse and catalogue.is_complete(self.args.cases):
            say(f"Reusing the kept database and its media in {self.files} (--keep).")
            call_command("migrate", verbosity=0)
        else:
            if reuse:
                self.recreate_database()
            shutil.rmtree(self.files / "media", ignore_errors=True)
            shutil.rmtree(self.files / "private_media", ignore_errors=True)
            started = time.monotonic()
            say("Building the catalogue:")
            call_command("migrate", verbosity=0)
            say(f"  migrated in {time.monotonic() - started:.1f} s")
            catalogue.build(self.args.cases, say)
            say(f"  done in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        call_command("collectstatic", interactive=False, verbosity=0)
        say(f"Static files collected in {time.monotonic() - started:.1f} s.")

    # --- the server -------------------------------------------------------------------------------

    def start_server(self) -> None:
        self.port = free_port()
        command = [
            GUNICORN,
            "--config",
            str(GUNICORN_CONF),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.args.workers),
            "--worker-class",
            self.args.worker_class,
            "--threads",
            str(self.args.worker_threads if self.args.worker_class == "gthread" else 1),
            # No recycling during a 10 s run: a worker restarting would be counted against whichever page ran.
            "--max-requests",
            "0",
            "--env",
            "DJANGO_SETTINGS_MODULE=bench.settings",
            "calcinosis_site.wsgi",
        ]
        log = open(self.tmp / "gunicorn.log", "wb")  # noqa: SIM115 - closed by the process's end
        self.server = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + 60
        while True:
            if self.server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.server.returncode}:\n{self.server_log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not listen within 60 s:\n{self.server_log()}") from None
                time.sleep(0.2)

    def stop_server(self) -> None:
        if self.server is None:
            return
        if self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop, workers included
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.server.pid, signal.SIGKILL)  # anything of it still running
        except ProcessLookupError:
            pass
        self.server.wait(timeout=10)
        self.server = None

    def app_pids(self) -> list[int]:
        return cpu.process_tree(self.server.pid) if self.server else []

    def db_pids(self) -> list[int]:
        database = self.settings().DATABASES["default"]
        return cpu.database_backends(database["USER"], database["NAME"])

    # --- measuring --------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def load(self, endpoint: Endpoint, seconds: float, headers: dict, posts_file: Path | None = None):
        return loadgen.run(
            self.url(endpoint.path),
            seconds=seconds,
            connections=self.args.connections,
            threads=self.args.threads,
            headers=headers,
            expected_status=endpoint.expected,
            posts_file=posts_file,
        )

    def measure(self, endpoint: Endpoint, headers: dict, posts_file=None, warm_up: bool = True) -> Measured:
        if warm_up and self.args.warmup > 0:
            self.load(endpoint, self.args.warmup, headers, posts_file)
        cache_pids = cpu.redis_servers if self.args.redis_url else list
        with cpu.Monitor(self.app_pids, self.db_pids, cache_pids) as monitor:
            result = self.load(endpoint, self.args.duration, headers, posts_file)
        usage = monitor.usage
        say(
            f"  {endpoint.label}: {result.rps:.1f} requests/s, p50 {result.p50_ms:.1f} ms, "
            f"p95 {result.p95_ms:.1f} ms (CPU: app {usage.app:.2f}, database {usage.db:.2f}, "
            f"cache {usage.cache:.2f}, wrk {usage.loadgen:.2f}, other {usage.other:.2f} cores)"
        )
        problems = []
        if result.errors or result.unexpected:
            problems.append(f"{result.errors} errors, {result.unexpected} answers not {endpoint.expected}")
        if result.exhausted:
            problems.append(f"the POST pool ran out ({result.exhausted} repeated): not valid")
        return Measured(endpoint, result, usage, "; ".join(problems))

    def query_counts(self, endpoints: list[Endpoint]) -> None:
        """How many SQL queries each page makes, counted with Django's test client in this process.

        A GET is sent with the endpoint's session, twice, and the second is counted: what the load test
        measures is pages served with whatever the caches kept (the page cache, shared fragments), not the first
        request after a deploy. A POST is one fresh submission to the endpoint's quiz.
        """
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from bench import attempts

        for endpoint in endpoints:
            client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
            session = endpoint.session
            if endpoint.method == "POST":
                session = attempts.new_session()
                _, path, body = attempts.post_pool(endpoint.quiz, session, 1, self.csrf_token)[0]
            if session:
                client.cookies[self.settings().SESSION_COOKIE_NAME] = session
            if endpoint.method == "GET":
                client.get(endpoint.path)
            with CaptureQueriesContext(connection) as queries:
                if endpoint.method == "POST":
                    response = client.generic("POST", path, body, content_type="application/x-www-form-urlencoded")
                else:
                    response = client.get(endpoint.path)
            if response.status_code != endpoint.expected:
                raise RuntimeError(f"{endpoint.method} {endpoint.path} answered {response.status_code}")
            endpoint.queries = len(queries)

    def endpoints(self) -> list[Endpoint]:
        """The rows of the table, with the attempts and sessions their requests need (only those ``--only`` keeps).

        Every GET row has its own browser: anonymous rows a session of their own (the case page: no cookie at
        all, a first visit), signed-in rows a learner account of their own, so no row's attempts show on
        another's page.
        """
        from bench import attempts, catalogue
        from demo.quiz import QUIZ as DEMO_QUIZ

        rows: list[Endpoint] = []

        def wanted(key: str) -> bool:
            return key in ("ok", "ok-end") or not self.args.only or any(fnmatch.fnmatch(key, p) for p in self.args.only)

        def step_row(key, label, kind, the_quiz, position, signed_in, figures=None, target=None):
            if not wanted(key):
                return
            if signed_in:
                user, session = attempts.learner_session(f"bench-{key}")
            else:
                user, session = None, attempts.new_session()
            attempt = attempts.advanced_attempt(the_quiz, session, position, user=user)
            path = f"/attempts/{attempt.token}/steps/{position}/"
            rows.append(
                Endpoint(key, label, "GET", path, 200, session=session, kind=kind, figures=figures, target=target)
            )

        rows.append(Endpoint("ok", "ceiling: the 'ok' view", "GET", "/bench/ok/", 200))
        if wanted("home"):
            rows.append(Endpoint("home", "home page", "GET", "/", 200))
        step_row("demo-step1", "demo quiz, step 1", "", attempts.quiz(DEMO_QUIZ["slug"]), 1, False, target=0.2)
        quizzes = {spec.figures: attempts.quiz(spec.quiz_slug) for spec in catalogue.SIZED_CASES}
        last = catalogue.QUIZ_STEPS
        for spec in catalogue.SIZED_CASES:
            for signed_in, who in ((False, "anon"), (True, "user")):
                key = f"case-{who}-{spec.figures}"
                if not wanted(key):
                    continue
                kind = f"case page, {WHO[who]}"
                session = attempts.learner_session(f"bench-{key}")[1] if signed_in else None
                target = (0.2 if signed_in else 0.5) if spec.figures >= 30 else None
                path = f"/cases/{spec.slug}/?whole=1"
                label = f"{kind}, {spec.figures} fig"
                rows.append(
                    Endpoint(
                        key, label, "GET", path, 200, session=session, kind=kind, figures=spec.figures, target=target
                    )
                )
        for position in (1, last):
            for who in ("anon", "user"):
                kind = f"step {position} of {last}, {WHO[who]}"
                for spec in catalogue.SIZED_CASES:
                    target = 0.1 if position == last and spec.figures == catalogue.BIG_FIGURES else None
                    key = f"step{position}-{who}-{spec.figures}"
                    label = f"{kind}, {spec.figures} fig"
                    step_row(key, label, kind, quizzes[spec.figures], position, who == "user", spec.figures, target)
        for spec in catalogue.SIZED_CASES:
            key = f"submit-{spec.figures}"
            if wanted(key):
                label = f"answer submission (POST), {spec.figures} fig"
                rows.append(
                    Endpoint(
                        key,
                        label,
                        "POST",
                        "/attempts/<token>/steps/<n>/",
                        302,
                        kind="answer submission",
                        figures=spec.figures,
                        target=0.1,
                        quiz=quizzes[spec.figures],
                    )
                )
        # The ceiling once more at the end: the machine's speed drifts (a shared virtual machine), and how far it
        # drifted during the round says how far to trust the ratios, which are all to the first ceiling.
        rows.append(Endpoint("ok-end", "ceiling again, end of the round", "GET", "/bench/ok/", 200))
        return rows

    def run(self) -> str:
        self.check_tools()
        self.env = self.environment()
        for key in [k for k in os.environ if k.startswith(DROPPED_PREFIXES)]:
            del os.environ[key]
        os.environ.update(self.env)
        self.check_redis()
        load_before = os.getloadavg()
        self.prepare_data()

        from bench import attempts, catalogue

        started = time.monotonic()
        endpoints = self.endpoints()
        say(f"{len(endpoints)} endpoints and their attempts prepared in {time.monotonic() - started:.1f} s.")
        self.start_server()
        say(f"gunicorn is serving on 127.0.0.1:{self.port} ({self.describe_server()}).")
        # The CSRF cookie and token of a real step page; the token is not tied to a session, so every POST uses it.
        csrf_session = attempts.new_session()
        big_quiz = attempts.quiz(catalogue.QUIZ_SLUG)
        csrf_attempt = attempts.advanced_attempt(big_quiz, csrf_session, 1)
        self.csrf_cookie, self.csrf_token = attempts.csrf_for(
            self.port, f"/attempts/{csrf_attempt.token}/steps/1/", self.cookie(csrf_session), PROXY_HEADERS
        )
        # One real submission first, to check that a POST from the pool is recorded as a graded try.
        probe_session = attempts.new_session()
        _, probe_path, probe_body = attempts.post_pool(big_quiz, probe_session, 1, self.csrf_token)[0]
        status, location = attempts.post_once(self.port, probe_path, probe_body, self.headers(probe_session))
        if status != 302 or attempts.recorded_tries(probe_session) != 1:
            raise RuntimeError(f"a test submission was not recorded: {status} {location}\n{self.server_log()}")
        self.query_counts(endpoints)
        rounds: list[list[Measured]] = []
        for number in range(1, self.args.rounds + 1):
            say(
                f"Round {number} of {self.args.rounds}: {self.args.warmup:g} s warm-up, {self.args.duration:g} s "
                f"timed, {self.args.connections} connections, per endpoint."
            )
            rounds.append(self.measure_round(endpoints))
        weights = []
        case_path = f"/cases/{catalogue.BIG_CASE_SLUG}/?whole=1"
        if not self.args.no_page_weight:
            from bench import pageweight

            say("Measuring the page weight in Chromium.")
            weights = pageweight.measure(self.url(case_path), extra_headers=PROXY_HEADERS)
        scores = [] if self.args.no_lighthouse else self.lighthouse(case_path)
        load_after = os.getloadavg()
        return self.report(endpoints, rounds, weights, scores, load_before, load_after, case_path)

    def lighthouse(self, case_path: str) -> list:
        """Lighthouse's performance score at phone size of the 30-figure case page and the demo case's page, each
        behind the gzip proxy that stands in for nginx and straight from gunicorn (HTML uncompressed)."""
        from bench import lighthouse

        if not lighthouse.available():
            say(
                f"Skipping Lighthouse: it is not installed in {lighthouse.CLI.parents[2].relative_to(ROOT)} "
                "(bash bench/setup_tools.sh), or node or /usr/bin/chromium is missing."
            )
            return []
        from bench import attempts
        from demo.quiz import QUIZ as DEMO_QUIZ

        pages = [
            ("case page, 30 fig", case_path),
            ("demo case page", attempts.quiz(DEMO_QUIZ["slug"]).case.get_absolute_url()),
        ]
        say(f"Measuring Lighthouse's performance score at phone size ({self.args.rounds} run(s) per row).")
        scores = []
        with lighthouse.GzipProxy(self.port) as proxy:
            for label, path in pages:
                for behind, url, headers in (
                    ("gzip proxy", proxy.url(path), None),
                    ("gunicorn", self.url(path), PROXY_HEADERS),
                ):
                    runs = []
                    for _ in range(self.args.rounds):
                        started = time.monotonic()
                        try:
                            score = lighthouse.measure(url, label, path, behind, headers)
                        except (RuntimeError, OSError, ValueError, KeyError) as exc:
                            # A failed run leaves its row empty rather than losing the whole benchmark.
                            score = lighthouse.Score(label, path, behind, warnings=[f"failed: {exc}"])
                        took = f"{time.monotonic() - started:.0f} s"
                        if score.benchmark_index:
                            took += f", CPU benchmark index {score.benchmark_index:.0f}"
                        say(f"  {label}, {behind}: score {fmt_score(score.score)} ({took})")
                        for warning in score.warnings:
                            say(f"    {warning}")
                        runs.append(score)
                    scores.append(median_score(runs))
        return scores

    def settings(self):
        from django.conf import settings

        return settings

    def cookie(self, session: str) -> str:
        """The Cookie header of a browser with this session (and the CSRF cookie, once there is one)."""
        cookie = f"{self.settings().SESSION_COOKIE_NAME}={session}"
        if self.csrf_cookie:
            cookie += f"; {self.settings().CSRF_COOKIE_NAME}={self.csrf_cookie}"
        return cookie

    def headers(self, session: str | None = None) -> dict[str, str]:
        return {**PROXY_HEADERS, "Cookie": self.cookie(session)} if session else dict(PROXY_HEADERS)

    def measure_round(self, endpoints: list[Endpoint]) -> list[Measured]:
        measured = []
        ceiling = 0.0
        for endpoint in endpoints:
            if endpoint.method == "POST":
                measured.append(self.measure_submissions(endpoint, ceiling))
            else:
                measured.append(self.measure(endpoint, self.headers(endpoint.session)))
            if endpoint.key == "ok":
                ceiling = measured[-1].result.rps
        return measured

    def measure_submissions(self, submit: Endpoint, ceiling: float) -> Measured:
        """Submissions to one quiz: each POST a fresh one from a pool, checked against the database afterwards."""
        from bench import attempts

        # A warm-up pool sized for half the ceiling's rate (a POST that writes to the database gets nowhere near
        # it; a warm-up that runs out only repeats its last POST); the warm-up's rate then sizes the timed
        # run's pool, twice over. Each pool has its own session.
        rate = ceiling
        if self.args.warmup > 0:
            session, posts_file = self.post_pool(submit.quiz, ceiling * 0.5 * self.args.warmup, "warmup")
            rate = self.load(submit, self.args.warmup, self.headers(session), posts_file).rps
        started = time.monotonic()
        timed_session, posts_file = self.post_pool(submit.quiz, max(rate, 10) * 2 * self.args.duration, "timed")
        say(f"  ({time.monotonic() - started:.1f} s to prepare the submissions)")
        result = self.measure(submit, self.headers(timed_session), posts_file, warm_up=False)
        recorded = attempts.recorded_tries(timed_session)
        counted = result.result.requests
        check = f"{recorded} submissions recorded for {counted} counted"
        # A request still in flight when wrk stops is recorded but not counted: at most one per connection.
        if not counted <= recorded <= counted + self.args.connections:
            check += " (MISMATCH: not valid)"
        result.note = "; ".join(filter(None, [result.note, check]))
        return result

    def post_pool(self, quiz, submissions: float, name: str) -> tuple[str, Path]:
        """A new session with enough fresh attempts for this many submissions, and the file listing the POSTs."""
        from bench import attempts

        needed = int(submissions) + 20 * self.args.connections
        # At least 40 attempts per connection: an attempt's next step is sent 40 x connections requests after
        # its previous one, long after that one was answered (otherwise it would be refused as "not yet").
        steps = quiz.steps.count()
        pool = max(40 * self.args.connections, -(-needed // steps))
        session = attempts.new_session()
        posts = attempts.post_pool(quiz, session, pool, self.csrf_token, steps=min(steps, -(-needed // pool)))
        path = self.tmp / f"posts-{name}.tsv"
        path.write_text("".join(f"{n}\t{url}\t{body}\n" for n, url, body in posts))
        return session, path

    # --- reporting --------------------------------------------------------------------------------

    def describe_server(self) -> str:
        a = self.args
        kind = f"{a.worker_class} workers" + (f" x {a.worker_threads} threads" if a.worker_class == "gthread" else "")
        return f"{a.workers} {kind}, deploy/gunicorn.conf.py, max-requests off"

    def server_log(self) -> str:
        path = self.tmp / "gunicorn.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def report(self, endpoints, rounds, weights, scores, load_before, load_after, case_path) -> str:
        from django.db import connection

        lines = []
        add = lines.append
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        add(f"Benchmark of {now}")
        add(
            f"Machine: {os.cpu_count()} cores ({cpu_model()}), {memory_total()} memory; Python "
            f"{platform.python_version()}, PostgreSQL {postgres_version(connection)}"
        )
        add(
            f"Server: gunicorn, {self.describe_server()}; load: wrk, {self.args.threads} thread(s), "
            f"{self.args.connections} connections, {self.args.warmup:g} s warm-up + {self.args.duration:g} s "
            f"per endpoint, {len(rounds)} round(s){' (the median of the quiet ones)' if len(rounds) > 1 else ''}"
        )
        add(
            f"Cache: Redis ({self.args.redis_url}), page cache {self.settings().PAGE_CACHE_SECONDS} s"
            if self.args.redis_url
            else f"Cache: local memory, page cache {getattr(self.settings(), 'PAGE_CACHE_SECONDS', 0)} s (no Redis)"
        )
        add(f"Load average (1, 5, 15 min) before: {fmt_load(load_before)}; after: {fmt_load(load_after)}")
        add("")
        chosen = [median_of([r[i] for r in rounds]) for i in range(len(endpoints))]
        ceiling = chosen[0].result.rps
        add("'vs ceiling': requests/s as a ratio to the ceiling's in this run. 'CPU ms': gunicorn's CPU time per")
        add("request (app cores x 1000 / requests per second). 'Target': the site's target, as a ratio to the ceiling.")
        head = (
            f"{'Endpoint':<36} {'Requests/s':>10} {'p50 ms':>8} {'vs ceiling':>10} {'CPU ms':>7} {'Queries':>7}  Target"
        )
        add(head)
        add("-" * (len(head) + 12))
        for m in chosen:
            r = m.result
            target = ""
            if m.endpoint.target is not None:
                met = r.rps / ceiling >= m.endpoint.target
                target = f">= {m.endpoint.target:g} {'met' if met else 'not met'}"
            add(
                f"{m.endpoint.label:<36} {r.rps:>10.1f} {r.p50_ms:>8.1f} {r.rps / ceiling:>10.3f} "
                f"{app_ms(m):>7.2f} {m.endpoint.queries if m.endpoint.queries is not None else '':>7}  {target}"
            )
        flat = flat_cost_lines(chosen, ceiling)
        if flat:
            add("")
            add("Flat cost (target: the 60-figure case's ratio to the ceiling within 20 % of the 5-figure case's):")
            lines += flat
        add("")
        add("CPU during each timed run, in cores (2 = both cores busy): app = gunicorn, db = its PostgreSQL")
        add("backends, cache = redis-server, wrk = the load generator, other = everything else on the machine.")
        head2 = f"{'Endpoint':<36} {'app':>6} {'db':>6} {'cache':>6} {'wrk':>6} {'other':>6} {'p95 ms':>8}  Checks"
        add(head2)
        add("-" * len(head2))
        for m in chosen:
            u = m.cpu
            add(
                f"{m.endpoint.label:<36} {u.app:>6.2f} {u.db:>6.2f} {u.cache:>6.2f} {u.loadgen:>6.2f} {u.other:>6.2f} "
                f"{m.result.p95_ms:>8.1f}  {m.note or 'ok'}"
            )
        add("")
        paths: dict[str, list[str]] = {}
        for e in endpoints:
            paths.setdefault(re.sub(r"/attempts/[^/]+/", "/attempts/<token>/", e.path), []).append(e.key)
        add("Paths: " + "; ".join(f"{path} ({', '.join(keys)})" for path, keys in paths.items()))
        if weights:
            add("")
            add(f"Page weight of {case_path}, scrolled to the bottom, empty cache. KB = 1000 bytes of encoded bodies")
            add("as downloaded. 'HTML gzipped': the total with the HTML gzipped as nginx does on a server (gunicorn")
            add("sends it uncompressed); the target is judged on it. 'Before scrolling': downloaded before the first")
            add("scroll.")
            head3 = (
                f"{'Viewport':<20} {'Requests':>8} {'Images':>6} {'Images KB':>9} {'HTML KB':>7} {'CSS KB':>6} "
                f"{'Total KB':>8} {'HTML gzipped':>12} {'Before scrolling':>16}  Target"
            )
            add(head3)
            add("-" * (len(head3) + 12))
            for w in weights:
                kb = {kind: w.by_type.get(kind, 0) / 1000 for kind in ("image", "document", "stylesheet")}
                target = ""
                if w.viewport.target_kb:
                    met = w.behind_nginx / 1000 < w.viewport.target_kb
                    target = f"< {w.viewport.target_kb} KB {'met' if met else 'not met'}"
                add(
                    f"{w.viewport.label:<20} {w.requests:>8} {w.images:>6} {kb['image']:>9.1f} {kb['document']:>7.1f} "
                    f"{kb['stylesheet']:>6.1f} {w.total / 1000:>8.1f} {w.behind_nginx / 1000:>12.1f} "
                    f"{w.before_scrolling / 1000:>16.1f}  {target}"
                )
                if w.failed:
                    add(f"  {len(w.failed)} requests failed, e.g. {w.failed[0]}")
            from bench import catalogue

            sizes = catalogue.rendition_sizes()
            add(
                "Average size of the case's figure renditions, KB (WebP / JPEG): "
                + ", ".join(
                    f"{w} px {sizes.get(('webp', w), 0) / 1000:.1f} / {sizes.get(('jpeg', w), 0) / 1000:.1f}"
                    for w in sorted({width for _, width in sizes})
                )
            )
        if scores:
            lines += lighthouse_lines(scores)
        return "\n".join(lines) + "\n"

    # --- cleaning up ------------------------------------------------------------------------------

    def cleanup(self) -> None:
        errors = []
        for step in (self.stop_server, self.close_connections, self.drop_if_needed):
            try:
                step()
            except Exception as exc:  # keep cleaning up; say what failed at the end
                errors.append(f"{step.__name__}: {exc}")
        shutil.rmtree(self.tmp, ignore_errors=True)
        for error in errors:
            say(f"Cleaning up: {error}")

    def close_connections(self) -> None:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()

    def drop_if_needed(self) -> None:
        if not self.args.keep and self.database_created:
            self.drop_database()


# Above this many cores used by other processes during a run, the machine counts as busy for that run.
BUSY_OTHER_CORES = 0.25


def app_ms(m: Measured) -> float:
    """gunicorn's CPU milliseconds per request during the timed run."""
    return m.cpu.app * 1000 / m.result.rps if m.result.rps else 0.0


# Flat cost: the 60-figure case's value within this fraction of the 5-figure case's.
FLAT_TOLERANCE = 0.2


def flat_cost_lines(chosen: list[Measured], ceiling: float) -> list[str]:
    """Per page kind: the 60-figure case's ratio to the ceiling against the 5-figure case's, and their CPU."""
    lines = []
    kinds = list(dict.fromkeys(m.endpoint.kind for m in chosen if m.endpoint.kind))
    for kind in kinds:
        by_size = {m.endpoint.figures: m for m in chosen if m.endpoint.kind == kind}
        small, large = by_size.get(5), by_size.get(60)
        if not (small and large and small.result.rps):
            continue
        change = large.result.rps / small.result.rps - 1
        verdict = "met" if abs(change) <= FLAT_TOLERANCE else "not met"
        lines.append(
            f"  {kind + ':':<30} 60 figures {large.result.rps / ceiling:.3f}, "
            f"5 figures {small.result.rps / ceiling:.3f}"
            f" ({change:+.0%}; CPU {app_ms(large):.1f} vs {app_ms(small):.1f} ms/request): {verdict}"
        )
    return lines


def fmt_score(score: float | None) -> str:
    return "-" if score is None else f"{score:.2f}"


def median_score(runs: list):
    """The run with the median score (the lower middle one for an even count), as Lighthouse advises: one run's
    score moves by several hundredths with the machine's load. A row where every run failed keeps the first."""
    scored = sorted((r for r in runs if r.score is not None), key=lambda r: r.score)
    if not scored:
        return runs[0]
    chosen = scored[(len(scored) - 1) // 2]
    if len(runs) > 1:
        chosen.runs = [r.score for r in runs if r.score is not None]
    return chosen


def lighthouse_lines(scores: list) -> list[str]:
    """The Lighthouse table: each page's score and main metrics, judged behind the gzip proxy."""
    from bench import lighthouse

    lines = [""]
    add = lines.append
    measured = next((s for s in scores if s.settings), None)
    if measured:
        add(f"Lighthouse {measured.version}, performance only, its defaults: {measured.settings}.")
    add("'gzip proxy': behind a local proxy compressing as nginx does on a server (deploy/nginx.conf); the target is")
    add("judged on it. 'gunicorn': straight from gunicorn, HTML uncompressed. Times in ms; CLS has no unit.")
    head = f"{'Page':<20} {'Served by':<11} {'Score':>5} {'FCP':>6} {'LCP':>6} {'TBT':>6} {'CLS':>6} {'SI':>6}  Target"
    add(head)
    add("-" * (len(head) + 18))
    for s in scores:
        m = s.metrics
        target = ""
        if s.behind == "gzip proxy":
            verdict = "not measured" if s.score is None else "met" if s.met else "not met"
            target = f">= {lighthouse.TARGET:g} {verdict}"
        times = " ".join(f"{m[name]:>6.0f}" if name in m else f"{'-':>6}" for name in ("FCP", "LCP", "TBT"))
        cls = f"{m['CLS']:>6.3f}" if "CLS" in m else f"{'-':>6}"
        si = f"{m['SI']:>6.0f}" if "SI" in m else f"{'-':>6}"
        add(f"{s.label:<20} {s.behind:<11} {fmt_score(s.score):>5} {times} {cls} {si}  {target}".rstrip())
        if s.runs:
            add(f"  median of {len(s.runs)} runs scoring {', '.join(fmt_score(r) for r in s.runs)}")
        if s.failing:
            add(f"  costing the most: {'; '.join(s.failing)}")
        for warning in s.warnings:
            if warning.startswith("failed: "):
                # The first line says what failed, the last one (of Lighthouse's output) usually why.
                said = [line.strip() for line in warning.splitlines() if line.strip()]
                add(f"  {said[0]}" + (f" ... {said[-1]}" if len(said) > 1 else ""))
    indexes = [s.benchmark_index for s in scores if s.benchmark_index]
    if indexes:
        add(
            f"Lighthouse's CPU benchmark index: {min(indexes):.0f} to {max(indexes):.0f} (under 1000 it warns that "
            "this CPU, slowed down 4x, is slower than a phone's, which raises TBT and lowers the score)."
        )
    add("Pages: " + "; ".join(dict.fromkeys(f"{s.label} {s.path}" for s in scores)))
    return lines


def median_of(measured: list[Measured]) -> Measured:
    """The round with the median throughput (the lower middle one for an even count), among the rounds
    measured while the machine was quiet if there are any: the aim is the site's speed, not its neighbours'.
    The chosen round's checks say how many rounds were quiet."""
    quiet = [m for m in measured if m.cpu.other <= BUSY_OTHER_CORES]
    ordered = sorted(quiet or measured, key=lambda m: m.result.rps)
    chosen = ordered[(len(ordered) - 1) // 2]
    if chosen.cpu.other > BUSY_OTHER_CORES:
        chosen.note = "; ".join(
            filter(None, [chosen.note, f"BUSY machine: other processes used {chosen.cpu.other:.2f} cores"])
        )
    if len(measured) > 1:
        chosen.note = "; ".join(filter(None, [chosen.note, f"{len(quiet)} of {len(measured)} rounds quiet"]))
    return chosen


def database_name(url: str) -> str:
    import dj_database_url

    return dj_database_url.parse(url)["NAME"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_version(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def fmt_load(load: tuple[float, float, float]) -> str:
    return ", ".join(f"{v:.2f}" for v in load)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def memory_total() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return "unknown"


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv=None) -> int:
    args = parse_args(argv)
    # Ctrl-C, and also SIGINT when started in the background (where it is ignored by default), SIGTERM and
    # SIGHUP: all end in KeyboardInterrupt, so the cleanup in ``finally`` runs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    bench = Bench(args)
    try:
        report = bench.run()
    except KeyboardInterrupt:
        say("Interrupted: stopping the server and removing temporary files.")
        return 130
    except Exception:
        log = bench.server_log()
        if log:
            say("Last lines of the gunicorn log:\n" + log)
        raise
    finally:
        bench.cleanup()
    say("")
    sys.stdout.write(report)
    if args.output:
        args.output.write_text(report)
        say(f"\n(Written to {args.output}.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
