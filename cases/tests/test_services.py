"""figure_attach_image: a figure's files are written all together or not at all."""

import io

import pytest
from django.core.files.storage import storages

from cases import services
from cases.images import clean_upload
from cases.models import Figure
from cases.tests.factories import make_case, make_figure, png_bytes

pytestmark = pytest.mark.django_db


def clean_png(width: int = 700, height: int = 400):
    return clean_upload(io.BytesIO(png_bytes(width, height)), max_bytes=10_000_000, max_pixels=40_000_000)


def stored_files(settings) -> set[str]:
    return {
        str(path.relative_to(root))
        for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
        if root.exists()
        for path in root.rglob("*")
        if path.is_file()
    }


def new_figure() -> Figure:
    return Figure.objects.create(case=make_case(), position=1, label="1A", caption="c", alt_text="a")


def test_an_image_is_stored_as_a_master_and_renditions_the_rows_refer_to(settings):
    figure = services.figure_attach_image(figure=new_figure(), image=clean_png())

    referred = {figure.master_name, *(r.file.name for r in figure.renditions.all())}
    assert len(referred) == 1 + 2 * 4  # the master, and 320, 480, 640 and 700 pixels wide as WebP and JPEG
    assert stored_files(settings) == referred


def test_an_encoder_failure_leaves_no_file_behind(settings, monkeypatch):
    def refuse(image):
        raise ValueError("encoding error 5: Image size exceeds WebP limit of 16383 pixels")

    monkeypatch.setattr(services, "make_renditions", refuse)
    figure = new_figure()

    with pytest.raises(ValueError, match="WebP limit"):
        services.figure_attach_image(figure=figure, image=clean_png())

    assert stored_files(settings) == set()
    figure.refresh_from_db()
    assert not figure.has_image


def test_a_storage_failure_halfway_removes_the_files_already_written_and_keeps_the_old_image(settings, monkeypatch):
    figure = make_figure(make_case(), width=500, height=300)
    before = stored_files(settings)
    renditions = storages["default"]
    save = renditions.save
    calls = []

    def fail_on_the_third_rendition(name, content, **kwargs):
        calls.append(name)
        if len(calls) == 3:
            raise OSError("No space left on device")
        return save(name, content, **kwargs)

    monkeypatch.setattr(renditions, "save", fail_on_the_third_rendition)

    with pytest.raises(OSError, match="No space left"):
        services.figure_attach_image(figure=Figure.objects.get(pk=figure.pk), image=clean_png())

    assert len(calls) == 3
    assert stored_files(settings) == before, "the new master and first two renditions are gone, the old files kept"
    figure.refresh_from_db()
    assert {figure.master_name, *(r.file.name for r in figure.renditions.all())} == before
