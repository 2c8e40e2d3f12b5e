"""Writes that touch several rows or files of a case."""

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage, storages
from django.db import transaction

from cases.dicom import DicomUpload
from cases.images import CleanImage, encode_master, make_renditions
from cases.models import Figure, FigureRendition

logger = logging.getLogger(__name__)

# Where a figure's files go, in both storages: one folder with a random name per upload.
FIGURES_FOLDER = "figures"


def masters_storage():
    return storages["figure_masters"]


def figure_attach_upload(*, figure: Figure, upload: "CleanImage | DicomUpload") -> Figure:
    """Attach whatever the figure form cleaned: an image, or a DICOM file with its rendered frame."""
    if isinstance(upload, DicomUpload):
        return figure_attach_image(figure=figure, image=upload.image, dicom_file=upload.deidentified)
    return figure_attach_image(figure=figure, image=upload)


def figure_stored_dicom(figure: Figure) -> bytes:
    """The figure's de-identified DICOM file, to render it again with another window or frame."""
    with masters_storage().open(figure.dicom_name, "rb") as stored:
        return stored.read()


@transaction.atomic
def figure_attach_image(*, figure: Figure, image: CleanImage, dicom_file: bytes | None = None) -> Figure:
    """Store a cleaned image as the figure's master and replace its renditions.

    Files get random names, so a rendition's address says nothing about what it shows.
    Everything is encoded before the first file is written, and if anything fails after that (storage,
    database, or the worker being stopped) the files written so far are deleted again, so a failed
    upload leaves nothing behind. The files of the image being replaced are deleted once the new one is
    committed. ``dicom_file`` is the de-identified DICOM file the image was rendered from
    (cases.dicom.deidentify): it is kept beside the master, privately; an upload without one drops the
    previous figure's DICOM file. A process killed outright can still leave files no row refers to: the
    ``orphaned_figure_files`` command finds them.
    """
    old_master, old_dicom, old_size = figure.master_name, figure.dicom_name, (figure.width, figure.height)
    old_files = list(figure.renditions.values_list("file", flat=True))

    master = encode_master(image)
    renditions = make_renditions(image)

    folder = f"{FIGURES_FOLDER}/{uuid.uuid4().hex}"
    written: list[tuple[Storage, str]] = []

    def save(storage: Storage, name: str, data: bytes) -> str:
        saved = storage.save(name, ContentFile(data))
        written.append((storage, saved))
        return saved

    try:
        master_name = save(masters_storage(), f"{folder}/master.jpg", master.data)
        dicom_name = save(masters_storage(), f"{folder}/source.dcm", dicom_file) if dicom_file else ""
        rows = [
            FigureRendition(
                figure=figure,
                format=rendition.format,
                width=rendition.width,
                height=rendition.height,
                file=save(default_storage, f"{folder}/{rendition.width}.{rendition.extension}", rendition.data),
            )
            for rendition in renditions
        ]
        figure.master_name, figure.dicom_name = master_name, dicom_name
        figure.width, figure.height = image.width, image.height
        figure.save(update_fields=["master_name", "dicom_name", "width", "height"])
        figure.renditions.all().delete()
        FigureRendition.objects.bulk_create(rows)
    except BaseException:
        # BaseException too: gunicorn stops a worker that times out with SystemExit.
        figure.master_name, figure.dicom_name, (figure.width, figure.height) = old_master, old_dicom, old_size
        _delete_quietly(written)
        raise

    def delete_replaced_files():
        for name in (old_master, old_dicom):
            if name:
                masters_storage().delete(name)
        for name in old_files:
            default_storage.delete(name)

    transaction.on_commit(delete_replaced_files)
    return figure


def _delete_quietly(files: list[tuple[Storage, str]]) -> None:
    """Delete files while another error is on its way up: a failure here is logged, not raised over it."""
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:
            logger.warning("Could not delete %s after a failed upload; orphaned_figure_files will list it.", name)
