"""The quiz's guide to reading a case (see ``cases.reading``).

Before its quiz, a case page shows only the case's beginning (what the quiz's first step shows), with a
way into the whole case for a reader who wants it. While an exam on the case is open to the learner,
the case shows only what their attempt has reached, and nothing opens the rest until the exam is over.
"""

from django.utils import timezone

from cases.models import Case
from cases.reading import Reading
from quiz.models import Quiz
from quiz.ownership import owner_secret
from quiz.selectors import exam_hold, held_case_ids

PANEL = "quiz/_case_call.html"


class QuizGuide:
    def reading(self, case: Case, *, user, session, whole_asked: bool) -> Reading | None:
        hold = exam_hold(case, user=user, owner_secret=owner_secret(session), now=timezone.now())
        if hold is not None:
            return Reading(
                section_ids=hold.section_ids,
                figure_ids=hold.figure_ids,
                locked=True,
                panel=PANEL,
                figure_held="quiz/figure_held.html",
                context={"quiz": hold.quiz},
            )
        quiz = Quiz.objects.published().filter(case=case).order_by("title").first()
        if quiz is None:
            return None
        if whole_asked:
            return Reading(link_query="?whole=1", panel=PANEL, context={"quiz": quiz})
        sections, figures = _opening(quiz)
        return Reading(section_ids=sections, figure_ids=figures, panel=PANEL, context={"quiz": quiz})

    def cases_with_hidden_keywords(self, *, user, session) -> set[int]:
        return held_case_ids(user=user, owner_secret=owner_secret(session), now=timezone.now())


def _opening(quiz: Quiz) -> tuple[frozenset[int], frozenset[int]]:
    """The sections and figures a quiz's first step shows."""
    opening = quiz.steps.order_by("position").first()
    if opening is None:
        return frozenset(), frozenset()
    return (
        frozenset(opening.reveals_sections.values_list("pk", flat=True)),
        frozenset(opening.reveals_figures.values_list("pk", flat=True)),
    )
