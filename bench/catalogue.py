"""The benchmark's catalogue: a site the size of a real one, built in about a minute.

- ``FILLER_CASES`` published cases (default 500), each with three sections, two key points, two references and
  one figure. The filler figures SHARE one image: it goes through the real pipeline once, and the other
  figures' rows point at its master and rendition files (same bytes, same rendition rows). Pages of those cases
  are never loaded by the benchmark; what matters is that the home page lists, counts and sorts 500+ rows.
- Three sized cases (``SIZED_CASES``) of 5, 30 and 60 figures, alike in everything else: 15 sections of
  realistic length, 8 key points, 5 references, and figures that are every one a different photograph-like image
  uploaded as a camera JPEG and put through the real image pipeline (``cases.images.clean_upload`` and
  ``cases.services.figure_attach_image``), so each has its own renditions at every width in WebP and JPEG. Each
  has a 15-step quiz; each step reveals one section and its share of the figures (the 30-figure case two a
  step) and asks one question of every kind (``quiz.samples.make_question``). Only the number of figures
  differs, so a page's cost measured on the three says whether it grows with the case.
  The 30-figure one (``BIG_CASE_SLUG``) is also the case whose page weight is measured.
- The demo case and its quiz (``load_demo``).

Everything is built in the bench process itself (Django set up with ``bench.settings``), before gunicorn starts.
"""

import io
import multiprocessing
import random
import signal
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from PIL import Image, ImageDraw, ImageFilter


@dataclass(frozen=True)
class SizedCase:
    """One of the cases whose pages are measured at several sizes: its number of figures, slugs and title."""

    figures: int
    slug: str
    quiz_slug: str
    title: str
    # Seeds of its images: every figure of every sized case is a different picture.
    first_seed: int


SIZED_CASES = (
    SizedCase(5, "bench-five-figures", "bench-five-figures-quiz", "Five figures", 5000),
    SizedCase(30, "bench-thirty-figures", "bench-thirty-figures-quiz", "Thirty figures", 1000),
    SizedCase(60, "bench-sixty-figures", "bench-sixty-figures-quiz", "Sixty figures", 9000),
)
# The 30-figure case: the one whose page weight is measured.
BIG = SIZED_CASES[1]
BIG_CASE_SLUG = BIG.slug
QUIZ_SLUG = BIG.quiz_slug
BIG_FIGURES = BIG.figures
FILLER_CASES = 500
QUIZ_STEPS = 15
# Uploads as an educator's camera gives them, cropped: big enough for every rendition width (up to 1920).
UPLOAD_SIZE = (2048, 1536)
FILLER_UPLOAD_SIZE = (1600, 1200)

SPECIALTIES = ["Dermatology", "Rheumatology", "Radiology", "Endocrinology", "General medicine", "Orthopaedics"]
WORDS = (
    "patient presented with painless firm nodules over the elbow and knee skin was intact without erythema "
    "serum calcium phosphate and parathyroid hormone were within normal limits radiographs showed dense "
    "calcified deposits in the subcutaneous tissue history of connective tissue disease for many years "
    "examination revealed limited movement tenderness on palpation no lymphadenopathy creatinine was normal "
    "biopsy showed amorphous basophilic material differential diagnosis includes gout tophi rheumatoid nodules "
    "and metastatic calcification treatment options are limited surgical excision may relieve symptoms"
).split()


def _text(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    sentences, start = [], 0
    while start < len(chosen):
        end = start + rng.randint(8, 20)
        sentence = " ".join(chosen[start:end])
        sentences.append(sentence[:1].upper() + sentence[1:] + ".")
        start = end
    return " ".join(sentences)


def _section_body(rng: random.Random, paragraphs: int = 3) -> str:
    """About 200 words of Markdown: paragraphs, some emphasis, sometimes a short list."""
    parts = [_text(rng, rng.randint(50, 80)) for _ in range(paragraphs)]
    parts[0] = parts[0].replace(" calcium ", " **calcium** ", 1)
    if rng.random() < 0.5:
        parts.append("\n".join(f"- {_text(rng, 6)}" for _ in range(3)))
    return "\n\n".join(parts)


def photograph(seed: int, size: tuple[int, int], greyscale: bool = False) -> bytes:
    """A photograph-like JPEG as a camera writes it: shading, shapes, blur, fine texture and grain.

    Plain colours would compress to nothing and pure noise would not compress at all. This compresses about
    like a photograph: its 640-pixel renditions are about 30 KB in WebP and 48 KB in JPEG (docs/performance.md).
    """
    rng = random.Random(seed)
    width, height = size

    def random_image(w, h, low=0, high=256):
        return Image.frombytes("RGB", (w, h), bytes(rng.randrange(low, high) for _ in range(w * h * 3)))

    shading = random_image(16, 12, 60, 230).resize(size, Image.Resampling.BICUBIC)
    texture = random_image(width // 24, height // 24).resize(size, Image.Resampling.BICUBIC)
    image = Image.blend(shading, texture, 0.2)
    draw = ImageDraw.Draw(image)
    for _ in range(25):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(20, 200)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(40, 255) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(3))
    image = Image.blend(image, random_image(width // 4, height // 4).resize(size, Image.Resampling.BICUBIC), 0.1)
    image = Image.blend(image, Image.effect_noise(size, 18).convert("RGB"), 0.1)
    if greyscale:
        image = image.convert("L").convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _attach_photograph(job: tuple[int, int, tuple[int, int], bool]) -> int:
    """Upload one photograph to one figure through the real pipeline (runs in a worker process)."""
    from cases.images import clean_upload
    from cases.models import Figure
    from cases.services import figure_attach_image

    figure_pk, seed, size, greyscale = job
    clean = clean_upload(
        io.BytesIO(photograph(seed, size, greyscale)),
        max_bytes=settings.FIGURE_MAX_UPLOAD_BYTES,
        max_pixels=settings.FIGURE_MAX_PIXELS,
    )
    figure_attach_image(figure=Figure.objects.get(pk=figure_pk), image=clean)
    connections.close_all()
    return figure_pk


def _worker_signals() -> None:
    # The bench turns SIGTERM into KeyboardInterrupt for its cleanup; a pool worker just ends.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _attach_in_parallel(jobs: list, processes: int) -> None:
    """The image pipeline is CPU-bound: run it in forked processes, each with its own database connection."""
    connections.close_all()  # a forked child must not share the parent's connection
    with multiprocessing.get_context("fork").Pool(processes, initializer=_worker_signals) as pool:
        for _ in pool.imap_unordered(_attach_photograph, jobs):
            pass
        pool.close()
        pool.join()


def build_filler_cases(count: int, rng: random.Random) -> None:
    from cases.models import Case, Figure, FigureRendition, KeyPoint, Reference, Section

    cases = Case.objects.bulk_create(
        Case(
            title=f"Bench case {n:04d}: {_text(rng, 3).rstrip('.')}",
            slug=f"bench-case-{n:04d}",
            teaser=_text(rng, 14),
            status=Case.Status.PUBLISHED,
            specialty=SPECIALTIES[n % len(SPECIALTIES)],
            keywords=", ".join(rng.sample(WORDS, 4)),
            source_authors="Bench A, Mark B",
            source_title=_text(rng, 8),
            source_journal="Journal of Benchmarks",
            source_year=2000 + n % 25,
        )
        for n in range(1, count + 1)
    )
    kinds = [Section.Kind.PRESENTATION, Section.Kind.INVESTIGATIONS, Section.Kind.DISCUSSION]
    Section.objects.bulk_create(
        Section(case=case, position=p, kind=kind, heading=kind.label, body=_section_body(rng, 2))
        for case in cases
        for p, kind in enumerate(kinds, start=1)
    )
    references = Reference.objects.bulk_create(
        Reference(case=case, number=n, citation=f"{_text(rng, 12)} J Bench. 2010;{n}:1-9.")
        for case in cases
        for n in (1, 2)
    )
    KeyPoint.objects.bulk_create(
        KeyPoint(
            case=reference.case,
            position=reference.number,
            key=f"point-{reference.number}",
            statement=_text(rng, 15),
            quote=_text(rng, 20),
            reference=reference,
        )
        for reference in references
    )
    figures = Figure.objects.bulk_create(
        Figure(case=case, position=1, label="1", caption=_text(rng, 15), alt_text=_text(rng, 10)) for case in cases
    )
    # The one real upload; every other filler figure reuses its files (documented above).
    first = figures[0]
    _attach_photograph((first.pk, 0, FILLER_UPLOAD_SIZE, False))
    first.refresh_from_db()
    renditions = list(first.renditions.all())
    others = figures[1:]
    for figure in others:
        figure.master_name, figure.width, figure.height = first.master_name, first.width, first.height
    Figure.objects.bulk_update(others, ["master_name", "width", "height"], batch_size=500)
    FigureRendition.objects.bulk_create(
        (
            FigureRendition(figure=figure, format=r.format, width=r.width, height=r.height, file=r.file.name)
            for figure in others
            for r in renditions
        ),
        batch_size=2000,
    )


def figures_revealed_at(position: int, figures: list, steps: int = QUIZ_STEPS) -> list:
    """The figures a step reveals: the case's figures shared out in order, every step its even share.

    Rounded up, so step 1 always reveals one (its hotspot question needs a figure the learner has seen):
    30 figures give two a step, 60 four, and 5 one at steps 1, 4, 7, 10 and 13.
    """
    count = len(figures)
    return figures[-(-(position - 1) * count // steps) : -(-position * count // steps)]


def build_sized_case(spec: SizedCase, rng: random.Random) -> list[tuple[int, int, tuple[int, int], bool]]:
    """One sized case and its quiz; returns the image jobs for its figures (attached afterwards, in parallel)."""
    from cases.models import Case, Figure, KeyPoint, Reference, Section
    from quiz.models import Question, Quiz, Step
    from quiz.samples import make_question

    with transaction.atomic():
        case = Case.objects.create(
            title=f"{spec.title}: calcified nodules over fifteen visits",
            slug=spec.slug,
            teaser="A long case with many clinical photographs and radiographs, for the benchmark.",
            status=Case.Status.PUBLISHED,
            specialty="Dermatology",
            keywords="benchmark, calcinosis, nodules",
            source_authors="Bench A, Mark B, Load C",
            source_title=f"A case with {spec.figures} figures",
            source_journal="Journal of Benchmarks",
            source_year=2024,
            source_doi=f"10.0000/bench.2024.{spec.figures}",
            licence="CC BY-NC 4.0",
        )
        kinds = list(Section.Kind)
        sections = Section.objects.bulk_create(
            Section(
                case=case,
                position=p,
                kind=kinds[(p - 1) % len(kinds)],
                heading=f"Visit {p}: {_text(rng, 4).rstrip('.')}",
                body=_section_body(rng),
            )
            for p in range(1, QUIZ_STEPS + 1)
        )
        references = Reference.objects.bulk_create(
            Reference(case=case, number=n, citation=f"{_text(rng, 14)} J Bench. 2012;{n}:10-19.") for n in range(1, 6)
        )
        key_points = KeyPoint.objects.bulk_create(
            KeyPoint(
                case=case,
                position=n,
                key=f"point-{n}",
                statement=_text(rng, 20),
                quote=_text(rng, 30),
                teaching_note=_text(rng, 15) if n % 2 else "",
                reference=references[n % len(references)],
            )
            for n in range(1, 9)
        )
        modalities = [Figure.Modality.CLINICAL_PHOTOGRAPH, Figure.Modality.RADIOGRAPH]
        figures = Figure.objects.bulk_create(
            Figure(
                case=case,
                position=n,
                label=f"{(n - 1) // 2 + 1}{'AB'[(n - 1) % 2]}",
                caption=_text(rng, 25),
                alt_text=_text(rng, 15),
                modality=modalities[n % 2],
                body_site="Left elbow" if n % 3 else "Right knee",
                source="Drawn for the benchmark",
                licence="CC0",
            )
            for n in range(1, spec.figures + 1)
        )
        quiz = Quiz.objects.create(
            case=case,
            title=f"{spec.title} quiz",
            slug=spec.quiz_slug,
            introduction=_text(rng, 40),
            status="published",
            mode=Quiz.Mode.PRACTICE,
        )
        latest = figures[0]
        for position in range(1, QUIZ_STEPS + 1):
            step = Step.objects.create(
                quiz=quiz, position=position, title=f"Visit {position}", introduction=_text(rng, 30)
            )
            step.reveals_sections.add(sections[position - 1])
            shown = figures_revealed_at(position, figures)
            step.reveals_figures.add(*shown)
            latest = shown[0] if shown else latest
            for number, kind in enumerate(Question.Kind, start=1):
                make_question(step, number, kind, figure=latest, key_point=key_points[position % len(key_points)])
    return [
        (f.pk, spec.first_seed + n, UPLOAD_SIZE, f.modality == Figure.Modality.RADIOGRAPH)
        for n, f in enumerate(figures)
    ]


def is_complete(filler_cases: int) -> bool:
    """Whether a kept database holds a whole catalogue of this size (the demo case is the last thing made)."""
    from django.db.utils import DatabaseError

    from cases.models import Case, FigureRendition
    from demo import case as calcinosis
    from quiz.models import Quiz

    try:
        return (
            Case.objects.filter(slug__startswith="bench-case-").count() == filler_cases
            and Case.objects.filter(slug=calcinosis.CASE["slug"]).exists()
            and all(
                Quiz.objects.filter(slug=spec.quiz_slug, steps__position=QUIZ_STEPS).exists()
                and FigureRendition.objects.filter(figure__case__slug=spec.slug).values("figure_id").distinct().count()
                == spec.figures
                for spec in SIZED_CASES
            )
        )
    except DatabaseError:
        return False


def rendition_sizes() -> dict[tuple[str, int], float]:
    """Average file size in bytes of the big case's renditions, by (format, width)."""
    from django.core.files.storage import default_storage

    from cases.models import FigureRendition

    sizes: dict[tuple[str, int], list[int]] = {}
    for rendition in FigureRendition.objects.filter(figure__case__slug=BIG_CASE_SLUG):
        sizes.setdefault((rendition.format, rendition.width), []).append(default_storage.size(rendition.file.name))
    return {key: sum(values) / len(values) for key, values in sorted(sizes.items())}


def build(filler_cases: int, say) -> None:
    """Build the whole catalogue in an empty, migrated database."""
    rng = random.Random(20240601)
    processes = max(1, min(4, multiprocessing.cpu_count()))
    started = time.monotonic()
    build_filler_cases(filler_cases, rng)
    say(f"  {filler_cases} filler cases in {time.monotonic() - started:.1f} s")
    mark = time.monotonic()
    jobs = []
    for spec in SIZED_CASES:
        # Each case its own random stream, so one case's text does not change with the others.
        jobs += build_sized_case(spec, random.Random(spec.figures))
    _attach_in_parallel(jobs, processes)
    sizes = ", ".join(str(spec.figures) for spec in SIZED_CASES)
    say(
        f"  the cases of {sizes} figures ({len(jobs)} images through the pipeline) and their {QUIZ_STEPS}-step "
        f"quizzes in {time.monotonic() - mark:.1f} s"
    )
    mark = time.monotonic()
    call_command("load_demo", stdout=io.StringIO())
    say(f"  the demo case in {time.monotonic() - mark:.1f} s")
