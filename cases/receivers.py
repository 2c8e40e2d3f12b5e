"""Cached pages forget a case when anything they show of it is saved or deleted (cases.page_cache).

Cache invalidation only: no business logic here. ``QuerySet.update()`` and ``bulk_create()`` send no signals;
where the code uses them on these models (``figure_attach_image``'s new renditions, the demo loader's
renumbering of key points) the same transaction also saves or deletes a row that does, and the versions are
replaced again when it commits. docs/performance.md, "Caching".
"""

from cases import page_cache
from cases.models import Case, Figure, FigureRendition


def case_changed(sender, instance, **kwargs):
    # The list of cases shows each case's title, teaser and specialty, and only published cases.
    page_cache.content_changed(slugs=[instance.slug], case_list=True)


def case_slug_changing(sender, instance, **kwargs):
    """Before a case is saved: if its address changes, the pages kept at the old address are forgotten too."""
    if instance.pk is not None:
        old = Case.objects.filter(pk=instance.pk).exclude(slug=instance.slug).values_list("slug", flat=True).first()
        if old is not None:
            page_cache.content_changed(slugs=[old])


def case_part_changed(sender, instance, **kwargs):
    """A section, figure, key point or reference."""
    page_cache.content_changed(case_ids=[instance.case_id])


def rendition_changed(sender, instance, **kwargs):
    if FigureRendition.figure.is_cached(instance):
        case_id = instance.figure.case_id
    else:
        case_id = Figure.objects.filter(pk=instance.figure_id).values_list("case_id", flat=True).first()
    page_cache.content_changed(case_ids=[case_id])
