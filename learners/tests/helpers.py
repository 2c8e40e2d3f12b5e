"""Playing the demo quiz as a signed-in learner, and answering review questions as a browser would."""

from types import SimpleNamespace

from django.urls import reverse

from learners import selectors
from learners.models import ReviewItem
from quiz.forms import StepForm
from quiz.models import Attempt, Quiz
from quiz.tests.helpers import answers_for, key_answer, step_post, wrong_answer

#: Steps of the demo quiz answered wrong in the walkthroughs: the four groups (matching) and the
#: rheumatoid nodules (multiple response, two key points).
WRONG_STEPS = {3, 5}


def play(client, quiz: Quiz, *, upto: int | None = None, wrong=frozenset(WRONG_STEPS)) -> Attempt:
    """Start an attempt through the pages and answer its steps (all, or up to ``upto``), some wrong."""
    response = client.post(reverse("quiz:start", args=[quiz.slug]))
    attempt = Attempt.objects.get(token=response.url.rstrip("/").split("/")[-1])
    for step in quiz.steps.order_by("position"):
        if upto is not None and step.position > upto:
            break
        answer = wrong_answer if step.position in wrong else key_answer
        data = step_post(attempt, step, answers_for(step, attempt, answer), 1)
        client.post(reverse("quiz:step", args=[attempt.token, step.position]), data)
    attempt.refresh_from_db()
    return attempt


def review_post(item: ReviewItem, answer=key_answer) -> dict:
    """What a browser posts for the item's review question, answered with ``answer``."""
    question = selectors.review_question(item)
    round_ = selectors.review_round(item, question)
    form = StepForm(attempt=round_, questions=[question])
    form.fill_from_responses([SimpleNamespace(question_id=question.pk, raw=answer(question, round_))])
    return {"round": str(item.round_token), "try_number": "1", "action": "submit", **form.posted_data()}
