"""Malformed POSTs to every form of the site: none may get a server error.

Over 10,000 POSTs, from a fixed seed, to starting a quiz, an educator's preview, a quiz step (submitting, and
"show the answer"), the site's sign-in page and the admin's. Field names are found as a browser finds them,
by reading the page's form first; the step's come from real attempts of the demo quiz, which has a question
of every kind. Each POST takes the browser's fields and breaks them: fields left out, values of the wrong
type, 10,000-character strings, NUL and other awkward characters, undecodable bytes, repeated keys, negative
and huge numbers, wrong try numbers, field names of other questions and other attempts, random tokens.
CSRF is not the point: the test client does not check it.

A server error comes back as a 500 response (``raise_request_exception=False``); every one is collected with
the input that caused it, so one run reports them all. Each request runs in a savepoint rolled back after a
server error, so one failure on PostgreSQL does not turn every later request into one.
"""

import html.parser
import json
import logging
import random
import string
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from quiz.models import Attempt, Step
from quiz.tests.helpers import answers_for, key_answer, load_demo_quiz, step_post, wrong_answer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing", "only_errors_logged")]

SEED = 20261201
# A step costs several times what the other pages do (a dozen queries and a long form; "show the answer" also
# needs a try before it and a new page after it), so the steps get fewer posts than their share.
POSTS = {"start": 3300, "preview": 1500, "step": 1800, "give_up": 300, "login": 1550, "admin_login": 1550}
assert sum(POSTS.values()) >= 10_000

PASSWORD = "a long and right password"
HUGE = 10_000


# --- reading a page's forms, as a browser does ----------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> the values the page offers


class FormReader(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.select: str | None = None

    def offer(self, name, value):
        if name and self.forms:
            self.forms[-1].fields.setdefault(name, [])
            if value is not None:
                self.forms[-1].fields[name].append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(Form(attrs.get("action") or ""))
        elif tag == "input" and attrs.get("type") == "image":
            # An image input sends where it was clicked.
            self.offer(f"{attrs.get('name')}.x", "120")
            self.offer(f"{attrs.get('name')}.y", "80")
        elif tag in ("input", "button", "textarea"):
            self.offer(attrs.get("name"), attrs.get("value", ""))
        elif tag == "select":
            self.select = attrs.get("name")
            self.offer(self.select, None)
        elif tag == "option" and self.select:
            self.offer(self.select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


def form_on(page, action: str) -> Form:
    reader = FormReader()
    reader.feed(page.content.decode())
    matching = [f for f in reader.forms if f.action == action]
    assert matching, f"no form posting to {action} on the page"
    return matching[0]


# --- breaking what a browser would send ------------------------------------------------------------------

AWKWARD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "e\u0301",
    "🦴🩻",
    "ﬁ",
    "\ufeff",
    "\r\n",
    "null",
    "None",
    "[]",
    "{}",
    "true",
    "<script>alert(1)</script>",
    "%00",
    "../../etc/passwd",
    "' OR 1=1 --",
]
NUMBERS = [
    "0",
    "-1",
    "-0",
    "1",
    "2",
    "3",
    "99",
    "-99999999999999999999",
    "1.5",
    " 2 ",
    "0x10",
    "１２",
    "1e309",
    "-1e309",
    "nan",
    "inf",
    "-inf",
    "2147483648",
    "9223372036854775808",
    "9" * 40,
    "1" + "0" * 308,
    "9" * 400,
    "9" * 1000,
    "9" * 4000,
    "9" * 5000,
    "-" + "9" * 4000,
]
MARKS = ["0.5,0.5", "0,0", "1,1", "nan,nan", "inf,0.5", "1e309,0.5", "-0.1,0.5", "0.5,0.5,0.5", ",", "0.5", "a,b"]


class Breaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.foreign_names: set[str] = set()  # field names seen on other pages and other attempts

    def huge(self) -> str:
        alphabet = self.rng.choice([string.ascii_letters, "é€🦴\x00 ", string.digits, string.printable])
        chunk = "".join(self.rng.choices(alphabet, k=100))
        return chunk * (HUGE // 100)

    def random_text(self) -> str:
        length = self.rng.randint(1, 40)
        if self.rng.random() < 0.5:
            return "".join(self.rng.choices(string.printable, k=length))
        # Any character outside the surrogates (which UTF-8 cannot carry).
        return "".join(chr(self.rng.choice([self.rng.randint(1, 0xD7FF), self.rng.randint(0xE000, 0x10FFFF)]))
                       for _ in range(length))  # fmt: skip

    def junk(self) -> str:
        pick = self.rng.random()
        if pick < 0.2:
            return self.rng.choice(AWKWARD)
        if pick < 0.45:
            return self.rng.choice(NUMBERS)
        if pick < 0.55:
            return self.huge()
        if pick < 0.65:
            return uuid.uuid4().hex[:12] if self.rng.random() < 0.5 else str(uuid.UUID(int=self.rng.getrandbits(128)))
        if pick < 0.75:
            return self.rng.choice(MARKS)
        return self.random_text()

    def name(self, fields) -> str:
        pick = self.rng.random()
        if pick < 0.4 and self.foreign_names:
            return self.rng.choice(sorted(self.foreign_names))
        if pick < 0.6 and fields:
            # One of this form's names, with a suffix a browser would never add.
            return self.rng.choice(list(fields)) + self.rng.choice(["-mark", "-click.x", "-click.y", "-regions", "-x"])
        if pick < 0.7:
            return self.rng.choice(["clear", "give_up", "action", "try_number", "next", "username", "password"])
        return self.random_text()

    def browser_values(self, fields: dict[str, list[str]]) -> dict[str, list[str]]:
        """What a browser might send: for each field, one of the values the page offers (or a typed one)."""
        data = {}
        for name, offered in fields.items():
            if name == "csrfmiddlewaretoken" or self.rng.random() < 0.15:
                continue
            if offered and self.rng.random() < 0.8:
                data[name] = [self.rng.choice(offered)]
            else:
                data[name] = [self.random_text()]
        return data

    def wrong_value(self, offered: list[str]) -> str:
        # A field whose page values are numbers (try number, a click's coordinates, an ordering position)
        # mostly gets numbers: that is where a server might compute with them.
        if offered and all(v.lstrip("-").isdigit() for v in offered) and self.rng.random() < 0.7:
            return self.rng.choice(NUMBERS)
        return self.junk()

    def break_(self, fields: dict[str, list[str]], **keep) -> dict[str, list[str]]:
        data = self.browser_values(fields)
        for _ in range(self.rng.choice([0, 1, 1, 2, 3, 4])):
            action = self.rng.random()
            names = list(data)
            if action < 0.2 and names:
                data.pop(self.rng.choice(names))  # a field left out
            elif action < 0.5 and names:
                name = self.rng.choice(names)  # a wrong value
                data[name] = [self.wrong_value(fields.get(name, []))]
            elif action < 0.65 and names:
                name = self.rng.choice(names)  # a key repeated
                data[name] = data[name] + [self.junk() for _ in range(self.rng.randint(1, 5))]
            elif action < 0.95:
                data[self.name(fields)] = [self.junk()]  # a field that is not on this form
            else:
                data = {}  # nothing at all
        numeric = [name for name in data if fields.get(name) and all(v.lstrip("-").isdigit() for v in fields[name])]
        if numeric and self.rng.random() < 0.3:
            data[self.rng.choice(numeric)] = [self.rng.choice(NUMBERS)]  # where a server computes with numbers
        for name, value in keep.items():
            data[name] = [value]
        return data

    def body(self, data: dict[str, list[str]]) -> tuple[dict | bytes, str | None]:
        """The POST body and its content type (None: a form, as the test client encodes one). Sometimes
        what no form sends: undecodable or broken urlencoded bytes, JSON, or a file where a field should be."""
        pick = self.rng.random()
        if pick < 0.85:
            return data, None
        if pick < 0.92:
            encoded = urllib.parse.urlencode(data, doseq=True)
            damage = self.rng.choice(["%FF%FE", "%C0%80", "%ED%A0%80", "%00", "&&==&", "%", "%zz", "=" * 50])
            at = self.rng.randint(0, len(encoded))
            return (encoded[:at] + damage + encoded[at:]).encode("ascii"), "application/x-www-form-urlencoded"
        if pick < 0.96:
            return json.dumps(
                {name: values[0] if len(values) == 1 else values for name, values in data.items()}
            ).encode("utf-8", "surrogatepass"), "application/json"
        if data:
            name = self.rng.choice(list(data))
            data[name] = [SimpleUploadedFile(f"{self.random_text()[:20]}.txt", self.huge().encode("utf-8"))]
        return data, None


# --- posting and collecting failures ---------------------------------------------------------------------


def shown(value) -> str:
    if isinstance(value, SimpleUploadedFile):
        return f"<a file {value.name!r} of {value.size} bytes>"
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else f"{value[:30]!r}… ({len(value)} characters)"
    if isinstance(value, list):
        return "[" + ", ".join(shown(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{shown(k)}: {shown(v)}" for k, v in value.items()) + "}"
    return repr(value)


class Poster:
    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.posts = 0
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []

    def post(self, client: Client, url: str, body_and_type, **extra):
        body, content_type = body_and_type
        self.posts += 1
        with transaction.atomic():
            if content_type:
                response = client.post(url, body, content_type=content_type, **extra)
            else:
                response = client.post(url, body, **extra)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            raised = f"{exc[0].__name__}: {str(exc[1])[:200]}" if exc else "no exception"
            where = ""
            if exc and exc[2]:
                tb = exc[2]
                while tb.tb_next:
                    tb = tb.tb_next
                where = f" at {tb.tb_frame.f_code.co_filename.rsplit('/', 3)[-2:]}:{tb.tb_lineno}"
            kind = f" as {content_type}" if content_type else ""
            self.failures.append(f"POST {url}{kind} {shown(body)} -> {response.status_code} ({raised}{where})")
        return response

    def check(self, *, expected_statuses: set[int]):
        assert self.posts >= POSTS[self.endpoint]
        message = f"{len(self.failures)} of {self.posts} POSTs to {self.endpoint} got a server error:\n" + "\n".join(
            self.failures[:25]
        )
        assert not self.failures, message
        # The fuzzing reached the paths that matter, not only one trivial answer.
        missing = expected_statuses - set(self.statuses)
        assert not missing, f"no response with status {sorted(missing)} among {dict(self.statuses)}"


# --- the site as the posts find it ------------------------------------------------------------------------


@pytest.fixture
def only_errors_logged():
    """Thousands of refused posts log a warning each; a server error is still logged (django.request, ERROR)."""
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


@pytest.fixture
def quiz():
    return load_demo_quiz()


@pytest.fixture
def people():
    users = get_user_model().objects
    return {
        "editor": users.create_superuser("editor", password=PASSWORD),
        "learner": users.create_user("learner", password=PASSWORD),
        "former": users.create_user("former", password=PASSWORD, is_active=False),
    }


def start_attempt(client: Client, quiz) -> Attempt:
    response = client.post(reverse("quiz:start", args=[quiz.slug]))
    assert response.status_code == 302, response.status_code
    return Attempt.objects.latest("started_at")


def test_starting_a_quiz(quiz):
    rng, poster, client = random.Random(f"{SEED}:start"), Poster("start"), Client(raise_request_exception=False)
    breaker = Breaker(rng)
    url = reverse("quiz:start", args=[quiz.slug])
    fields = form_on(client.get(url), url).fields

    while poster.posts < POSTS["start"]:
        poster.post(client, url, breaker.body(breaker.break_(fields)))

    poster.check(expected_statuses={302})


def test_an_educators_preview(quiz, people):
    rng, poster, client = random.Random(f"{SEED}:preview"), Poster("preview"), Client(raise_request_exception=False)
    breaker = Breaker(rng)
    client.force_login(people["editor"])
    url = reverse("quiz:preview", args=[quiz.slug])
    fields = form_on(client.get(reverse("admin:quiz_quiz_change", args=[quiz.pk])), url).fields

    while poster.posts < POSTS["preview"]:
        poster.post(client, url, breaker.body(breaker.break_(fields)))

    poster.check(expected_statuses={302})


class Walker:
    """One learner's attempt at the demo quiz, moved on through its steps as the fuzzing goes."""

    def __init__(self, client: Client, quiz, breaker: Breaker):
        self.client, self.quiz, self.breaker = client, quiz, breaker
        self.steps = {s.position: s for s in Step.objects.filter(quiz=quiz)}
        self.attempt = None
        self.fields: dict[int, dict[str, list[str]]] = {}

    def url(self, position: int) -> str:
        return reverse("quiz:step", args=[self.attempt.token, position])

    def current(self) -> int:
        self.attempt.refresh_from_db()
        if self.attempt.is_finished:
            self.attempt = None
        if self.attempt is None:
            self.attempt = start_attempt(self.client, self.quiz)
            self.fields = {}
        position = self.attempt.current_position
        if position not in self.fields:
            # The fields as the page shows them; names of other questions and attempts become foreign names.
            fields = form_on(self.client.get(self.url(position)), self.url(position)).fields
            self.fields[position] = fields
            self.breaker.foreign_names.update(fields)
        return position

    def tries_used(self, position: int) -> int:
        step_attempt = self.attempt.step_attempts.filter(step__position=position).first()
        return step_attempt.tries_used if step_attempt else 0

    def answer(self, position: int, answer) -> None:
        """A real try, as a browser sends it (key or wrong answers), to move on or to allow "show the answer"."""
        step = self.steps[position]
        data = step_post(self.attempt, step, answers_for(step, self.attempt, answer), self.tries_used(position) + 1)
        response = self.client.post(self.url(position), data)
        assert response.status_code == 302, response.status_code


def walk_the_steps(quiz, endpoint: str, *, give_up: bool):
    rng, poster = random.Random(f"{SEED}:{endpoint}"), Poster(endpoint)
    client = Client(raise_request_exception=False)
    breaker = Breaker(rng)
    walker = Walker(client, quiz, breaker)
    walker.attempt = start_attempt(client, quiz)
    positions_fuzzed = Counter()
    posts_here = 0

    while poster.posts < POSTS[endpoint]:
        position = walker.current()
        if give_up and rng.random() < 0.7 and not walker.tries_used(position):
            walker.answer(position, wrong_answer)  # "show the answer" needs a try first
        elif not give_up and posts_here >= 50:
            walker.answer(position, key_answer)  # move on, so every step is fuzzed
            posts_here = 0
            continue
        target = position if rng.random() < 0.85 else rng.choice([*walker.steps, 0, 99])
        keep = {"give_up": rng.choice(["1", "", *rng.choices(NUMBERS + AWKWARD, k=1)])} if give_up else {}
        fields = walker.fields[position]
        data = breaker.break_(fields, **keep)
        if not give_up:
            data.pop("give_up", None)
            if "try_number" in fields and rng.random() < 0.5:
                data["try_number"] = [str(walker.tries_used(position) + 1)]  # a try the server expects
        response = poster.post(client, walker.url(target), breaker.body(data))
        positions_fuzzed[target] += 1
        posts_here += 1
        if response.status_code == 302:
            walker.attempt.refresh_from_db()
            if walker.attempt.current_position != position:
                posts_here = 0

    assert set(walker.steps) <= set(positions_fuzzed), positions_fuzzed
    return poster


def test_a_quiz_step(quiz):
    poster = walk_the_steps(quiz, "step", give_up=False)

    poster.check(expected_statuses={200, 302})


def test_show_the_answer_at_a_quiz_step(quiz):
    poster = walk_the_steps(quiz, "give_up", give_up=True)

    poster.check(expected_statuses={302})


USERNAMES = ["editor", "learner", "former", "Editor", "EDITOR", " editor", "editor ", "nobody"]
NEXTS = ["/", "/admin/", "//evil.example/", "https://evil.example/", "javascript:alert(1)", "/\\evil.example",
         "\r\nSet-Cookie: x=1", "/%00", "/" + "a" * HUGE]  # fmt: skip


def sign_in_posts(endpoint: str, url_name: str, people):
    rng, poster = random.Random(f"{SEED}:{endpoint}"), Poster(endpoint)
    client = Client(raise_request_exception=False)
    breaker = Breaker(rng)
    url = reverse(url_name)
    fields = form_on(client.get(url), url).fields
    fields.setdefault("next", [])
    fields["username"] += USERNAMES + ["u" * n for n in (150, 151, 255, 256, 300)]
    fields["password"] += [PASSWORD, "wrong", "Winter2026!", "Winter2026!"]
    fields["next"] += NEXTS
    # Mostly one address, so its limits are reached; a few others, which are not locked with it.
    addresses = ["203.0.113.5"] * 8 + ["198.51.100.7", "2001:db8::1"]

    while poster.posts < POSTS[endpoint]:
        if poster.posts % 150 == 0:
            # A fresh throttle now and then: in each 150 posts some are locked out (five wrong passwords for one
            # username, thirty from one address), most are not.
            AccessAttempt.objects.all().delete()
        data = breaker.break_(fields)
        poster.post(client, url, breaker.body(data), REMOTE_ADDR=rng.choice(addresses))
        if "_auth_user_id" in client.session:
            client.logout()

    return poster


def test_the_sign_in_page(people):
    poster = sign_in_posts("login", "login", people)

    poster.check(expected_statuses={200, 302, 429})
    assert poster.statuses[429] < poster.posts / 3, poster.statuses  # the lockout did not take over


def test_the_admins_sign_in_page(people):
    poster = sign_in_posts("admin_login", "admin:login", people)

    poster.check(expected_statuses={200, 302, 429})
    assert poster.statuses[429] < poster.posts / 3, poster.statuses
