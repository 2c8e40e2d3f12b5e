"""Helpers for quiz tests: answers in stable keys, turned into the POST a browser would send."""

from types import SimpleNamespace

from django.core.management import call_command

from quiz.forms import StepForm
from quiz.kinds import get_kind
from quiz.kinds.hotspot import zone_shape
from quiz.kinds.ordering import presented_order
from quiz.models import Attempt, Question, Quiz, Step

Kind = Question.Kind
DEMO_QUIZ = "painless-nodules-elbow-knees-quiz"


def load_demo_quiz(**changes) -> Quiz:
    call_command("load_demo", stdout=SimpleNamespace(write=lambda *a, **k: None))
    quiz = Quiz.objects.get(slug=DEMO_QUIZ)
    if changes:
        Quiz.objects.filter(pk=quiz.pk).update(**changes)
        quiz.refresh_from_db()
    return quiz


def key_answer(question: Question, attempt: Attempt) -> dict:
    """The raw response that the key scores 1."""
    return get_kind(question.kind).correct_response(question, attempt)


def wrong_answer(question: Question, attempt: Attempt) -> dict:
    """A raw response that scores 0 but is a real answer (not empty)."""
    options = sorted(question.options.all(), key=lambda o: o.position)
    match question.kind:
        case Kind.SINGLE_BEST:
            return {"choice": min(options, key=lambda o: o.weight).key}
        case Kind.MULTIPLE_RESPONSE:
            return {"ticked": [o.key for o in options if o.weight < 0]}
        case Kind.MULTIPLE_TRUE_FALSE:
            return {"answers": {o.key: "false" if o.is_true else "true" for o in options}}
        case Kind.MATCHING:
            stems = [o for o in options if o.match_key]
            choices = [o.key for o in options if not o.match_key]
            return {"matches": {s.key: next(c for c in choices if c != s.match_key) for s in stems}}
        case Kind.ORDERING:
            keys = [o.key for o in options]
            return {"order": list(reversed(keys)), "presented": presented_order(attempt, question, keys)}
        case Kind.HOTSPOT:
            zone = next(z for z in question.zones.all() if not z.correct)
            return {"marks": [list(zone_shape(zone).centre())], "regions": []}
        case Kind.FREE_TEXT:
            return {"text": "Osler"}
    raise AssertionError(question.kind)


def step_post(attempt: Attempt, step: Step, answers: dict[int, dict], try_number: int) -> dict:
    """The form fields a browser posts for these raw answers (question id -> raw response)."""
    questions = list(step.questions.prefetch_related("options", "zones", "figure__renditions").order_by("position"))
    form = StepForm(attempt=attempt, questions=questions)
    form.fill_from_responses([SimpleNamespace(question_id=q, raw=raw) for q, raw in answers.items()])
    return {"try_number": str(try_number), "action": "submit", **form.posted_data()}


def answers_for(step: Step, attempt: Attempt, answer=key_answer) -> dict[int, dict]:
    return {q.pk: answer(q, attempt) for q in step.questions.prefetch_related("options", "zones", "accepted_answers")}
