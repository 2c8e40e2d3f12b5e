from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cases.models import Case, Figure, KeyPoint
from quiz.models import Quiz
from quiz.ownership import owner_secret
from quiz.selectors import exam_hold, held_case_ids

CASES_PER_PAGE = 20


def case_list(request):
    query = request.GET.get("q", "").strip()[:200]
    cases = Case.objects.published().only("title", "slug", "teaser", "specialty", "keywords")
    if query:
        held = held_case_ids(user=request.user, owner_secret=owner_secret(request.session), now=timezone.now())
        cases = cases.search(query, shown_only=held)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"page": page, "query": query})


def _case_for(request, slug: str, *prefetch) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user).prefetch_related(*prefetch), slug=slug)


def case_detail(request, slug):
    case = _case_for(
        request,
        slug,
        "sections",
        Prefetch("figures", queryset=Figure.objects.prefetch_related("renditions")),
        "references",
        Prefetch("key_points", queryset=KeyPoint.objects.select_related("reference")),
    )
    sections = list(case.sections.all())
    figures = list(case.figures.all())
    quiz = _published_quiz(case)
    hold = _exam_hold(request, case)
    whole = quiz is None or (request.GET.get("whole") == "1" and hold is None)
    if not whole:
        opening_sections, opening_figures = _opening(hold.quiz if hold else quiz)
        sections = [s for s in sections if s.pk in opening_sections]
        figures = [f for f in figures if f.pk in opening_figures]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "quiz": hold.quiz if hold else quiz,
            "exam_hold": hold,
            "whole": whole,
            "sections": sections,
            "figures": figures,
            "has_illustrations": any(f.is_illustration for f in figures),
            "key_points": case.key_points.all() if whole else [],
            "references": case.references.all() if whole else [],
            "view_query": "?whole=1" if quiz and whole else "",
        },
    )


def _exam_hold(request, case: Case):
    return exam_hold(case, user=request.user, owner_secret=owner_secret(request.session), now=timezone.now())


def figure_detail(request, slug, label):
    case = _case_for(request, slug, Prefetch("figures", queryset=Figure.objects.prefetch_related("renditions")))
    figures = list(case.figures.all())
    figure = next((f for f in figures if f.label == label), None)
    if figure is None:
        raise Http404("No such figure in this case.")
    quiz = _published_quiz(case)
    hold = _exam_hold(request, case)
    if hold is not None:
        if figure.pk not in hold.figure_ids:
            return render(
                request, "cases/figure_held.html", {"case": case, "figure": figure, "quiz": hold.quiz}, status=403
            )
        # During an exam, only the figures the learner has reached, and no way into the whole case.
        figures = [f for f in figures if f.pk in hold.figure_ids]
        whole = False
    else:
        opening_figures = _opening(quiz)[1] if quiz else set()
        # Stay in the view the learner came from: the case's beginning, or the whole case.
        whole = quiz is None or request.GET.get("whole") == "1" or figure.pk not in opening_figures
        if not whole:
            figures = [f for f in figures if f.pk in opening_figures]
    index = figures.index(figure)
    return render(
        request,
        "cases/figure_detail.html",
        {
            "case": case,
            "figure": figure,
            "previous": figures[index - 1] if index > 0 else None,
            "next": figures[index + 1] if index + 1 < len(figures) else None,
            "view_query": "?whole=1" if quiz and whole else "",
        },
    )


def _published_quiz(case: Case) -> Quiz | None:
    return Quiz.objects.published().filter(case=case).order_by("title").first()


def _opening(quiz: Quiz) -> tuple[set[int], set[int]]:
    """The sections and figures a quiz's first step shows.

    The quiz reveals the case step by step, so before it the case page shows only its beginning.
    """
    opening = quiz.steps.order_by("position").first()
    if opening is None:
        return set(), set()
    return (
        set(opening.reveals_sections.values_list("pk", flat=True)),
        set(opening.reveals_figures.values_list("pk", flat=True)),
    )
