from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from cases import reading
from cases.models import Case, Figure, KeyPoint

CASES_PER_PAGE = 20


def case_list(request):
    query = request.GET.get("q", "").strip()[:200]
    cases = Case.objects.published().only("title", "slug", "teaser", "specialty", "keywords")
    if query:
        hidden = reading.cases_with_hidden_keywords(user=request.user, session=request.session)
        cases = cases.search(query, shown_only=hidden)
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    panels = reading.case_list_panels(user=request.user, session=request.session)
    return render(request, "cases/case_list.html", {"page": page, "query": query, "panels": panels})


def _case_for(request, slug: str, *prefetch) -> Case:
    return get_object_or_404(Case.objects.visible_to(request.user).prefetch_related(*prefetch), slug=slug)


def _reading(request, case: Case, *, whole_asked: bool) -> reading.Reading:
    return reading.reading_for(case, user=request.user, session=request.session, whole_asked=whole_asked)


def case_detail(request, slug):
    case = _case_for(
        request,
        slug,
        "sections",
        Prefetch("figures", queryset=Figure.objects.prefetch_related("renditions")),
        "references",
        Prefetch("key_points", queryset=KeyPoint.objects.select_related("reference")),
    )
    view = _reading(request, case, whole_asked=request.GET.get("whole") == "1")
    figures = _shown(view, case.figures.all())
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "reading": view,
            "sections": [s for s in case.sections.all() if view.shows_section(s)],
            "figures": figures,
            "has_illustrations": any(f.is_illustration for f in figures),
            # The key points and references give the answers away: only with the whole case.
            "key_points": case.key_points.all() if view.whole else [],
            "references": case.references.all() if view.whole else [],
        },
    )


def figure_detail(request, slug, label):
    case = _case_for(request, slug, Prefetch("figures", queryset=Figure.objects.prefetch_related("renditions")))
    figure = next((f for f in case.figures.all() if f.label == label), None)
    if figure is None:
        raise Http404("No such figure in this case.")
    view = _reading(request, case, whole_asked=request.GET.get("whole") == "1")
    if not view.shows_figure(figure):
        if view.locked:
            context = {"case": case, "figure": figure, "reading": view}
            return render(request, view.figure_held, context, status=403)
        # A figure beyond the case's beginning opens in the whole case.
        view = _reading(request, case, whole_asked=True)
    figures = _shown(view, case.figures.all())
    index = figures.index(figure)
    return render(
        request,
        "cases/figure_detail.html",
        {
            "case": case,
            "figure": figure,
            "reading": view,
            "previous": figures[index - 1] if index > 0 else None,
            "next": figures[index + 1] if index + 1 < len(figures) else None,
        },
    )


def _shown(view: reading.Reading, figures) -> list[Figure]:
    """The figures this reader sees, each with the text alternative to use (``shown_alt``)."""
    shown = [f for f in figures if view.shows_figure(f)]
    for figure in shown:
        figure.shown_alt = view.alt_texts.get(figure.pk, figure.alt_text)
    return shown
