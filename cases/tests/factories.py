"""Small builders for test data. Every figure goes through the real image pipeline."""

import io
import itertools

from PIL import Image

from cases.images import clean_upload
from cases.models import Case, Figure, KeyPoint, Reference, Section
from cases.services import figure_attach_image

_numbers = itertools.count(1)


def png_bytes(width: int = 800, height: int = 600, colour=(200, 120, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def make_case(**fields) -> Case:
    n = next(_numbers)
    defaults = {
        "title": f"Case {n}",
        "slug": f"case-{n}",
        "teaser": f"Teaser {n}",
        "status": Case.Status.PUBLISHED,
        "specialty": "Dermatology",
    }
    return Case.objects.create(**{**defaults, **fields})


def make_section(case: Case, position: int, heading: str = "", body: str = "", **fields) -> Section:
    return Section.objects.create(
        case=case, position=position, heading=heading or f"Section {position}", body=body or "Text.", **fields
    )


def make_figure(case: Case, position: int = 1, label: str = "", width: int = 800, height: int = 600, **fields):
    figure = Figure.objects.create(
        case=case,
        position=position,
        label=label or f"1{chr(64 + position)}",
        caption=fields.pop("caption", "A caption."),
        alt_text=fields.pop("alt_text", "What the image shows."),
        **fields,
    )
    clean = clean_upload(io.BytesIO(png_bytes(width, height)), max_bytes=10_000_000, max_pixels=40_000_000)
    return figure_attach_image(figure=figure, image=clean)


def make_reference(case: Case, number: int = 1, citation: str = "A reference.") -> Reference:
    return Reference.objects.create(case=case, number=number, citation=citation)


def make_key_point(case: Case, position: int = 1, **fields) -> KeyPoint:
    defaults = {"key": f"point-{position}", "statement": f"Statement {position}.", "quote": f"Quote {position}."}
    return KeyPoint.objects.create(case=case, position=position, **{**defaults, **fields})
