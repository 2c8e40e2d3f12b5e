"""A learner's quiz attempts and answers, for their "My data" page and the deletion of their account.

Found by ``accounts.personal_data`` (it reads ``SECTIONS`` from every installed app's ``personal_data`` module),
so this module imports nothing from ``accounts``. When a learner deletes their account, the site's
``DELETED_LEARNERS_ATTEMPTS`` setting says whether their attempts go with it or stay, with no link to anyone
(no account, no browser owner), in the educators' statistics: ``Attempt.objects.first_completed`` counts such an
attempt as a learner of its own.
"""

from __future__ import annotations

import json

from django.utils import timezone

from quiz.models import Attempt, Response
from quiz.selectors import answer_of


def _when(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _number(value) -> float | None:
    return None if value is None else float(value)


def answer_in_words(response: Response) -> str:
    """The answer as the learner's review words it (``selectors.answer_of``); empty if that fails."""
    try:
        return "; ".join(answer_of(response.step_attempt.attempt, response.question, response))
    except (KeyError, ValueError, TypeError):
        # A kind removed since, or a raw answer of an older shape: the raw answer column still holds it all.
        return ""


#: What the mark and verdict of an answer say while its quiz keeps the answers back.
HELD = "held until the quiz shows its answers"


class AttemptsSection:
    key = "quiz_attempts"
    title = "Your quiz attempts"
    description = "Each time you started a case's quiz: when, how far you got and your score."
    columns = [
        ("attempt", "Attempt"),
        ("quiz", "Quiz"),
        ("case", "Case"),
        ("mode", "Mode"),
        ("is_preview", "Educator preview"),
        ("state", "State"),
        ("current_step", "Step reached"),
        ("score", "Score"),
        ("max_score", "Out of"),
        ("started_at", "Started"),
        ("finished_at", "Finished"),
    ]

    def rows(self, user) -> list[dict]:
        attempts = Attempt.objects.filter(user=user).select_related("quiz__case").order_by("started_at", "pk")
        return [
            {
                "attempt": str(attempt.token),
                "quiz": attempt.quiz.title,
                "case": attempt.quiz.case.title,
                "mode": attempt.get_mode_display(),
                "is_preview": attempt.is_preview,
                "state": attempt.get_state_display(),
                "current_step": attempt.current_position,
                "score": _number(attempt.score),
                "max_score": _number(attempt.max_score),
                "started_at": _when(attempt.started_at),
                "finished_at": _when(attempt.finished_at),
            }
            for attempt in attempts
        ]

    def erase(self, user, *, anonymise_attempts: bool) -> None:
        attempts = Attempt.objects.filter(user=user)
        if anonymise_attempts:
            # Kept for the statistics with nothing that leads back to the learner or their browser.
            attempts.update(user=None, owner_hash="")
        else:
            # Step attempts and answers go with them (CASCADE).
            attempts.delete()


class AnswersSection:
    key = "quiz_answers"
    title = "Your answers"
    description = (
        "Every answer you gave, try by try, with the mark the grader gave it (once the quiz shows its answers)."
    )
    columns = [
        ("attempt", "Attempt"),
        ("quiz", "Quiz"),
        ("step", "Step"),
        ("question", "Question"),
        ("try_number", "Try"),
        ("answer", "Your answer"),
        ("raw_answer", "Answer as stored"),
        ("certainty", "Your certainty"),
        ("fraction", "Mark (0 to 1)"),
        ("state", "Judged"),
        ("submitted_at", "Answered"),
    ]

    def rows(self, user) -> list[dict]:
        responses = (
            Response.objects.filter(step_attempt__attempt__user=user)
            .select_related("question", "step_attempt__step", "step_attempt__attempt__quiz")
            .order_by(
                "step_attempt__attempt__started_at",
                "step_attempt__step__position",
                "question__position",
                "try_number",
            )
        )
        now = timezone.now()
        rows = []
        for response in responses:
            step = response.step_attempt.step
            # While an exam keeps its answers back (in progress, review after closing or never), so does this
            # page: which answers were right would otherwise be one download away.
            shown = response.step_attempt.attempt.answers_visible(now)
            rows.append(
                {
                    "attempt": str(response.step_attempt.attempt.token),
                    "quiz": response.step_attempt.attempt.quiz.title,
                    "step": f"{step.position}. {step.title}",
                    "question": response.question.prompt,
                    "try_number": response.try_number,
                    "answer": answer_in_words(response),
                    "raw_answer": json.dumps(response.raw, ensure_ascii=False, sort_keys=True),
                    "certainty": response.get_certainty_display() if response.certainty else None,
                    "fraction": response.fraction if shown else None,
                    "state": response.state if shown else HELD,
                    "submitted_at": _when(response.submitted_at),
                }
            )
        return rows

    def erase(self, user, *, anonymise_attempts: bool) -> None:
        # Answers belong to attempts: AttemptsSection deletes or anonymises them together.
        return None


SECTIONS = [AttemptsSection(), AnswersSection()]
