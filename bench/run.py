"""Benchmark the site as a server runs it: ``make bench`` or ``python -m bench.run --help``.

What it does (docs/performance.md explains why each choice was made):

1. Creates the PostgreSQL database named in BENCH_DATABASE_URL (dropped and created again, unless ``--keep``
   finds a complete one), migrates it and builds the catalogue (bench/catalogue.py).
2. Collects static files into a temporary STATIC_ROOT (whitenoise, as on a server) and starts gunicorn with
   production settings: debug off, a random secret key, ALLOWED_HOSTS 127.0.0.1, the real
   deploy/gunicorn.conf.py, and ``bench.settings`` (production settings plus the bench URLconf).
3. For each endpoint: a warm-up, then a timed run of wrk at fixed concurrency (bench/loadgen.py).
4. Measures the case page's weight in Chromium at phone and desktop widths (bench/pageweight.py).
5. Prints the table (and writes it to ``--output``), then stops every process it started and removes its
   temporary files and, unless ``--keep``, the database, also after a failure or Ctrl-C.
"""

import argparse
import datetime
import os
import platform
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
KEEP_DIR = Path(tempfile.gettempdir()) / "calcinosis-bench-kept"
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
        help=f"keep the database and its media ({KEEP_DIR}) for the next run, and reuse them if complete",
    )
    parser.add_argument("--no-page-weight", action="store_true", help="skip the page weight in Chromium")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    if args.connections <= 0:
        args.connections = 2 * args.workers * (args.worker_threads if args.worker_class == "gthread" else 1)
    if args.threads > args.connections:
        parser.error("--threads cannot be more than --connections")
    return args


@dataclass
class Endpoint:
    key: str
    label: str
    method: str
    path: str
    expected: int
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
        self.files = KEEP_DIR if args.keep else self.tmp
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
        return env

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
        with cpu.Monitor(self.app_pids, self.db_pids) as monitor:
            result = self.load(endpoint, self.args.duration, headers, posts_file)
        usage = monitor.usage
        say(
            f"  {endpoint.label}: {result.rps:.1f} requests/s, p50 {result.p50_ms:.1f} ms, "
            f"p95 {result.p95_ms:.1f} ms (CPU: app {usage.app:.2f}, database {usage.db:.2f}, "
            f"wrk {usage.loadgen:.2f}, other {usage.other:.2f} cores)"
        )
        problems = []
        if result.errors or result.unexpected:
            problems.append(f"{result.errors} errors, {result.unexpected} answers not {endpoint.expected}")
        if result.exhausted:
            problems.append(f"the POST pool ran out ({result.exhausted} repeated): not valid")
        return Measured(endpoint, result, usage, "; ".join(problems))

    def query_counts(self, endpoints: list[Endpoint], sessions: dict[str, str], post: tuple[str, str]) -> None:
        """How many SQL queries each page makes, counted with Django's test client in this process.

        ``sessions`` gives the session of the endpoints that need one; ``post`` is one fresh submission.
        """
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        for endpoint in endpoints:
            client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
            if endpoint.key in sessions:
                client.cookies[self.settings().SESSION_COOKIE_NAME] = sessions[endpoint.key]
            with CaptureQueriesContext(connection) as queries:
                if endpoint.method == "POST":
                    path, body = post
                    response = client.generic("POST", path, body, content_type="application/x-www-form-urlencoded")
                else:
                    response = client.get(endpoint.path)
            if response.status_code != endpoint.expected:
                raise RuntimeError(f"{endpoint.method} {endpoint.path} answered {response.status_code}")
            endpoint.queries = len(queries)

    def run(self) -> str:
        self.check_tools()
        self.env = self.environment()
        for key in [k for k in os.environ if k.startswith(DROPPED_PREFIXES)]:
            del os.environ[key]
        os.environ.update(self.env)
        load_before = os.getloadavg()
        self.prepare_data()

        from bench import attempts, catalogue

        quiz = attempts.quiz(catalogue.QUIZ_SLUG)
        last = quiz.steps.order_by("-position").first().position
        reading_session = attempts.new_session()
        reading = attempts.advanced_attempt(quiz, reading_session, last)
        step_path = f"/attempts/{reading.token}/steps/{last}/"
        endpoints = [
            Endpoint("ok", "ceiling: the 'ok' view", "GET", "/bench/ok/", 200),
            Endpoint("home", "home page", "GET", "/", 200),
            Endpoint(
                "case",
                f"case page, {catalogue.BIG_FIGURES} figures",
                "GET",
                f"/cases/{catalogue.BIG_CASE_SLUG}/?whole=1",
                200,
            ),
            Endpoint("step", f"quiz step page (step {last} of {last})", "GET", step_path, 200),
            Endpoint("submit", "answer submission (POST)", "POST", "/attempts/<token>/steps/<n>/", 302),
        ]

        self.start_server()
        say(f"gunicorn is serving on 127.0.0.1:{self.port} ({self.describe_server()}).")
        self.csrf_cookie, self.csrf_token = attempts.csrf_for(
            self.port, step_path, self.cookie(reading_session), PROXY_HEADERS
        )
        # One real submission first, to check that a POST from the pool is recorded as a graded try.
        probe_session = attempts.new_session()
        _, probe_path, probe_body = attempts.post_pool(quiz, probe_session, 1, self.csrf_token)[0]
        status, location = attempts.post_once(self.port, probe_path, probe_body, self.headers(probe_session))
        if status != 302 or attempts.recorded_tries(probe_session) != 1:
            raise RuntimeError(f"a test submission was not recorded: {status} {location}\n{self.server_log()}")
        sample_session = attempts.new_session()
        _, sample_path, sample_body = attempts.post_pool(quiz, sample_session, 1, self.csrf_token)[0]
        self.query_counts(endpoints, {"step": reading_session, "submit": sample_session}, (sample_path, sample_body))
        rounds: list[list[Measured]] = []
        for number in range(1, self.args.rounds + 1):
            say(
                f"Round {number} of {self.args.rounds}: {self.args.warmup:g} s warm-up, {self.args.duration:g} s "
                f"timed, {self.args.connections} connections, per endpoint."
            )
            rounds.append(self.measure_round(endpoints, quiz, reading_session))
        weights = []
        if not self.args.no_page_weight:
            from bench import pageweight

            say("Measuring the page weight in Chromium.")
            weights = pageweight.measure(self.url(endpoints[2].path), extra_headers=PROXY_HEADERS)
        load_after = os.getloadavg()
        return self.report(endpoints, rounds, weights, load_before, load_after, endpoints[2].path)

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

    def measure_round(self, endpoints, quiz, reading_session) -> list[Measured]:
        from bench import attempts

        measured = []
        for endpoint in endpoints[:4]:
            headers = self.headers(reading_session if endpoint.key == "step" else None)
            measured.append(self.measure(endpoint, headers))

        # The POSTs: a warm-up pool sized for the ceiling's rate (no page is faster); the warm-up's rate then
        # sizes the timed run's pool, twice over. Each pool has its own session.
        submit = endpoints[4]
        rate = measured[0].result.rps
        if self.args.warmup > 0:
            session, posts_file = self.post_pool(quiz, rate * 1.25 * self.args.warmup, "warmup")
            rate = self.load(submit, self.args.warmup, self.headers(session), posts_file).rps
        started = time.monotonic()
        timed_session, posts_file = self.post_pool(quiz, max(rate, 10) * 2 * self.args.duration, "timed")
        say(f"  ({time.monotonic() - started:.1f} s to prepare the submissions)")
        result = self.measure(submit, self.headers(timed_session), posts_file, warm_up=False)
        recorded = attempts.recorded_tries(timed_session)
        counted = result.result.requests
        check = f"{recorded} submissions recorded for {counted} counted"
        # A request still in flight when wrk stops is recorded but not counted: at most one per connection.
        if not counted <= recorded <= counted + self.args.connections:
            check += " (MISMATCH: not valid)"
        result.note = "; ".join(filter(None, [result.note, check]))
        measured.append(result)
        return measured

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

    def report(self, endpoints, rounds, weights, load_before, load_after, case_path) -> str:
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
        add(f"Load average (1, 5, 15 min) before: {fmt_load(load_before)}; after: {fmt_load(load_after)}")
        add("")
        chosen = [median_of([r[i] for r in rounds]) for i in range(len(endpoints))]
        ceiling = chosen[0].result.rps
        head = f"{'Endpoint':<36} {'Requests/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'vs ceiling':>10} {'Queries':>7}"
        add(head)
        add("-" * len(head))
        for m in chosen:
            r = m.result
            add(
                f"{m.endpoint.label:<36} {r.rps:>10.1f} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} "
                f"{r.rps / ceiling:>9.0%} {m.endpoint.queries if m.endpoint.queries is not None else '':>7}"
            )
        add("")
        add("CPU during each timed run, in cores (2 = both cores busy): app = gunicorn, db = its PostgreSQL")
        add("backends, wrk = the load generator, other = everything else on the machine.")
        add("'app ms/request': gunicorn's CPU time per request (app cores x 1000 / requests per second).")
        head2 = f"{'Endpoint':<36} {'app':>6} {'db':>6} {'wrk':>6} {'other':>6} {'app ms/request':>14}  Checks"
        add(head2)
        add("-" * len(head2))
        for m in chosen:
            u = m.cpu
            per_request = u.app * 1000 / m.result.rps if m.result.rps else 0
            add(
                f"{m.endpoint.label:<36} {u.app:>6.2f} {u.db:>6.2f} {u.loadgen:>6.2f} {u.other:>6.2f} "
                f"{per_request:>14.2f}  {m.note or 'ok'}"
            )
        add("")
        add("Paths: " + ", ".join(f"{e.key} {e.path}" for e in endpoints))
        if weights:
            add("")
            add(f"Page weight of {case_path}, scrolled to the bottom, empty cache. KB = 1000 bytes of encoded bodies")
            add("as downloaded. 'HTML gzipped': the total with the HTML gzipped as nginx does on a server (gunicorn")
            add("sends it uncompressed). 'Before scrolling': what was downloaded before the first scroll.")
            head3 = (
                f"{'Viewport':<20} {'Requests':>8} {'Images':>6} {'Images KB':>9} {'HTML KB':>7} {'CSS KB':>6} "
                f"{'Total KB':>8} {'HTML gzipped':>12} {'Before scrolling':>16}"
            )
            add(head3)
            add("-" * len(head3))
            for w in weights:
                kb = {kind: w.by_type.get(kind, 0) / 1000 for kind in ("image", "document", "stylesheet")}
                add(
                    f"{w.viewport.label:<20} {w.requests:>8} {w.images:>6} {kb['image']:>9.1f} {kb['document']:>7.1f} "
                    f"{kb['stylesheet']:>6.1f} {w.total / 1000:>8.1f} {w.behind_nginx / 1000:>12.1f} "
                    f"{w.before_scrolling / 1000:>16.1f}"
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
