"""Options, statements, stems and choices are shown in an order drawn for each attempt, and kept with it.

Orders are read from the pages a learner gets, as a browser sees them: the answer fields in the order the
HTML lists them, their opaque values turned back into option keys with the attempt's tokens.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from quiz.forms import token
from quiz.kinds import get_kind
from quiz.models import Attempt, Option, Question, Quiz, Response
from quiz.services import step_submit
from quiz.tests.factories import make_quiz
from quiz.tests.helpers import answers_for, key_answer, load_demo_quiz, step_post, wrong_answer

pytestmark = pytest.mark.django_db

Kind = Question.Kind
SHUFFLED_KINDS = [Kind.SINGLE_BEST, Kind.MULTIPLE_RESPONSE, Kind.MULTIPLE_TRUE_FALSE, Kind.MATCHING]


class AnswerFields(HTMLParser):
    """A page's answer fields in document order: (name, value) of each radio button, checkbox and select
    option, and (name, None) where a select begins; and which of them are checked or selected."""

    def __init__(self, html: str):
        super().__init__()
        self.fields: list[tuple[str, str | None]] = []
        self.chosen: set[tuple[str, str]] = set()
        self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            self.fields.append((attrs["name"], attrs.get("value")))
            if "checked" in attrs:
                self.chosen.add((attrs["name"], attrs.get("value")))
        elif tag == "select":
            self._select = attrs["name"]
            self.fields.append((self._select, None))
        elif tag == "option" and self._select:
            self.fields.append((self._select, attrs.get("value")))
            if "selected" in attrs and attrs.get("value"):
                self.chosen.add((self._select, attrs.get("value")))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def shown_on_page(html: str, attempt: Attempt, question: Question) -> dict[str, list[str]]:
    """The order the page shows the question's options in, in ``Attempt.orders``'s shape (keys by group)."""
    keys = {token(attempt, question, o.key): o.key for o in question.options.all()}
    prefix = f"q{question.pk}"
    fields = AnswerFields(html).fields
    # Each statement or stem is a field of its own, named after it; its first appearance gives its place.
    own_fields = list(dict.fromkeys(name.split("-", 1)[1] for name, _ in fields if name.startswith(f"{prefix}-")))
    match question.kind:
        case Kind.SINGLE_BEST | Kind.MULTIPLE_RESPONSE:
            return {"options": [keys[value] for name, value in fields if name == prefix]}
        case Kind.MULTIPLE_TRUE_FALSE:
            return {"options": [keys[t] for t in own_fields]}
        case Kind.MATCHING:
            first_stem = f"{prefix}-{own_fields[0]}"
            choices = [keys[value] for name, value in fields if name == first_stem and value]
            return {"stems": [keys[t] for t in own_fields], "choices": choices}
    raise AssertionError(question.kind)


def can_move(options) -> bool:
    """Whether a group of options can be shown in more than one order."""
    return sum(not o.pinned for o in options) > 1


def authored(question: Question) -> dict[str, list[str]]:
    kind = get_kind(question.kind)
    return {group: [o.key for o in options] for group, options in kind.option_groups(question).items()}


def start(client, quiz) -> Attempt:
    response = client.post(reverse("quiz:start", args=[quiz.slug]))
    assert response.status_code == 302
    return Attempt.objects.get(token=response.url.rstrip("/").split("/")[-1])


def step_html(client, attempt, position: int) -> str:
    response = client.get(reverse("quiz:step", args=[attempt.token, position]))
    assert response.status_code == 200
    return response.content.decode()


def shuffled_questions(quiz) -> list[Question]:
    questions = Question.objects.filter(step__quiz=quiz, withdrawn=False, kind__in=SHUFFLED_KINDS)
    return list(questions.select_related("step").prefetch_related("options").order_by("step__position", "position"))


def give_texts(quiz) -> None:
    """Unique option texts, none a part of another, so their places in a page can be told apart."""
    for option in Option.objects.filter(question__step__quiz=quiz):
        option.text = f"[{option.question_id}:{option.key}]"
        option.save(update_fields=["text"])


def mentions(html: str, question: Question, keys: list[str]) -> list[str]:
    """The keys whose option texts the page mentions, in the order of their first mention."""
    texts = {key: f"[{question.pk}:{key}]" for key in keys}
    found = [key for key in keys if texts[key] in html]
    return sorted(found, key=lambda key: html.index(texts[key]))


def test_twenty_attempts_of_the_demo_show_the_right_answer_in_more_than_one_place(client):
    quiz = load_demo_quiz()
    questions = shuffled_questions(quiz)
    single_best = [q for q in questions if q.kind == Kind.SINGLE_BEST and can_move(q.options.all())]
    assert single_best, "the demo quiz has single-best-answer questions with options to shuffle"
    right_places: dict[int, set[int]] = {q.pk: set() for q in single_best}
    orders: dict[int, set[tuple]] = {q.pk: set() for q in questions}

    for _ in range(20):
        attempt = start(client, quiz)
        for step in quiz.steps.filter(withdrawn=False).order_by("position"):
            asked = [q for q in questions if q.step_id == step.pk]
            html = step_html(client, attempt, step.position) if asked else ""
            for question in asked:
                shown = shown_on_page(html, attempt, question)
                assert shown == attempt.orders[str(question.pk)], "the page shows the order stored with the attempt"
                orders[question.pk].add(tuple(map(tuple, shown.values())))
                if question in single_best:
                    best = max(question.options.all(), key=lambda o: o.weight)
                    right_places[question.pk].add(shown["options"].index(best.key))
            result = step_submit(attempt=attempt, step=step, try_number=1, raw_responses=answers_for(step, attempt))
            assert result.step_committed
        attempt.refresh_from_db()
        assert attempt.is_finished and attempt.score == attempt.max_score, "grading never depends on the order"

    for question in single_best:
        assert len(right_places[question.pk]) > 1, f"the right answer of {question} is always in the same place"
    for question in questions:
        if any(can_move(group) for group in get_kind(question.kind).option_groups(question).values()):
            assert len(orders[question.pk]) > 1, f"{question} is always shown in the same order"


def test_a_reload_a_second_try_the_committed_step_and_the_review_show_the_attempts_own_order(client):
    quiz = make_quiz(steps=1, kinds=[*SHUFFLED_KINDS, Kind.HOTSPOT])
    give_texts(quiz)
    step = quiz.steps.get()
    questions = shuffled_questions(quiz)
    attempt = start(client, quiz)
    assert set(attempt.orders) == {str(q.pk) for q in questions}
    for question in questions:
        drawn = attempt.orders[str(question.pk)]
        assert {g: sorted(keys) for g, keys in drawn.items()} == {g: sorted(k) for g, k in authored(question).items()}
    # Every group backwards, so that the attempt's order is sure to differ from the authored one.
    own = {str(q.pk): {g: keys[::-1] for g, keys in authored(q).items()} for q in questions}
    Attempt.objects.filter(pk=attempt.pk).update(orders=own)
    attempt.refresh_from_db()
    url = reverse("quiz:step", args=[attempt.token, step.position])

    def assert_own_order(html, where):
        for question in questions:
            assert shown_on_page(html, attempt, question) == own[str(question.pk)], f"{question} {where}"

    assert_own_order(step_html(client, attempt, 1), "on the step page")
    assert_own_order(step_html(client, attempt, 1), "after a reload")
    hotspot = step.questions.get(kind=Kind.HOTSPOT)
    placed = client.post(url, {"try_number": "1", f"q{hotspot.pk}-click.x": "100", f"q{hotspot.pk}-click.y": "80"})
    assert "1 mark placed." in placed.content.decode()
    assert_own_order(placed.content.decode(), "after placing a mark without JavaScript")

    first_try = step_post(attempt, step, answers_for(step, attempt, wrong_answer), 1)
    again = client.post(url, first_try, follow=True).content.decode()
    assert "That was try 1" in again
    assert_own_order(again, "for the second try")
    names = {f"q{q.pk}" for q in questions}
    given = {(name, value) for name, values in first_try.items() if name.split("-")[0] in names
             for value in (values if isinstance(values, list) else [values]) if value}  # fmt: skip
    assert AnswerFields(again).chosen == given, "the second try's form is filled in with the first"

    done = client.post(url, step_post(attempt, step, answers_for(step, attempt), 2), follow=True).content.decode()
    latest = Response.objects.filter(step_attempt__attempt=attempt, try_number=2)
    assert {r.state for r in latest} == {"correct"}, "the key scores 1 whatever the order shown"
    attempt.refresh_from_db()
    assert attempt.is_finished
    review = client.get(reverse("quiz:review", args=[attempt.token])).content.decode()
    # The feedback lists every statement of a true/false question, and every stem of a matching one.
    listed = {q.pk: own[str(q.pk)]["stems" if q.kind == Kind.MATCHING else "options"] for q in questions
              if q.kind in (Kind.MULTIPLE_TRUE_FALSE, Kind.MATCHING)}  # fmt: skip
    for html, where in ((done, "on the committed step"), (review, "in the review")):
        for question in questions:
            if question.pk in listed:
                assert mentions(html, question, listed[question.pk]) == listed[question.pk], f"{question} {where}"


def single_best_with_five_options(pinned=()) -> tuple[Quiz, Question]:
    """A quiz of one single-best-answer question: a (right), b, c, d and "none" (none of these), in that order."""
    quiz = make_quiz(steps=1, kinds=[Kind.SINGLE_BEST])
    question = Question.objects.get(step__quiz=quiz)
    Option.objects.create(question=question, key="c", position=3, text="Option c")
    Option.objects.create(question=question, key="d", position=4, text="Option d")
    Option.objects.create(question=question, key="none", position=5, text="None of these")
    question.options.filter(key__in=pinned).update(pinned=True)
    return quiz, Question.objects.prefetch_related("options").get(pk=question.pk)


def test_a_pinned_option_keeps_its_place_in_every_attempt(client):
    quiz, question = single_best_with_five_options(pinned=["c", "none"])
    shown = []
    for _ in range(12):
        attempt = start(client, quiz)
        shown.append(shown_on_page(step_html(client, attempt, 1), attempt, question)["options"])
    assert all(order[2] == "c" and order[4] == "none" for order in shown), shown
    assert len({tuple(order) for order in shown}) > 1, "the options not pinned are shuffled"


def test_a_preview_shuffles_too(client, make_educator):
    quiz, question = single_best_with_five_options()
    client.force_login(make_educator())
    shown = set()
    for _ in range(8):
        client.post(reverse("quiz:preview", args=[quiz.slug]))
        attempt = Attempt.objects.latest("started_at")
        assert attempt.is_preview
        order = shown_on_page(step_html(client, attempt, 1), attempt, question)
        assert order == attempt.orders[str(question.pk)]
        shown.add(tuple(order["options"]))
    assert len(shown) > 1


def test_an_option_added_after_an_attempt_began_comes_last_and_a_removed_one_is_gone(client):
    quiz, question = single_best_with_five_options()
    attempt = start(client, quiz)
    drawn = attempt.orders[str(question.pk)]["options"]
    # Authored first, but this attempt's order was drawn without it.
    Option.objects.create(question=question, key="late", position=0, text="Added later")
    question.options.filter(key="d").delete()
    question = Question.objects.prefetch_related("options").get(pk=question.pk)

    html = step_html(client, attempt, 1)

    assert shown_on_page(html, attempt, question)["options"] == [k for k in drawn if k != "d"] + ["late"]
    assert attempt.orders[str(question.pk)]["options"] == drawn


def test_without_a_stored_order_an_attempt_shows_one_drawn_from_its_seed(client):
    """Attempts begun before orders were stored, and questions added since an attempt began, have no stored
    order: the authored one would put the right option first every time."""
    quiz = make_quiz(steps=1, kinds=SHUFFLED_KINDS)
    give_texts(quiz)
    step = quiz.steps.get()
    questions = shuffled_questions(quiz)
    single_best = next(q for q in questions if q.kind == Kind.SINGLE_BEST)
    seen = set()
    for _ in range(8):
        attempt = start(client, quiz)
        Attempt.objects.filter(pk=attempt.pk).update(orders={})
        attempt.refresh_from_db()
        shown = {q.pk: shown_on_page(step_html(client, attempt, 1), attempt, q) for q in questions}
        again = {q.pk: shown_on_page(step_html(client, attempt, 1), attempt, q) for q in questions}
        assert again == shown, "the same order on a reload"
        seen.add(repr(shown[single_best.pk]))

        url = reverse("quiz:step", args=[attempt.token, 1])
        client.post(url, step_post(attempt, step, answers_for(step, attempt, key_answer), 1))
        attempt.refresh_from_db()
        assert attempt.is_finished and attempt.score == attempt.max_score
    assert len(seen) > 1
