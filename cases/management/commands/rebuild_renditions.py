"""Make figures' renditions again from their stored masters, at the widths the pipeline makes now.

Run once after ``cases.images.RENDITION_WIDTHS`` gains a width (480 px was added for phone thumbnails):
figures uploaded before have no rendition at that width, and browsers would keep taking the next one up. Each
figure goes through the same service as an upload (``figure_attach_image``: new files under a new random name,
the old ones deleted once the new rows are committed, nothing left behind if it fails), so pages never point at
a file that is not there yet. The master is re-encoded as well (JPEG quality 95, no chroma subsampling).
"""

import io

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.images import ImageRejected, clean_upload, rendition_widths
from cases.models import Figure, FigureRendition
from cases.services import figure_attach_image, figure_stored_dicom, masters_storage


def missing_widths(figure: Figure) -> set[int]:
    """The widths the pipeline would make for this figure that it has no WebP or no JPEG rendition of."""
    have = {(r.format, r.width) for r in figure.renditions.all()}
    wanted = rendition_widths(figure.width) if figure.width else []
    return {w for w in wanted for fmt in FigureRendition.Format.values if (fmt, w) not in have}


class Command(BaseCommand):
    help = (
        "Make figures' renditions again from their stored masters, for the figures that lack a width the "
        "image pipeline now makes (or every figure with --all). Run after an upgrade that adds a width."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Rebuild every figure, not only those missing a width.")
        parser.add_argument("--dry-run", action="store_true", help="List the figures that would be rebuilt.")

    def handle(self, *args, **options):
        figures = Figure.objects.exclude(master_name="").select_related("case").prefetch_related("renditions")
        rebuilt = failed = 0
        for figure in figures.order_by("case__slug", "position"):
            missing = missing_widths(figure)
            if not (options["all"] or missing):
                continue
            name = f"{figure.case.slug} figure {figure.label}"
            if options["dry_run"]:
                self.stdout.write(f"Would rebuild {name} (missing widths: {sorted(missing) or 'none'})")
                continue
            try:
                with masters_storage().open(figure.master_name, "rb") as stored:
                    clean = clean_upload(
                        io.BytesIO(stored.read()),
                        max_bytes=max(settings.FIGURE_MAX_UPLOAD_BYTES, 200 * 1024 * 1024),
                        max_pixels=settings.FIGURE_MAX_PIXELS,
                    )
                dicom = figure_stored_dicom(figure) if figure.dicom_name else None
                figure_attach_image(figure=figure, image=clean, dicom_file=dicom)
            except (OSError, ImageRejected) as problem:
                failed += 1
                self.stderr.write(f"Could not rebuild {name}: {problem}")
                continue
            rebuilt += 1
            self.stdout.write(f"Rebuilt {name}")
        if not options["dry_run"]:
            self.stdout.write(f"{rebuilt} figure(s) rebuilt, {failed} failed.")
