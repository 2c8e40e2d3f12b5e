"""Who may open an attempt: no session key is stored or shown, and a browser's attempts follow its learner."""

import random
import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from quiz.models import Attempt, Question, Quiz
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import load_demo_quiz
from quiz.tests.test_walkthrough import start, submit

pytestmark = pytest.mark.django_db
PASSWORD = "a long learner password"


def session_keys() -> set[str]:
    return set(Session.objects.values_list("session_key", flat=True))


def test_no_attempt_stores_a_session_key_and_no_admin_page_shows_one(client, django_user_model, make_educator):
    """The takeover: an educator copied a superuser's session key from a preview attempt's admin page."""
    quiz = load_demo_quiz()
    superuser = django_user_model.objects.create_superuser("boss", password=PASSWORD)
    boss = type(client)()
    boss.force_login(superuser)
    boss.post(reverse("quiz:preview", args=[quiz.slug]))
    learner = django_user_model.objects.create_user("learner", password=PASSWORD)
    signed_in = type(client)()
    signed_in.force_login(learner)
    signed_in.post(reverse("quiz:start", args=[quiz.slug]))
    anonymous = type(client)()
    anonymous.post(reverse("quiz:start", args=[quiz.slug]))
    assert Attempt.objects.count() == 3
    keys = session_keys()
    assert len(keys) >= 3

    stored = {str(value) for attempt in Attempt.objects.values() for value in attempt.values()}
    assert not stored & keys, "an attempt stores a value equal to a session key"

    educator = make_educator(password=PASSWORD)
    client.force_login(educator)
    keys = session_keys()
    pages = [reverse("admin:quiz_attempt_changelist"), reverse("admin:quiz_attempt_changelist") + "?preview=yes"]
    pages += [reverse("admin:quiz_attempt_change", args=[a.pk]) for a in Attempt.objects.all()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not [key for key in keys if key in body], f"{url} shows a session key"
        assert "Session key" not in body and "owner" not in body.lower()


def test_a_stolen_attempt_address_is_no_use_to_another_browser(client):
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    stranger = type(client)()
    assert stranger.get(reverse("quiz:step", args=[attempt.token, 1])).status_code == 404
    assert stranger.get(reverse("quiz:review", args=[attempt.token])).status_code == 404


def test_signing_in_from_the_quiz_page_keeps_the_attempt_in_progress(client, django_user_model):
    """The learner follows "Sign in to keep it with your account" half-way through, and carries on."""
    learner = django_user_model.objects.create_user("learner", password=PASSWORD)
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    submit(client, attempt, quiz.steps.get(position=1))
    old_key = client.session.session_key

    start_page = client.get(reverse("quiz:start", args=[quiz.slug])).content.decode()
    login_url = re.search(r'href="(/accounts/login/\?next=[^"]+)"', start_page).group(1).replace("&amp;", "&")
    signed_in = client.post(login_url, {"username": "learner", "password": PASSWORD}, follow=True)
    assert signed_in.status_code == 200
    assert client.session.session_key != old_key, "the session key rotates at sign-in"

    step_2 = client.get(reverse("quiz:step", args=[attempt.token, 2]))
    assert step_2.status_code == 200
    assert "Step 2 of" in step_2.content.decode()
    attempt.refresh_from_db()
    assert attempt.user == learner and attempt.owner_hash == ""
    assert "in progress, at step 2" in client.get(reverse("quiz:start", args=[quiz.slug])).content.decode()

    client.post(reverse("logout"))
    assert client.get(reverse("quiz:step", args=[attempt.token, 2])).status_code == 404, "signed out: not theirs"


def test_pages_with_a_learners_answers_are_never_cached(client):
    quiz = load_demo_quiz()
    attempt = start(client, quiz)
    step = quiz.steps.get(position=1)
    submit(client, attempt, step)
    urls = [
        reverse("quiz:start", args=[quiz.slug]),
        reverse("quiz:attempt", args=[attempt.token]),
        reverse("quiz:step", args=[attempt.token, 1]),  # finished step, with the learner's answers
        reverse("quiz:step", args=[attempt.token, 2]),
        reverse("quiz:review", args=[attempt.token]),
    ]
    for url in urls:
        header = client.get(url)["Cache-Control"]
        assert "private" in header and "no-store" in header, (url, header)


def old_presented_order(token, question_id: int, keys: list[str]) -> list[str]:
    """How the ordering items used to be shuffled: seeded with what the page itself shows."""
    shuffled = list(keys)
    random.Random(f"{token}:{question_id}").shuffle(shuffled)
    if shuffled == keys and len(keys) > 1:
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


def undo_old_shuffle(token, question_id: int, presented: list[str]) -> list[str]:
    """The attack: replay the old shuffle on positions, and put each shown item back where it came from."""
    positions = old_presented_order(token, question_id, list(range(len(presented))))
    recovered = [""] * len(presented)
    for shown_at, came_from in enumerate(positions):
        recovered[came_from] = presented[shown_at]
    return recovered


def test_an_ordering_key_cannot_be_computed_from_the_page(client):
    quiz = make_quiz(kinds=[Question.Kind.ORDERING])
    question = Question.objects.get(step__quiz=quiz)
    key = [o.key for o in question.options.order_by("position")]
    texts = {o.text: o.key for o in question.options.all()}
    # The attack works on the old shuffle (a check that the attack itself is right).
    fake_token = "0f0f0f0f-0000-4000-8000-000000000000"
    assert undo_old_shuffle(fake_token, question.pk, old_presented_order(fake_token, question.pk, key)) == key

    recovered_right = 0
    shown_orders = set()
    for _ in range(30):
        attempt = Attempt.objects.get(token=client.post(reverse("quiz:start", args=[quiz.slug])).url.split("/")[-2])
        page = client.get(reverse("quiz:step", args=[attempt.token, 1])).content.decode()
        token_in_url = attempt.token
        question_id_in_field_names = int(re.search(r'name="q(\d+)-', page).group(1))
        shown = sorted(texts, key=page.index)  # the items, in the order the page lists them
        presented = [texts[text] for text in shown]
        shown_orders.add(tuple(presented))
        if undo_old_shuffle(token_in_url, question_id_in_field_names, presented) == key:
            recovered_right += 1
    assert len(shown_orders) > 1, "each attempt gets its own order"
    # By chance alone the attack hits 1 time in 6 (the orders of three items); it used to hit every time.
    assert recovered_right < 15, f"the page still gives the order away ({recovered_right} of 30)"


def test_a_practice_quiz_stays_open_to_anyone_signed_out(client):
    quiz = make_quiz(kinds=[Question.Kind.SINGLE_BEST])
    assert quiz.mode == Quiz.Mode.PRACTICE
    response = client.post(reverse("quiz:start", args=[quiz.slug]))
    assert response.status_code == 302 and "/attempts/" in response.url
    assert Attempt.objects.get().owner_hash


def test_the_right_order_may_be_shown_and_answering_it_scores_full_marks(client):
    from quiz.kinds.ordering import presented_order
    from quiz.tests.helpers import step_post

    quiz = make_quiz(kinds=[Question.Kind.ORDERING])
    question = Question.objects.get(step__quiz=quiz)
    key = [o.key for o in question.options.order_by("position")]
    attempt = Attempt.objects.get(token=client.post(reverse("quiz:start", args=[quiz.slug])).url.split("/")[-2])
    for seed in range(1000):  # find a seed whose shuffle happens to come out right (1 in 6)
        attempt.seed = f"{seed:032x}"
        if presented_order(attempt, question, key) == key:
            break
    Attempt.objects.filter(pk=attempt.pk).update(seed=attempt.seed)
    step = quiz.steps.get()
    data = step_post(attempt, step, {question.pk: {"order": key}}, 1)
    client.post(reverse("quiz:step", args=[attempt.token, 1]), data)
    attempt.refresh_from_db()
    assert attempt.is_finished and attempt.score == attempt.max_score
