"""The site as a department runs it: real gunicorn processes with production settings, PostgreSQL and Redis.

A module fixture deploys the site as docs/deployment.md does, into a database of its own
(``calcinosis_smoke_<random>``, created and dropped here): migrate, collectstatic, load_demo. Then:

- the smoke test talks to one gunicorn, as nginx would (X-Forwarded-Proto: https), and checks the pages,
  a figure, a static file, the health endpoint and the security headers;
- the two-server test sends one learner's requests alternately to two gunicorns sharing the database and
  Redis, through a whole attempt of the demo quiz, and checks in the database that nothing was lost;
- the page-cache test reads the demo case signed out from both servers (kept in Redis), edits it from a
  third process, and checks that every server's next answer shows the edit.

In production nginx serves /media/ straight from DJANGO_MEDIA_ROOT (deploy/nginx.conf); Django does not.
Running nginx here would need root, certificates and a package the test machine may lack, so the smoke
test stands in for it with ``python -m http.server`` on the same folder: what is checked is that the figure
file the page links to exists under MEDIA_ROOT at that path and is a real image, and that Django itself
refuses /media/. Every process is stopped in the fixtures' teardown; every wait has a time limit.
"""

import http.client
import http.cookies
import json
import re
import secrets
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

import psycopg
import pytest
import redis

from tests.production import HOST, PYTHON, free_port, manage, production_env, start, start_gunicorn

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

DEMO_CASE = "/cases/painless-nodules-elbow-knees/"
DEMO_QUIZ = "/quizzes/painless-nodules-elbow-knees-quiz/"
MAX_REQUESTS = 200  # a whole attempt takes about 40; more means the flow is going round in circles


# --- Deployment -------------------------------------------------------------------------------


@dataclass
class Deployment:
    env: dict[str, str]
    database_url: str
    media_root: str
    private_media_root: str


@pytest.fixture(scope="module")
def deployment(postgres_url, redis_url, tmp_path_factory):
    """A fresh database, migrated, with static files collected and the demo case and quiz loaded."""
    name = f"calcinosis_smoke_{secrets.token_hex(4)}"
    parts = urllib.parse.urlsplit(postgres_url)
    database_url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    tmp = tmp_path_factory.mktemp("deployment")
    env = production_env(tmp, DATABASE_URL=database_url, REDIS_URL=redis_url, DJANGO_TRUSTED_PROXY_COUNT="1")
    with psycopg.connect(postgres_url, dbname="postgres", autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"], ["load_demo"]):
            result = manage(env, *command, timeout=300)
            assert result.returncode == 0, f"manage.py {' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
        yield Deployment(env, database_url, env["DJANGO_MEDIA_ROOT"], env["DJANGO_PRIVATE_MEDIA_ROOT"])
    finally:
        with psycopg.connect(postgres_url, dbname="postgres", autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def running_gunicorn(number: int, deployment, tmp_path_factory):
    """One gunicorn for the module's tests; stopped afterwards, and its log must hold no traceback."""
    server = start_gunicorn(f"gunicorn-{number}", deployment.env, tmp_path_factory.mktemp(f"logs-{number}"))
    try:
        yield server
    finally:
        server.stop()
    assert "Traceback" not in server.log(), server.log()


@pytest.fixture(scope="module")
def first_server(deployment, tmp_path_factory):
    yield from running_gunicorn(1, deployment, tmp_path_factory)


@pytest.fixture(scope="module")
def second_server(deployment, tmp_path_factory):
    yield from running_gunicorn(2, deployment, tmp_path_factory)


@pytest.fixture(scope="module")
def media_server(deployment, tmp_path_factory):
    """Stands in for nginx's ``location /media/``: serves DJANGO_MEDIA_ROOT, and nothing else."""
    port = free_port()
    command = [PYTHON, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", deployment.media_root]
    server = start("media", command, deployment.env, port, tmp_path_factory.mktemp("logs-media"), "/")
    try:
        yield server
    finally:
        server.stop()


# --- A browser without a browser --------------------------------------------------------------


@dataclass
class Page:
    server: str
    path: str
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Browser:
    """One learner: a cookie jar, and each request sent to the next server in turn, as a load balancer might.

    Requests carry what nginx adds (X-Forwarded-Proto, X-Forwarded-For) and, for forms, the Origin a
    browser sends, so Django's HTTPS and CSRF checks run as in production.
    """

    ports: dict[str, int]
    cookies: dict[str, str] = field(default_factory=dict)
    history: list[Page] = field(default_factory=list)

    def request(self, method: str, path: str, form: dict | None = None, https: bool = True, server: str = "") -> Page:
        if len(self.history) >= MAX_REQUESTS:
            raise AssertionError(f"More than {MAX_REQUESTS} requests: {[(p.path, p.status) for p in self.history]}")
        names = list(self.ports)
        name = server or names[len(self.history) % len(names)]
        headers = {"Host": HOST, "X-Forwarded-For": "203.0.113.9", "User-Agent": "smoke-test"}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"
        connection = http.client.HTTPConnection("127.0.0.1", self.ports[name], timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = Page(name, path, response.status, response.headers, response.read())
        finally:
            connection.close()
        for header in page.headers.get_all("Set-Cookie") or []:
            for key, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        self.history.append(page)
        return page

    def get(self, path: str, **kwargs) -> Page:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict) -> Page:
        return self.request("POST", path, form=form)

    def follow(self, page: Page) -> Page:
        """Follow redirects (each hop to the next server), up to ten."""
        for _ in range(10):
            if page.status not in (301, 302, 303):
                return page
            location = urllib.parse.urlsplit(page.headers["Location"])
            page = self.get(location.path + (f"?{location.query}" if location.query else ""))
        raise AssertionError(f"Too many redirects from {page.path}")


class FormParser(HTMLParser):
    """The forms of a page: action, and every input, select (with its options) and button in order."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": []})
        elif not self.forms:
            return
        elif tag in ("input", "button", "textarea"):
            self.forms[-1]["fields"].append({"tag": tag, **attrs})
        elif tag == "select":
            self._select = {"tag": "select", "options": [], **attrs}
            self.forms[-1]["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_of(page: Page) -> list[dict]:
    parser = FormParser()
    parser.feed(page.text)
    return parser.forms


def form_with_action(page: Page, action: str) -> dict | None:
    return next((form for form in forms_of(page) if form["action"] == action), None)


def hidden_fields(form: dict) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for item in form["fields"]:
        if item["tag"] == "input" and item.get("type") == "hidden" and item.get("name"):
            data.setdefault(item["name"], []).append(item.get("value", ""))
    return data


def any_valid_answers(form: dict) -> dict[str, list[str]]:
    """A complete, valid answer to every question of a step form, whatever its kinds.

    First checkbox of each group (multiple response), a mark in the middle of each hotspot image, first radio
    of each group (single best, each true/false statement), positions 1..n in order for an ordering question's
    selects, the first real choice for other selects (matching), and "Virchow" typed into text boxes.
    """
    data = hidden_fields(form)
    seen: set[str] = set()
    selects_by_question: dict[str, list[dict]] = {}
    for item in form["fields"]:
        name = item.get("name", "")
        kind = item.get("type", "text") if item["tag"] == "input" else item["tag"]
        if kind == "image" and name.endswith("-click"):  # a hotspot: one mark in the middle of the image
            data[name.removesuffix("-click") + "-mark"] = ["0.5,0.5"]
            continue
        if not name or kind in ("hidden", "image", "submit"):
            continue
        if kind in ("checkbox", "radio"):
            if name not in seen:
                seen.add(name)
                data[name] = [item["value"]]
        elif kind == "select":
            selects_by_question.setdefault(name.split("-")[0], []).append(item)
        elif kind in ("text", "textarea", "search"):
            data[name] = ["Virchow"]
    for selects in selects_by_question.values():
        choices = [value for value in selects[0]["options"] if value]
        if all(value.isdigit() for value in choices):  # ordering: each item a different position
            for position, select in enumerate(selects, start=1):
                data[select["name"]] = [str(position)]
        else:
            for select in selects:
                data[select["name"]] = [next(value for value in select["options"] if value)]
    data["action"] = ["submit"]
    return data


# --- Checks -----------------------------------------------------------------------------------


def assert_security_headers(page: Page, https: bool = True) -> None:
    headers = page.headers
    csp = headers["Content-Security-Policy"] or ""
    assert "default-src 'self'" in csp and "script-src 'self'" in csp, (page.path, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (page.path, csp)
    assert headers["X-Content-Type-Options"] == "nosniff", page.path
    assert headers["Referrer-Policy"] == "same-origin", page.path
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin", page.path
    assert headers["X-Frame-Options"] == "DENY", page.path
    if https:
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains", page.path


def test_smoke_one_server(first_server, media_server, deployment):
    browser = Browser({"gunicorn-1": first_server.port})

    home = browser.get("/")
    assert home.status == 200
    assert DEMO_CASE in home.text
    assert_security_headers(home)

    case = browser.get(DEMO_CASE)
    assert case.status == 200
    assert "Painless nodules on the elbow and knees" in case.text
    assert_security_headers(case)

    # A figure: the page links a rendition under /media/, which nginx serves from DJANGO_MEDIA_ROOT.
    figures = re.findall(r'src="(/media/[^"]+\.jpg)"', case.text)
    assert figures, "the case page shows no figure"
    media = Browser({"media": media_server.port}).get(figures[0].removeprefix("/media"))
    assert media.status == 200
    assert media.body[:3] == b"\xff\xd8\xff", "the rendition is not a JPEG"
    assert browser.get(figures[0]).status == 404, "Django must not serve uploads on a server"
    assert "master" not in case.text and deployment.private_media_root not in case.text

    # A static file, by the hashed name the page uses, served by whitenoise and cached for good.
    [stylesheet] = re.findall(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', case.text)
    static = browser.get(stylesheet)
    assert static.status == 200
    assert static.headers["Content-Type"].startswith("text/css")
    assert "immutable" in static.headers["Cache-Control"] and "max-age=315360000" in static.headers["Cache-Control"]

    # Health, over plain HTTP as a load balancer probes it: not redirected, not cached.
    health = browser.get("/health/", https=False)
    assert health.status == 200, health.text
    assert json.loads(health.body) == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-store" in health.headers["Cache-Control"]
    assert_security_headers(health, https=False)

    # Any page over plain HTTP is sent to HTTPS.
    plain = browser.get("/", https=False)
    assert plain.status == 301
    assert plain.headers["Location"] == f"https://{HOST}/"

    # The quiz's start page sets the CSRF cookie: HTTPS only, not readable by scripts.
    start_page = browser.get(DEMO_QUIZ)
    assert start_page.status == 200
    [csrf_cookie] = [c for c in start_page.headers.get_all("Set-Cookie") if c.startswith("csrftoken=")]
    assert "Secure" in csrf_cookie and "HttpOnly" in csrf_cookie


def test_one_learner_alternating_between_two_servers_finishes_the_demo_quiz(first_server, second_server, deployment):
    browser = Browser({"gunicorn-1": first_server.port, "gunicorn-2": second_server.port})

    start_page = browser.get(DEMO_QUIZ)
    start_form = form_with_action(start_page, DEMO_QUIZ)
    assert start_form is not None, start_page.text
    started = browser.post(DEMO_QUIZ, hidden_fields(start_form))
    assert started.status == 302, started.text
    token = re.fullmatch(r"/attempts/([0-9a-f-]{36})/", started.headers["Location"]).group(1)

    page = browser.follow(started)
    while "/review/" not in page.path:
        assert page.status == 200, (page.path, page.status, page.text[:2000])
        form = form_with_action(page, page.path)
        assert form is not None, f"no step form at {page.path}:\n{page.text[:3000]}"
        if any(item.get("name") == "give_up" for item in form["fields"]):
            # A practice step answered wrongly: the learner shows the answer and moves on.
            answer = {**hidden_fields(form), "give_up": ["1"]}
        else:
            answer = any_valid_answers(form)
        submitted = browser.post(page.path, answer)
        assert submitted.status == 302, (page.path, submitted.status, submitted.text[:3000])
        page = browser.follow(browser.get(f"/attempts/{token}/"))

    assert page.status == 200
    assert {p.server for p in browser.history} == {"gunicorn-1", "gunicorn-2"}
    assert not [(p.server, p.path, p.status) for p in browser.history if p.status >= 500]

    with psycopg.connect(deployment.database_url, connect_timeout=10) as conn:
        attempt_id, state, quiz_id = conn.execute(
            "SELECT id, state, quiz_id FROM quiz_attempt WHERE token = %s", [token]
        ).fetchone()
        steps = conn.execute("SELECT id FROM quiz_step WHERE quiz_id = %s ORDER BY position", [quiz_id]).fetchall()
        step_attempts = conn.execute(
            "SELECT step_id, id, tries_used, committed_at IS NOT NULL FROM quiz_stepattempt WHERE attempt_id = %s",
            [attempt_id],
        ).fetchall()
        questions = conn.execute(
            "SELECT q.id, q.step_id FROM quiz_question q JOIN quiz_step s ON s.id = q.step_id WHERE s.quiz_id = %s",
            [quiz_id],
        ).fetchall()
        responses = conn.execute(
            "SELECT r.step_attempt_id, r.question_id, r.try_number FROM quiz_response r "
            "JOIN quiz_stepattempt sa ON sa.id = r.step_attempt_id WHERE sa.attempt_id = %s",
            [attempt_id],
        ).fetchall()

    assert state == "finished"
    by_step = {step_id: (sa_id, tries, committed) for step_id, sa_id, tries, committed in step_attempts}
    assert set(by_step) == {step_id for (step_id,) in steps}, "a step has no record of the learner's work"
    for question_id, step_id in questions:
        step_attempt_id, tries, committed = by_step[step_id]
        assert committed
        tries_recorded = sorted(t for sa, q, t in responses if sa == step_attempt_id and q == question_id)
        assert tries >= 1
        assert tries_recorded == list(range(1, tries + 1)), (question_id, tries, tries_recorded)


def _edit(deployment, code: str) -> None:
    """An edit as the admin makes it (a model saved in the shared database), from a process of its own."""
    result = manage(deployment.env, "shell", "-c", code, timeout=120)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"


def test_an_edit_shows_at_once_on_every_server_sharing_redis(first_server, second_server, deployment, redis_url):
    """Pages kept for signed-out visitors (cases.page_cache) live in the shared Redis, under a content version
    that an edit replaces there: no server, and none of its workers, serves the page from before the edit."""
    servers = {"gunicorn-1": first_server.port, "gunicorn-2": second_server.port}
    visitor = Browser(servers)
    whole = DEMO_CASE + "?whole=1"

    def pages(path: str) -> list[str]:
        # Several requests to each server, so that each of its workers answers some.
        return [visitor.get(path, server=name).text for name in servers for _ in range(4)]

    shared = redis.Redis.from_url(redis_url)
    kept_before = set(shared.scan_iter("*pages:*:page:*"))
    before = pages(whole)
    assert len(set(before)) == 1, "the servers disagree before any edit"
    assert set(shared.scan_iter("*pages:*:page:*")) - kept_before, "no page was kept in Redis"
    assert "Start the quiz" in before[0]
    assert not visitor.cookies, "a signed-out reader of a case needs no cookie"

    _edit(
        deployment,
        "from cases.models import Section; s = Section.objects.filter(case__slug='painless-nodules-elbow-knees')"
        ".order_by('position').first(); s.heading = 'Edited heading 7f3a'; s.save()",
    )
    assert all("Edited heading 7f3a" in page for page in pages(whole))
    assert all("Edited heading 7f3a" in page for page in pages(DEMO_CASE))  # the case's beginning shows it too

    _edit(
        deployment,
        "from quiz.models import Quiz; q = Quiz.objects.get(slug='painless-nodules-elbow-knees-quiz'); "
        "q.status = 'draft'; q.save()",
    )
    try:
        assert all("Start the quiz" not in page for page in pages(whole))
    finally:
        _edit(
            deployment,
            "from quiz.models import Quiz; q = Quiz.objects.get(slug='painless-nodules-elbow-knees-quiz'); "
            "q.status = 'published'; q.save()",
        )
    assert all("Start the quiz" in page for page in pages(whole))
    assert not [(p.server, p.path, p.status) for p in visitor.history if p.status != 200]
