"""An educator, who is not a superuser, writes and publishes a case in the admin."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.urls import reverse
from PIL import Image

from cases.models import Case

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
CAMERA_MODEL = "PhoneModel-X9000"
COMMENT = b"Taken on ward 7, bed 3"


def phone_jpeg() -> bytes:
    """A JPEG as a phone writes it: camera make and model, GPS position, a comment, rotated by EXIF."""
    image = Image.new("RGB", (640, 480), (180, 140, 120))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = CAMERA_MODEL
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=COMMENT)
    return buffer.getvalue()


@pytest.fixture
def educator(make_educator):
    return make_educator("educator", password="correct horse battery")


def management_form(prefix: str, total: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def new_case_post(upload) -> dict:
    return {
        "title": "Nodules on the shin",
        "slug": "nodules-on-the-shin",
        "teaser": "A new case written by an educator.",
        "status": "published",
        "specialty": "Dermatology",
        "keywords": "nodules, shin",
        "source_authors": "Doe J",
        "source_title": "Nodules",
        "source_journal": "A Journal",
        "source_year": "2020",
        **management_form("sections", 2),
        "sections-0-position": "1",
        "sections-0-kind": "presentation",
        "sections-0-heading": "Presentation",
        "sections-0-body": "A 60-year-old man with *firm* nodules.",
        "sections-1-position": "2",
        "sections-1-kind": "discussion",
        "sections-1-heading": "Discussion",
        "sections-1-body": "They were calcified.<script>alert(1)</script>",
        **management_form("figures", 1),
        "figures-0-position": "1",
        "figures-0-label": "1A",
        "figures-0-upload": upload,
        "figures-0-caption": "The left shin.",
        "figures-0-alt_text": "A shin with three firm nodules.",
        "figures-0-modality": "clinical_photograph",
        "figures-0-body_site": "Left shin",
        "figures-0-consent_recorded": "on",
        **management_form("references", 0),
        **management_form("key_points", 1),
        "key_points-0-position": "1",
        "key_points-0-key": "calcified",
        "key_points-0-statement": "The nodules were calcified.",
        "key_points-0-quote": "They were calcified.",
    }


def test_educator_is_not_a_superuser_but_can_write_cases(educator):
    assert not educator.is_superuser
    assert educator.groups.filter(name="Educators").exists()
    for perm in ["cases.add_case", "cases.change_case", "cases.add_figure", "cases.add_keypoint", "cases.add_section"]:
        assert educator.has_perm(perm), perm
    assert not educator.has_perm("auth.add_user")


def test_educator_creates_and_publishes_a_case_with_a_clean_figure(client, educator):
    # Login throttling (django-axes) needs a request to know who is logging in.
    assert client.login(request=HttpRequest(), username="educator", password="correct horse battery")
    upload = SimpleUploadedFile("IMG_2031.jpg", phone_jpeg(), content_type="image/jpeg")

    response = client.post(reverse("admin:cases_case_add"), new_case_post(upload), follow=True)

    assert response.status_code == 200
    assert not response.context.get("errors"), response.context.get("errors")
    case = Case.objects.get(slug="nodules-on-the-shin")
    assert case.sections.count() == 2
    assert case.key_points.get().quote == "They were calcified."
    figure = case.figures.get()
    assert (figure.width, figure.height) == (480, 640)  # turned upright from the EXIF orientation

    home = client.get(reverse("cases:list")).content.decode()
    assert "Nodules on the shin" in home

    client.logout()
    page = client.get(case.get_absolute_url()).content.decode()
    assert "<em>firm</em>" in page
    assert "alert(1)" not in page

    renditions = list(figure.renditions.all())
    assert {r.format for r in renditions} == {"webp", "jpeg"}
    # The page offers every WebP width, one JPEG for a browser without WebP and the largest JPEG behind its link.
    shown = {r.file.url for r in renditions if r.format == "webp"} | {figure.fallback().file.url, figure.large.file.url}
    for url in shown:
        assert url in page
    for rendition in renditions:
        data = rendition.file.read()
        rendition.file.close()
        assert CAMERA_MODEL.encode() not in data
        assert COMMENT not in data
        assert b"Exif" not in data
        reopened = Image.open(io.BytesIO(data))
        assert not reopened.getexif()
        assert not {"exif", "comment", "icc_profile", "xmp"} & set(reopened.info)
        assert reopened.width < reopened.height


def test_rejected_upload_is_a_form_error_and_nothing_is_saved(client, educator):
    client.force_login(educator)
    upload = SimpleUploadedFile("photo.jpg", b"<html><body>not an image</body></html>", content_type="image/jpeg")

    response = client.post(reverse("admin:cases_case_add"), new_case_post(upload))

    assert response.status_code == 200
    assert "This file is not a JPEG, PNG or WebP image" in response.content.decode()
    assert not Case.objects.filter(slug="nodules-on-the-shin").exists()


def test_figure_without_an_image_is_refused(client, educator):
    client.force_login(educator)
    response = client.post(reverse("admin:cases_case_add"), new_case_post(""))
    assert "Choose an image for this figure." in response.content.decode()
    assert not Case.objects.exists()


def test_view_on_site_works_for_a_draft_when_logged_in_as_staff(client, educator):
    client.force_login(educator)
    case = Case.objects.create(title="Draft case", slug="draft-case", teaser="t", status=Case.Status.DRAFT)
    change_page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "View on site" in change_page
    response = client.get(reverse("admin:view_on_site", args=[_content_type_id(), case.pk]), follow=True)
    assert response.status_code == 200
    assert "Only staff can see this case" in response.content.decode()


def test_case_admin_pages_load_for_an_educator(client, educator):
    client.force_login(educator)
    for url in [
        reverse("admin:index"),
        reverse("admin:cases_case_changelist") + "?status__exact=published&q=nodules",
        reverse("admin:cases_case_add"),
        reverse("admin:cases_figure_changelist"),
        reverse("admin:cases_figure_add"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def _content_type_id():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Case).pk


# --- Images the site cannot encode ---------------------------------------------------------------------


def blank_png(width: int, height: int) -> bytes:
    """A one-bit PNG of any shape: a few hundred bytes, whatever its size."""
    buffer = io.BytesIO()
    Image.new("1", (width, height), 1).save(buffer, "PNG")
    return buffer.getvalue()


def stored_files(settings) -> list:
    return [
        path
        for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
        for path in root.rglob("*")
        if path.is_file()
    ]


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        # Narrower than the smallest rendition, so its renditions keep its full height: too tall for WebP.
        pytest.param(64, 17_000, ["64 × 17000 pixels", "16,383"], id="too-tall-for-webp"),
        # Its renditions are fine, but the full-size master is a JPEG: too wide for JPEG.
        pytest.param(70_000, 1, ["70000 × 1 pixels", "65,500"], id="too-wide-for-jpeg"),
    ],
)
def test_an_image_too_long_to_encode_is_refused_with_its_size_and_the_limit_and_nothing_is_stored(
    client, educator, settings, width, height, expected
):
    client.force_login(educator)
    case = Case.objects.create(title="Shin", slug="shin", teaser="t")
    upload = SimpleUploadedFile("strip.png", blank_png(width, height), content_type="image/png")
    assert width * height <= settings.FIGURE_MAX_PIXELS, "within the pixel limit: only its shape is the problem"

    response = client.post(
        reverse("admin:cases_figure_add"),
        {
            "case": case.pk,
            "position": "1",
            "label": "1A",
            "upload": upload,
            "caption": "A long strip.",
            "alt_text": "A long white strip.",
            "modality": "other",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["upload"]
    (message,) = errors["upload"]
    for part in expected:
        assert part in message
    assert message in response.content.decode()
    assert not case.figures.exists()
    assert stored_files(settings) == []
