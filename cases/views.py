import hashlib

from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from cases import page_cache, reading
from cases.models import Case, Figure, KeyPoint

CASES_PER_PAGE = 20


# Each view hands page_cache.serve what identifies its page (worked out only for a visitor who may be served a
# shared page) and how to render it; a signed-in or otherwise personal visitor always gets it rendered.


def case_list(request):
    query = request.GET.get("q", "").strip()[:200]
    number = request.GET.get("page", "1")

    def page():
        # A search is not kept (one more query and a key per query); page numbers are, up to a bound.
        if query or not (number.isdigit() and len(number) <= 4):
            return None
        return page_cache.Page(name=("list", int(number)))

    return page_cache.serve(request, page, lambda: _case_list(request, query))


def _case_list(request, query: str):
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


def _shared_case_page(slug: str, *name) -> page_cache.Page:
    """A page of the case at this address, under its content version (only a published case's page is ever kept:
    page_cache keeps only pages rendered with status 200 for a signed-out visitor)."""
    return page_cache.Page(name=(*name, slug), case_slug=slug)


def case_detail(request, slug):
    whole = request.GET.get("whole") == "1"
    return page_cache.serve(
        request, lambda: _shared_case_page(slug, "case", whole), lambda: _case_detail(request, slug, whole)
    )


def _case_detail(request, slug: str, whole: bool):
    case = _case_for(request, slug)
    view = _reading(request, case, whole_asked=whole)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "reading": view,
            # Read only when the kept fragment is missing (case_detail.html).
            "body": SimpleLazyObject(lambda: _case_body(case, view)),
            "reading_key": _reading_key(view),
            **page_cache.shared_fragments(case.slug),
        },
    )


def _case_body(case: Case, view: reading.Reading) -> dict:
    """What the case page shows of the case below its title (cases/_case_body.html)."""
    prefetch_related_objects(
        [case],
        "sections",
        Prefetch("figures", queryset=Figure.objects.prefetch_related("renditions")),
        "references",
        Prefetch("key_points", queryset=KeyPoint.objects.select_related("reference")),
    )
    figures = _shown(view, case.figures.all())
    return {
        "sections": [s for s in case.sections.all() if view.shows_section(s)],
        "figures": figures,
        "has_illustrations": any(f.is_illustration for f in figures),
        # The key points and references give the answers away: only with the whole case.
        "key_points": case.key_points.all() if view.whole else [],
        "references": case.references.all() if view.whole else [],
    }


def _reading_key(view: reading.Reading) -> str:
    """Tells apart the readings that show a different case body: which parts, which text alternatives, which links."""
    parts = (
        sorted(view.section_ids) if view.section_ids is not None else None,
        sorted(view.figure_ids) if view.figure_ids is not None else None,
        sorted(view.alt_texts.items()),
        view.link_query,
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def figure_detail(request, slug, label):
    whole = request.GET.get("whole") == "1"
    return page_cache.serve(
        request,
        lambda: _shared_case_page(slug, "figure", label, whole),
        lambda: _figure_detail(request, slug, label, whole),
    )


def _figure_detail(request, slug: str, label: str, whole: bool):
    case = _case_for(request, slug, Prefetch("figures", queryset=Figure.objects.prefetch_related("renditions")))
    figure = next((f for f in case.figures.all() if f.label == label), None)
    if figure is None:
        raise Http404("No such figure in this case.")
    view = _reading(request, case, whole_asked=whole)
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
