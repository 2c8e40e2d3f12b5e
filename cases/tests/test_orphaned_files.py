"""orphaned_figure_files: files no figure refers to are listed, and deleted only when asked and old enough."""

import io
import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cases.models import Figure
from cases.orphaned_files import find_orphaned_files
from cases.tests.factories import make_case, make_figure

pytestmark = pytest.mark.django_db


def figure_files(figure: Figure) -> set[str]:
    return {f"figure_masters:{figure.master_name}", *(f"default:{r.file.name}" for r in figure.renditions.all())}


def age(settings, files: set[str], hours: float = 2) -> None:
    """Make stored files look last changed some hours ago."""
    then = (timezone.now() - timedelta(hours=hours)).timestamp()
    roots = {"default": settings.MEDIA_ROOT, "figure_masters": settings.PRIVATE_MEDIA_ROOT}
    for stored in files:
        alias, name = stored.split(":", 1)
        os.utime(roots[alias] / name, (then, then))


def run(*args) -> str:
    out = io.StringIO()
    call_command("orphaned_figure_files", *args, stdout=out)
    return out.getvalue()


def exists(stored: str) -> bool:
    alias, name = stored.split(":", 1)
    return storages[alias].exists(name)


def test_the_files_of_a_deleted_figure_are_listed_then_deleted_and_a_live_figures_files_kept(settings):
    case = make_case()
    kept = make_figure(case, 1, width=700, height=400)
    gone = make_figure(case, 2, width=500, height=300)
    kept_files, orphans = figure_files(kept), figure_files(gone)
    gone.delete()  # its rows go, its files stay
    age(settings, kept_files | orphans)

    listing = run()

    for stored in orphans:
        assert stored in listing
        assert exists(stored), "a dry run deletes nothing"
    for stored in kept_files:
        assert stored not in listing
    assert "7 files (" in listing  # the master, and 320, 480 and 500 pixels wide as WebP and JPEG
    assert "--delete" in listing

    deleting = run("--delete")

    assert "Deleted 7 files" in deleting
    assert not any(exists(stored) for stored in orphans)
    assert all(exists(stored) for stored in kept_files)
    assert run() == "No orphaned figure files.\n"


def test_a_file_left_by_a_stopped_upload_is_found_in_either_storage(settings):
    master = storages["figure_masters"].save("figures/0123abcd/master.jpg", ContentFile(b"half an upload"))
    rendition = storages["default"].save("figures/0123abcd/320.webp", ContentFile(b"rendition"))
    age(settings, {f"figure_masters:{master}", f"default:{rendition}"})

    listing = run()

    assert "figure_masters:figures/0123abcd/master.jpg  (14 bytes, last changed " in listing
    assert "default:figures/0123abcd/320.webp  (9 bytes" in listing
    assert "2 files (23 bytes)" in listing


def test_a_recent_orphan_is_left_alone_as_its_upload_may_still_be_in_progress(settings):
    name = storages["figure_masters"].save("figures/feedbeef/master.jpg", ContentFile(b"being uploaded"))
    age(settings, {f"figure_masters:{name}"}, hours=0.5)

    listing = run("--delete")

    assert name not in listing
    assert "No orphaned figure files." in listing
    assert "Left alone: 1 file no figure refers to, changed less than 60 minutes ago" in listing
    assert storages["figure_masters"].exists(name)

    assert "Deleted 1 file " in run("--delete", "--older-than-minutes", "20")
    assert not storages["figure_masters"].exists(name)


def test_files_outside_the_figures_folder_are_never_touched(settings):
    other = storages["default"].save("exports/report.csv", ContentFile(b"not a figure"))
    age(settings, {f"default:{other}"})

    assert run("--delete") == "No orphaned figure files.\n"
    assert storages["default"].exists(other)


def test_empty_storages_are_fine(settings):
    assert not settings.MEDIA_ROOT.exists()
    assert run() == "No orphaned figure files.\n"


def test_a_negative_grace_period_is_refused():
    with pytest.raises(CommandError, match="negative"):
        run("--older-than-minutes", "-5")


def test_it_uses_only_the_storage_api_so_an_object_store_works_too(settings):
    """In-memory storages have no files on disk (no ``path``), like S3."""
    memory = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    settings.STORAGES = {**settings.STORAGES, "default": memory, "figure_masters": memory}
    figure = make_figure(make_case())
    orphan = storages["default"].save("figures/cafe0123/640.jpg", ContentFile(b"orphan"))

    later = find_orphaned_files(now=timezone.now() + timedelta(hours=2))
    now = find_orphaned_files(now=timezone.now())

    assert [str(stored) for stored in later.orphaned] == [f"default:{orphan}"]
    assert not later.too_recent
    assert figure.master_name and not now.orphaned and len(now.too_recent) == 1
