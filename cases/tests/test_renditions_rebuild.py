"""``manage.py rebuild_renditions``: figures made before a rendition width was added get it, through the upload
pipeline, and pages then offer it; figures that have every width are left alone."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from cases.models import FigureRendition
from cases.tests.factories import make_case, make_figure

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("rebuild_renditions", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_a_figure_made_before_the_480_width_gets_it_and_pages_offer_it(client, django_capture_on_commit_callbacks):
    case = make_case(status="published")
    figure = make_figure(case, 1, "1A", width=1000, height=750)
    # As uploaded before 480 was a rendition width.
    figure.renditions.filter(width=480).delete()
    old_files = [r.file.name for r in figure.renditions.all()]
    assert "Would rebuild" in run("--dry-run")
    assert not figure.renditions.filter(width=480).exists(), "a dry run changes nothing"

    with django_capture_on_commit_callbacks(execute=True):
        assert "1 figure(s) rebuilt, 0 failed." in run()
    widths = sorted(figure.renditions.values_list("format", "width"))
    assert widths == sorted((fmt, w) for fmt in ("jpeg", "webp") for w in (320, 480, 640, 960, 1000))
    page = client.get(case.get_absolute_url() + "?whole=1").content.decode()
    new_480 = figure.renditions.get(format=FigureRendition.Format.WEBP, width=480)
    assert f"{new_480.file.url} 480w" in page
    assert default_storage.exists(new_480.file.name)
    assert not any(default_storage.exists(name) for name in old_files), "the replaced files are deleted"


def test_figures_with_every_width_are_left_alone():
    figure = make_figure(make_case(), 1, "1A", width=700, height=500)
    before = sorted(figure.renditions.values_list("file", flat=True))
    assert "0 figure(s) rebuilt, 0 failed." in run()
    assert sorted(figure.renditions.values_list("file", flat=True)) == before
