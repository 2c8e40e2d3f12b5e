"""Writes that touch several rows or files of a case."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import transaction

from cases.images import CleanImage, encode_master, make_renditions
from cases.models import Figure, FigureRendition


def masters_storage():
    return storages["figure_masters"]


@transaction.atomic
def figure_attach_image(*, figure: Figure, image: CleanImage) -> Figure:
    """Store a cleaned image as the figure's master and replace its renditions.

    Files get random names, so a rendition's address says nothing about what it shows.
    The files of the image being replaced are deleted once the new one is committed.
    """
    old_master = figure.master_name
    old_files = list(figure.renditions.values_list("file", flat=True))

    folder = f"figures/{uuid.uuid4().hex}"
    master = encode_master(image)
    figure.master_name = masters_storage().save(f"{folder}/master.jpg", ContentFile(master.data))
    figure.width, figure.height = image.width, image.height
    figure.save(update_fields=["master_name", "width", "height"])

    figure.renditions.all().delete()
    rows = []
    for rendition in make_renditions(image):
        name = default_storage.save(f"{folder}/{rendition.width}.{rendition.extension}", ContentFile(rendition.data))
        rows.append(
            FigureRendition(
                figure=figure, format=rendition.format, width=rendition.width, height=rendition.height, file=name
            )
        )
    FigureRendition.objects.bulk_create(rows)

    def delete_replaced_files():
        if old_master:
            masters_storage().delete(old_master)
        for name in old_files:
            default_storage.delete(name)

    transaction.on_commit(delete_replaced_files)
    return figure
