"""The quiz's guide to reading a case (see ``cases.reading``).

Before its quiz, a case page shows only the case's beginning (what the quiz's first step shows), with a
way into the whole case for a reader who wants it. While an exam on the case is open to the learner,
the case shows only what their attempt has reached, and nothing opens the rest until the exam is over.
"""

from django.utils import timezone

from cases.models import Case
from cases.reading import Panel, Reading
from quiz.kinds.hotspot import figures_assessed_from, identifying_alt_text
from quiz.models import Quiz
from quiz.ownership import owner_secret
from quiz.selectors import attempts_in_progress, exam_hold, held_case_ids

PANEL = "quiz/_case_call.html"


class QuizGuide:
    def reading(self, case: Case, *, user, session, whole_asked: bool) -> Reading | None:
        secret = owner_secret(session)
        hold = exam_hold(case, user=user, owner_secret=secret, now=timezone.now())
        if hold is not None:
            context = _call(hold.quiz, user, secret)
            position = context["in_progress"].current_position if context["in_progress"] else 1
            assessed = figures_assessed_from(hold.quiz.pk, position)
            return Reading(
                section_ids=hold.section_ids,
                figure_ids=hold.figure_ids,
                locked=True,
                panel=PANEL,
                figure_held="quiz/figure_held.html",
                context=context,
                alt_texts={figure.pk: identifying_alt_text(figure) for figure in assessed},
            )
        quiz = Quiz.objects.published().filter(case=case).order_by("title").first()
        if quiz is None:
            return None
        if whole_asked:
            return Reading(link_query="?whole=1", panel=PANEL, context=_call(quiz, user, secret))
        sections, figures = _opening(quiz)
        return Reading(section_ids=sections, figure_ids=figures, panel=PANEL, context=_call(quiz, user, secret))

    def cases_with_hidden_keywords(self, *, user, session) -> set[int]:
        return held_case_ids(user=user, owner_secret=owner_secret(session), now=timezone.now())

    def case_list_panels(self, *, user, session) -> list[Panel]:
        attempts = attempts_in_progress(user=user, owner_secret=owner_secret(session))
        return [Panel("quiz/_carry_on.html", {"attempts": attempts})] if attempts else []


def _call(quiz: Quiz, user, secret: str) -> dict:
    """What the quiz's call on the case page needs: the quiz, and the learner's attempt in progress, if any."""
    in_progress = attempts_in_progress(user=user, owner_secret=secret, quiz=quiz)
    return {"quiz": quiz, "in_progress": in_progress[0] if in_progress else None}


def _opening(quiz: Quiz) -> tuple[frozenset[int], frozenset[int]]:
    """The sections and figures a quiz's first step shows."""
    opening = quiz.steps.order_by("position").first()
    if opening is None:
        return frozenset(), frozenset()
    return (
        frozenset(opening.reveals_sections.values_list("pk", flat=True)),
        frozenset(opening.reveals_figures.values_list("pk", flat=True)),
    )
