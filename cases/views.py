from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from cases.models import Case, Figure, KeyPoint

CASES_PER_PAGE = 20


def case_list(request):
    query = request.GET.get("q", "").strip()[:200]
    cases = Case.objects.published().only("title", "slug", "teaser", "specialty", "keywords")
    if query:
        cases = cases.search(query)
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
    figures = list(case.figures.all())
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "sections": case.sections.all(),
            "figures": figures,
            "has_illustrations": any(f.is_illustration for f in figures),
            "key_points": case.key_points.all(),
            "references": case.references.all(),
        },
    )


def figure_detail(request, slug, label):
    case = _case_for(request, slug, Prefetch("figures", queryset=Figure.objects.prefetch_related("renditions")))
    figures = list(case.figures.all())
    index = next((i for i, f in enumerate(figures) if f.label == label), None)
    if index is None:
        raise Http404("No such figure in this case.")
    return render(
        request,
        "cases/figure_detail.html",
        {
            "case": case,
            "figure": figures[index],
            "previous": figures[index - 1] if index > 0 else None,
            "next": figures[index + 1] if index + 1 < len(figures) else None,
        },
    )
