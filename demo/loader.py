"""Load the demo case into the database. Running it again updates the case in place."""

import functools
import io

from django.conf import settings
from django.db import transaction
from django.db.models import F

from cases.images import clean_upload
from cases.models import Case, Figure, KeyPoint, Reference, Section
from cases.services import figure_attach_image, masters_storage
from demo import case as calcinosis
from demo.figures import draw_figure


@transaction.atomic
def load_calcinosis_case() -> Case:
    fields = dict(calcinosis.CASE)
    case, _ = Case.objects.update_or_create(slug=fields.pop("slug"), defaults=fields)

    for position, kind, heading, body in calcinosis.SECTIONS:
        Section.objects.update_or_create(
            case=case, position=position, defaults={"kind": kind, "heading": heading, "body": body}
        )
    case.sections.exclude(position__in=[s[0] for s in calcinosis.SECTIONS]).delete()

    references = {}
    for number, citation in calcinosis.REFERENCES:
        references[number], _ = Reference.objects.update_or_create(
            case=case, number=number, defaults={"citation": citation, "url": ""}
        )
    case.references.exclude(number__in=references).delete()

    keys = [point[0] for point in calcinosis.KEY_POINTS]
    # Move kept points out of the way first, so re-numbered positions never collide mid-update.
    case.key_points.exclude(key__in=keys).delete()
    case.key_points.update(position=F("position") + 1000)
    for position, (key, statement, quote, reference_number, note) in enumerate(calcinosis.KEY_POINTS, start=1):
        KeyPoint.objects.update_or_create(
            case=case,
            key=key,
            defaults={
                "position": position,
                "statement": statement,
                "quote": quote,
                "reference": references.get(reference_number),
                "teaching_note": note,
            },
        )

    labels = [figure[0] for figure in calcinosis.FIGURES]
    case.figures.exclude(label__in=labels).delete()
    for label, position, modality, body_site, caption, alt_text in calcinosis.FIGURES:
        figure, _ = Figure.objects.update_or_create(
            case=case,
            label=label,
            defaults={
                "position": position,
                "modality": modality,
                "body_site": body_site,
                "caption": caption,
                "alt_text": alt_text,
                "assessed_alt_text": calcinosis.ASSESSED_ALT_TEXTS.get(label, ""),
                "is_illustration": True,
                "source": calcinosis.FIGURE_SOURCE,
                "licence": calcinosis.FIGURE_LICENCE,
                "consent_recorded": False,
            },
        )
        if not _image_files_present(figure):
            figure_attach_image(figure=figure, image=_drawn_image(label))
    return case


@functools.cache
def _drawn_png(label: str) -> bytes:
    """Drawing takes a second or two a figure and always gives the same picture, so draw each once."""
    buffer = io.BytesIO()
    draw_figure(label).save(buffer, "PNG")
    return buffer.getvalue()


def _drawn_image(label: str):
    return clean_upload(
        io.BytesIO(_drawn_png(label)),
        max_bytes=settings.FIGURE_MAX_UPLOAD_BYTES,
        max_pixels=settings.FIGURE_MAX_PIXELS,
    )


def _image_files_present(figure: Figure) -> bool:
    if not figure.master_name or not masters_storage().exists(figure.master_name):
        return False
    renditions = list(figure.renditions.all())
    return bool(renditions) and all(r.file.storage.exists(r.file.name) for r in renditions)
