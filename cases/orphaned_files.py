"""Figure files in storage that no row refers to, and their removal.

They are left behind when a worker is killed in the middle of an upload, when the transaction around an
upload is rolled back after its files were written, and when a figure is deleted (its rows go, its files
stay). No page links to them, but a rendition is still served to anyone who kept its address, and a master
is an image of a patient kept for no reason.

Both figure storages are searched under ``figures/``, where ``figure_attach_image`` writes, through Django's
storage API only (``listdir``, ``get_modified_time``, ``size``, ``delete``), so this works the same on disk
and in an object store. A file changed less than a grace period ago is never counted as orphaned: another
server may be writing an upload whose rows are not committed yet.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.storage import Storage, storages

from cases.models import Figure, FigureRendition
from cases.services import FIGURES_FOLDER

# Renditions (served in pages) and masters (never served).
STORAGE_ALIASES = ("default", "figure_masters")
DEFAULT_GRACE = timedelta(hours=1)


@dataclass(frozen=True)
class StoredFile:
    storage: str  # the alias in settings.STORAGES
    name: str
    size: int
    modified: datetime

    def __str__(self):
        return f"{self.storage}:{self.name}"


@dataclass
class OrphanSearch:
    orphaned: list[StoredFile]  # old enough to delete
    too_recent: list[StoredFile]  # no row refers to them yet, but an upload may still be under way

    @property
    def orphaned_bytes(self) -> int:
        return sum(stored.size for stored in self.orphaned)


def referenced_names() -> dict[str, set[str]]:
    """The names the database refers to, per storage alias."""
    return {
        "default": set(FigureRendition.objects.exclude(file="").values_list("file", flat=True)),
        "figure_masters": set(Figure.objects.exclude(master_name="").values_list("master_name", flat=True))
        | set(Figure.objects.exclude(dicom_name="").values_list("dicom_name", flat=True)),
    }


def stored_names(storage: Storage, folder: str = FIGURES_FOLDER) -> Iterator[str]:
    """Every file under folder, at any depth."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # nothing was ever stored there (an object store just lists nothing)
        return
    for name in sorted(files):
        yield f"{folder}/{name}"
    for directory in sorted(directories):
        yield from stored_names(storage, f"{folder}/{directory}")


def find_orphaned_files(*, now: datetime, grace: timedelta = DEFAULT_GRACE) -> OrphanSearch:
    """Files in the figure storages that no Figure or FigureRendition refers to.

    The rows are read before the storages are listed, so a file committed in between is at worst taken
    for an orphan, and is then younger than the grace period.
    """
    referenced = referenced_names()
    search = OrphanSearch(orphaned=[], too_recent=[])
    for alias in STORAGE_ALIASES:
        storage = storages[alias]
        for name in stored_names(storage):
            if name in referenced[alias]:
                continue
            stored = StoredFile(alias, name, storage.size(name), storage.get_modified_time(name))
            if stored.modified > now - grace:
                search.too_recent.append(stored)
            else:
                search.orphaned.append(stored)
    return search


def delete_files(files: list[StoredFile]) -> None:
    for stored in files:
        storages[stored.storage].delete(stored.name)
