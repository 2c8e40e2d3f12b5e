"""Tests for the figure image pipeline (cases.images) and its form (cases.forms.FigureForm).

The pipeline is the only thing between an educator's upload and what learners download, so these tests
check what a user would notice: uploads that must be refused, and the message that says why; hidden data
(GPS, camera, comments, profiles) that must never reach a learner; photographs that must come out
upright; and renditions of the right sizes and colours.
"""

import contextlib
import io
import struct
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import ExifTags, Image, ImageFile

from cases.forms import FigureForm
from cases.images import (
    RENDITION_WIDTHS,
    CleanImage,
    ImageRejected,
    clean_upload,
    encode_master,
    make_renditions,
    rendition_widths,
)
from cases.tests import image_factories as f

MB = 1024 * 1024
MAX_BYTES = 10 * MB
MAX_PIXELS = 40_000_000  # the production default (settings.FIGURE_MAX_PIXELS)

NOT_AN_IMAGE = "not a JPEG, PNG or WebP image"
DAMAGED = "damaged or incomplete"


# --- helpers -------------------------------------------------------------------------------------------


def clean(data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> CleanImage:
    return clean_upload(io.BytesIO(data), max_bytes=max_bytes, max_pixels=max_pixels)


def rejection(data: bytes, **limits) -> str:
    """The message the educator sees for this upload; fails the test if the upload is accepted."""
    with pytest.raises(ImageRejected) as excinfo:
        clean(data, **limits)
    return str(excinfo.value)


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(pixel, colour, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def jpeg_segments(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's header segments, up to the start of the scan."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    markers, pos = [], 2
    while pos < len(data):
        assert data[pos] == 0xFF, f"bad JPEG segment at {pos}"
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: compressed data follows
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        pos += 2 + length
    return markers


def webp_chunks(data: bytes) -> list[bytes]:
    """The chunk names of a WebP (RIFF) file."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP", "not a WebP"
    chunks, pos = [], 12
    while pos + 8 <= len(data):
        name, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        chunks.append(name)
        pos += 8 + size + (size & 1)
    return chunks


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks, pos = [], 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunks.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return chunks


@contextlib.contextmanager
def pixels_never_decoded():
    """Fail the test if, inside the block, Pillow starts decoding or allocates an image's pixel memory."""

    def refuse(*args, **kwargs):
        raise AssertionError("the pipeline started decoding pixels of an image it should have refused unread")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ImageFile.ImageFile, "load_prepare", refuse)
        patch.setattr(ImageFile.ImageFile, "load", refuse)
        patch.setattr(Image.core, "new", refuse)
        patch.setattr(Image.core, "fill", refuse)
        yield


# === 1. Rejected uploads ===============================================================================


@pytest.mark.parametrize(
    ("data", "named_format"),
    [
        pytest.param(f.HTML_PAGE, None, id="html"),
        pytest.param(f.SVG_IMAGE, "SVG", id="svg"),
        pytest.param(f.gif_image(), "GIF", id="gif"),
        pytest.param(f.PDF_DOCUMENT, "PDF", id="pdf"),
        pytest.param(f.PLAIN_TEXT, None, id="plain-text"),
        pytest.param(bytes(range(256)) * 4, None, id="binary-junk"),
        pytest.param(b"\xff\xd8\xff\xe0" + f.HTML_PAGE, None, id="html-behind-jpeg-magic-number"),
    ],
)
def test_files_that_are_not_jpeg_png_or_webp_are_refused_with_advice(data, named_format):
    message = rejection(data)
    assert NOT_AN_IMAGE in message or DAMAGED in message
    if data[:1] != b"\xff":  # a file that does not even start like a JPEG is not "damaged", it is the wrong kind
        assert NOT_AN_IMAGE in message
        assert "export the image as JPEG or PNG" in message
    if named_format:
        assert named_format in message, "the message should name the kind of file the educator tried"


@pytest.mark.parametrize("name", ["photo.jpg", "photo.png", "photo.webp", "scan.JPEG"])
def test_an_html_page_named_like_an_image_is_refused_by_its_content_not_its_name(name):
    upload = SimpleUploadedFile(name, f.HTML_PAGE, content_type="image/jpeg")
    with pytest.raises(ImageRejected, match=NOT_AN_IMAGE):
        clean_upload(upload, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)


def test_a_real_image_with_the_wrong_name_is_accepted():
    """The opposite: the name is ignored, so a PNG called .jpg is fine."""
    upload = SimpleUploadedFile("figure.jpg", f.encode(f.halves((40, 20)), "PNG"), content_type="image/jpeg")
    cleaned = clean_upload(upload, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)
    assert cleaned.source_format == "PNG"
    assert cleaned.image.size == (40, 20)


def test_an_empty_file_is_refused():
    assert rejection(b"") == "The file is empty."


def test_a_file_over_the_byte_limit_is_refused_with_the_limit_in_the_message():
    too_big = f.encode(f.halves((40, 20)), "PNG") + b"\x00" * MB  # a valid PNG with a megabyte of padding
    assert len(too_big) > MB
    message = rejection(too_big, max_bytes=MB)
    assert "larger than the 1.0 MB limit" in message
    assert "Save it smaller" in message


def test_a_file_exactly_at_the_byte_limit_is_accepted():
    data = f.encode(f.halves((40, 20)), "PNG")
    assert clean(data, max_bytes=len(data)).image.size == (40, 20)
    assert "larger than" in rejection(data, max_bytes=len(data) - 1)


def test_an_endless_upload_is_refused_after_reading_little_more_than_the_limit():
    class EndlessFile:
        """A 'file' that never ends, as a malicious or broken client might send."""

        def __init__(self):
            self.bytes_read = 0

        def seek(self, position):
            pass

        def read(self, size=-1):
            assert size >= 0, "the pipeline tried to read the whole of an unbounded upload"
            self.bytes_read += size
            return b"\xff" * size

    endless = EndlessFile()
    with pytest.raises(ImageRejected, match="larger than the 1.0 MB limit"):
        clean_upload(endless, max_bytes=MB, max_pixels=MAX_PIXELS)
    assert endless.bytes_read <= MB + 1


def test_an_upload_read_before_is_read_again_from_the_start():
    """Django may have read the upload already (e.g. to sniff it); the pipeline must rewind, not see it empty."""
    upload = io.BytesIO(f.encode(f.halves((40, 20)), "PNG"))
    upload.read()
    assert clean_upload(upload, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS).image.size == (40, 20)


def test_an_image_over_the_pixel_limit_is_refused_with_its_size_and_the_limit():
    data = f.encode(f.halves((300, 200)), "PNG")
    message = rejection(data, max_pixels=59_999)
    assert "300 × 200 pixels" in message
    assert "Resize it" in message
    assert clean(data, max_pixels=60_000).image.size == (300, 200), "an image exactly at the limit is fine"


def test_an_image_over_the_pixel_limit_is_refused_before_its_pixels_are_decoded():
    # 48 megapixels: over the site's 40 MP limit but under Pillow's own bomb threshold, so the pipeline's
    # own check must catch it before decoding.
    data = f.declared_size_png(8000, 6000)
    with pixels_never_decoded():
        message = rejection(data)
    assert "8000 × 6000 pixels (48 megapixels)" in message
    assert "the limit is 40 megapixels" in message


def long_image(width: int, height: int, image_format: str = "PNG", **params) -> bytes:
    """A blank greyscale image of any shape, cheap to build and to decode."""
    return f.encode(Image.new("L", (width, height), 255), image_format, **params)


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        # Narrower than the smallest rendition: every rendition keeps the full 16,384-pixel height.
        pytest.param(64, 16_384, ["64 × 16384 pixels", "64 × 16384", "16,383 pixels"], id="one-over-webp"),
        pytest.param(1000, 17_000, ["1000 × 17000 pixels", "1000 × 17000", "16,383 pixels"], id="narrow-strip"),
        # The renditions are small, but the full-size master is a JPEG.
        pytest.param(65_501, 1, ["65501 × 1 pixels", "65,500 pixels"], id="one-over-jpeg"),
        pytest.param(1, 70_000, ["1 × 70000 pixels", "65,500 pixels"], id="thread"),
    ],
)
def test_an_image_too_long_to_encode_is_refused_with_its_size_and_the_format_limit(width, height, expected):
    message = rejection(long_image(width, height))
    for part in expected:
        assert part in message
    assert "Crop it" in message


@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(64, 16_383, id="as-tall-as-webp-allows"),
        pytest.param(65_500, 1, id="as-wide-as-jpeg-allows"),
        # Wider than WebP allows, but pages get it at most 1920 pixels wide.
        pytest.param(20_000, 3, id="panorama"),
    ],
)
def test_an_image_at_the_format_limits_is_accepted_and_every_file_encodes(width, height):
    cleaned = clean(long_image(width, height))
    master = encode_master(cleaned)
    renditions = make_renditions(cleaned)
    assert (master.width, master.height) == (width, height)
    assert decode(master.data).size == (width, height)
    for rendition in renditions:
        assert decode(rendition.data).size == (rendition.width, rendition.height)


def test_the_limit_applies_to_the_upright_image_not_to_the_stored_one():
    # A strip stored lying down (17000 × 64) that its EXIF orientation stands up (64 × 17000): too tall.
    standing = long_image(17_000, 64, "JPEG", exif=f.orientation_exif(6))
    assert "64 × 17000 pixels" in rejection(standing)
    # Stored standing up, shown lying down: a wide strip, fine.
    lying = long_image(64, 17_000, "JPEG", exif=f.orientation_exif(6))
    assert clean(lying).image.size == (17_000, 64)


@pytest.mark.django_db
def test_the_form_refuses_an_image_too_long_to_encode_on_the_upload_field():
    form = figure_form(long_image(64, 17_000), name="strip.png")
    assert not form.is_valid()
    assert list(form.errors) == ["upload"]
    assert "16,383 pixels" in form.errors["upload"][0]
    assert form.errors.as_data()["upload"][0].code == "image_rejected"


@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(40_000, 40_000, id="1600-megapixels"),  # beyond Pillow's DecompressionBombError threshold
        pytest.param(12_000, 12_000, id="144-megapixels"),  # between Pillow's warning and error thresholds
        pytest.param(2**31 - 1, 1, id="absurd-width"),
    ],
)
def test_a_png_decompression_bomb_is_refused_without_decoding_it(width, height):
    bomb = f.declared_size_png(width, height)
    assert len(bomb) < 200, "the bomb is tiny on disk"
    started = time.perf_counter()
    with pixels_never_decoded():
        message = rejection(bomb)
    assert time.perf_counter() - started < 1.0
    assert "pixels" in message
    assert "40 megapixels" in message


def test_a_jpeg_decompression_bomb_is_refused_without_decoding_it():
    """A real JPEG whose frame header (SOF) is edited to claim 60000 x 60000 pixels."""
    data = bytearray(f.encode(f.noise((16, 16)), "JPEG", quality=50))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60_000, 60_000)
    with pixels_never_decoded():
        message = rejection(bytes(data))
    assert "too many pixels" in message or "megapixels" in message
    assert "40 megapixels" in message


def test_a_truncated_jpeg_is_refused_as_damaged():
    data = f.encode(f.noise((64, 64)), "JPEG", quality=90)
    message = rejection(data[: len(data) // 2])
    assert DAMAGED in message
    assert "save it again" in message


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("fraction", [0.05, 0.5, 0.95])
def test_a_file_cut_off_anywhere_is_refused_as_damaged_never_crashes(image_format, fraction):
    """A cut-off upload must give the educator a message, not a server error, wherever the cut falls."""
    data = f.encode(f.noise((64, 64)), image_format)
    message = rejection(data[: int(len(data) * fraction)])
    assert DAMAGED in message


def test_a_png_with_a_damaged_checksum_is_refused_as_damaged():
    data = bytearray(f.encode(f.noise((32, 32)), "PNG"))
    idat = data.index(b"IDAT")
    data[idat + 20] ^= 0xFF  # flip bits inside the compressed pixels; the CRC no longer matches
    message = rejection(bytes(data))
    assert DAMAGED in message


# --- through the form --------------------------------------------------------------------------------


def figure_form_data(**overrides) -> dict:
    data = {
        "position": "1",
        "label": "1A",
        "caption": "Firm whitish nodules over the left elbow.",
        "alt_text": "Left elbow with several firm whitish nodules under the skin.",
        "modality": "clinical_photograph",
        "body_site": "Left elbow",
        "source": "Figure 1A of the report",
        "licence": "CC BY 4.0",
    }
    return data | overrides


def figure_form(content: bytes, name: str = "photo.jpg") -> FigureForm:
    return FigureForm(
        data=figure_form_data(), files={"upload": SimpleUploadedFile(name, content, content_type="image/jpeg")}
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(f.HTML_PAGE, NOT_AN_IMAGE, id="html-named-jpg"),
        pytest.param(f.SVG_IMAGE, NOT_AN_IMAGE, id="svg"),
        pytest.param(f.gif_image(), NOT_AN_IMAGE, id="gif"),
        pytest.param(f.declared_size_png(40_000, 40_000), "megapixels", id="bomb"),
        pytest.param(f.encode(f.noise((64, 64)), "JPEG")[:700], DAMAGED, id="truncated-jpeg"),
        pytest.param(f.encode(f.noise((64, 64)), "WEBP")[:500], DAMAGED, id="truncated-webp"),
    ],
)
def test_the_form_shows_a_rejected_upload_as_an_error_on_the_upload_field(content, expected):
    form = figure_form(content)
    assert not form.is_valid()
    assert list(form.errors) == ["upload"], "only the upload is wrong; the other fields were filled in"
    (message,) = form.errors["upload"]
    assert expected in message
    assert form.errors.as_data()["upload"][0].code == "image_rejected"


@pytest.mark.django_db
def test_the_form_uses_the_byte_limit_from_settings(settings):
    settings.FIGURE_MAX_UPLOAD_BYTES = MB
    form = figure_form(f.encode(f.halves((40, 20)), "PNG") + b"\x00" * MB)
    assert not form.is_valid()
    assert "larger than the 1.0 MB limit" in form.errors["upload"][0]


@pytest.mark.django_db
def test_the_form_accepts_a_good_image_and_hands_on_the_cleaned_pixels():
    form = figure_form(f.phone_jpeg(f.halves((60, 30)), orientation=6))
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["upload"]
    assert isinstance(cleaned, CleanImage)
    assert cleaned.image.size == (30, 60), "turned upright"
    assert not cleaned.image.info


@pytest.mark.django_db
def test_the_form_asks_for_an_image_when_a_new_figure_has_none():
    form = FigureForm(data=figure_form_data())
    assert not form.is_valid()
    assert form.errors["upload"] == ["Choose an image for this figure."]


# === 2. Metadata is stripped ===========================================================================

FORBIDDEN_INFO_KEYS = {"exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp", "Comment", "Author", "Description"}
# JPEG markers that carry metadata: APP1 (EXIF, XMP), APP2 (ICC, MPF), APP3-APP15 (maker data, Photoshop
# IRB/IPTC in APP13), COM (comment). APP0 is the JFIF header, which carries nothing about the patient.
JPEG_METADATA_MARKERS = {0xFE} | set(range(0xE1, 0xF0))

PHONE_FILES = {
    "jpeg": f.phone_jpeg,
    "webp": f.phone_webp,
    "png-with-text-chunks": f.png_with_text,
}


def assert_no_metadata(data: bytes, where: str):
    image = decode(data)
    assert not image.getexif(), f"{where}: EXIF survived"
    leaked_keys = FORBIDDEN_INFO_KEYS & set(image.info)
    assert not leaked_keys, f"{where}: {leaked_keys} survived"
    for marker in f.PLANTED_MARKERS:
        assert marker.encode() not in data, f"{where}: {marker!r} found in the file"
        assert marker.encode("utf-16-le") not in data, f"{where}: {marker!r} (UTF-16) found in the file"
    for signature in (*f.METADATA_SIGNATURES, b"GPS"):
        assert signature not in data, f"{where}: {signature!r} found in the file"
    if image.format == "JPEG":
        leaked_markers = JPEG_METADATA_MARKERS & set(jpeg_segments(data))
        assert not leaked_markers, f"{where}: metadata segments {[hex(m) for m in leaked_markers]}"
    elif image.format == "WEBP":
        assert set(webp_chunks(data)) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}, f"{where}: {webp_chunks(data)}"
    else:
        pytest.fail(f"{where}: unexpected output format {image.format}")


@pytest.mark.parametrize("make", PHONE_FILES.values(), ids=PHONE_FILES.keys())
def test_the_phone_style_test_files_really_carry_the_metadata(make):
    """Guards the tests below: they would pass vacuously if the planted metadata were never written."""
    data = make()
    image = decode(data)
    exif = image.getexif()
    assert exif[ExifTags.Base.Model] == f.CAMERA_MODEL
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert gps[ExifTags.GPS.GPSLatitude] == f.GPS_LATITUDE
    assert gps[ExifTags.GPS.GPSLongitude] == f.GPS_LONGITUDE
    assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] == f.DATE_TAKEN
    assert "icc_profile" in image.info
    assert f.XMP_MARKER.encode() in data
    assert f.CAMERA_MODEL.encode() in data
    if image.format == "JPEG":
        assert image.info["comment"] == f.COMMENT_TEXT.encode()
    if image.format == "PNG":
        assert image.info["Comment"] == f.PNG_TEXT_MARKER
        assert image.info["Author"] == f.PNG_ITXT_MARKER
        assert image.info["Description"] == f.PNG_ZTXT_MARKER
        assert {b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP"} <= set(png_chunks(data))


@pytest.mark.parametrize("make", PHONE_FILES.values(), ids=PHONE_FILES.keys())
def test_no_metadata_survives_in_the_clean_image(make):
    cleaned = clean(make())
    assert cleaned.image.mode == "RGB"
    assert cleaned.image.info == {}
    assert not cleaned.image.getexif()


@pytest.mark.parametrize("make", PHONE_FILES.values(), ids=PHONE_FILES.keys())
def test_no_metadata_survives_in_the_master(make):
    master = encode_master(clean(make()))
    assert master.format == "jpeg"
    assert_no_metadata(master.data, "master")


@pytest.mark.parametrize("make", PHONE_FILES.values(), ids=PHONE_FILES.keys())
def test_no_metadata_survives_in_any_rendition(make):
    renditions = make_renditions(clean(make(f.noise((700, 40)), orientation=1)))
    assert len(renditions) == 8  # 320, 480, 640, 700 × webp, jpeg
    for rendition in renditions:
        assert_no_metadata(rendition.data, f"{rendition.format} {rendition.width}w")


def test_the_orientation_tag_is_applied_then_dropped_so_browsers_cannot_turn_the_image_twice():
    cleaned = clean(f.phone_jpeg(f.halves((200, 100)), orientation=6))
    assert cleaned.image.size == (100, 200)
    for encoded in [encode_master(cleaned), *make_renditions(cleaned)]:
        image = decode(encoded.data)
        assert ExifTags.Base.Orientation not in image.getexif()
        assert image.height > image.width


# === 3. Orientation ====================================================================================


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize(
    ("orientation", "size", "top_or_left", "bottom_or_right"),
    [
        pytest.param(1, (200, 100), f.RED, f.BLUE, id="1-as-stored"),
        pytest.param(6, (100, 200), f.RED, f.BLUE, id="6-turn-clockwise"),
        pytest.param(3, (200, 100), f.BLUE, f.RED, id="3-turn-half"),
        pytest.param(8, (100, 200), f.BLUE, f.RED, id="8-turn-anticlockwise"),
    ],
)
def test_photographs_come_out_upright(image_format, orientation, size, top_or_left, bottom_or_right):
    """Stored 200 x 100, left half red and right half blue, with an EXIF orientation tag."""
    data = f.encode(f.halves((200, 100)), image_format, exif=f.orientation_exif(orientation), quality=95)
    image = clean(data).image
    assert image.size == size
    width, height = size
    if width > height:  # landscape: compare left and right
        first, second = image.getpixel((width // 4, height // 2)), image.getpixel((3 * width // 4, height // 2))
    else:  # portrait: compare top and bottom
        first, second = image.getpixel((width // 2, height // 4)), image.getpixel((width // 2, 3 * height // 4))
    assert near(first, top_or_left), f"expected {top_or_left} at the top/left, got {first}"
    assert near(second, bottom_or_right), f"expected {bottom_or_right} at the bottom/right, got {second}"


# Corners (top-left, top-right, bottom-left, bottom-right) of the upright image for each EXIF orientation,
# for a stored image with red top-left, blue top-right, green bottom-left and yellow bottom-right.
R, B, G, Y = f.RED, f.BLUE, f.GREEN, f.YELLOW
UPRIGHT_CORNERS = {
    1: (R, B, G, Y),
    2: (B, R, Y, G),  # mirrored left-right
    3: (Y, G, B, R),  # turned 180°
    4: (G, Y, R, B),  # mirrored top-bottom
    5: (R, G, B, Y),  # mirrored along the main diagonal
    6: (G, R, Y, B),  # turned 90° clockwise
    7: (Y, B, G, R),  # mirrored along the other diagonal
    8: (B, Y, R, G),  # turned 90° anticlockwise
}


@pytest.mark.parametrize("orientation", UPRIGHT_CORNERS)
def test_all_eight_orientations_including_mirrored_ones(orientation):
    data = f.encode(f.quadrants((80, 40)), "PNG", exif=f.orientation_exif(orientation))
    cleaned = clean(data)
    image = cleaned.image
    width, height = image.size
    assert (width, height) == ((40, 80) if orientation >= 5 else (80, 40))
    corners = tuple(image.getpixel(xy) for xy in [(2, 2), (width - 3, 2), (2, height - 3), (width - 3, height - 3)])
    assert corners == UPRIGHT_CORNERS[orientation]
    # The renditions and master carry the same upright picture.
    for encoded in [encode_master(cleaned), *make_renditions(cleaned)]:
        decoded = decode(encoded.data).convert("RGB")
        assert decoded.size == (width, height)
        assert near(decoded.getpixel((4, 4)), UPRIGHT_CORNERS[orientation][0], tolerance=60)


def test_a_phone_jpeg_whose_exif_pillow_cannot_write_back_is_still_accepted_upright_and_clean():
    """EXIF with a tag of an unexpected type (as some editing apps leave) must not break the upload: the
    pixels are fine, the orientation is readable, and the EXIF is dropped anyway."""
    data = f.jpeg_with_mistyped_exif_tag(f.halves((200, 100)), orientation=6)
    assert decode(data).getexif()[ExifTags.Base.Orientation] == 6
    cleaned = clean(data)
    assert cleaned.image.size == (100, 200)
    assert near(cleaned.image.getpixel((50, 40)), f.RED)
    assert near(cleaned.image.getpixel((50, 160)), f.BLUE)
    for encoded in [encode_master(cleaned), *make_renditions(cleaned)]:
        assert_no_metadata(encoded.data, f"{encoded.format} {encoded.width}w")


def test_an_image_with_a_nonsense_orientation_value_is_kept_as_stored():
    data = f.encode(f.halves((200, 100)), "PNG", exif=f.orientation_exif(42))
    image = clean(data).image
    assert image.size == (200, 100)
    assert image.getpixel((10, 50)) == f.RED


# === 4. Renditions =====================================================================================


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (1, [1]),
        (100, [100]),
        (319, [319]),
        (320, [320]),
        (321, [320, 321]),
        (700, [320, 480, 640, 700]),
        (1280, [320, 480, 640, 960, 1280]),
        (1919, [320, 480, 640, 960, 1280, 1919]),
        (1920, [320, 480, 640, 960, 1280, 1920]),
        (1921, [320, 480, 640, 960, 1280, 1920]),
        (6000, [320, 480, 640, 960, 1280, 1920]),
    ],
)
def test_rendition_widths_never_upscale_and_include_the_original_up_to_the_largest(original, expected):
    assert rendition_widths(original) == expected


def test_rendition_widths_accepts_other_standard_widths():
    assert rendition_widths(500, (100, 200, 400)) == [100, 200, 400]
    assert rendition_widths(300, (100, 200, 400)) == [100, 200, 300]


@pytest.mark.parametrize(
    ("size", "widths"),
    [
        ((700, 350), [320, 480, 640, 700]),
        ((2400, 30), [320, 480, 640, 960, 1280, 1920]),  # wider than the largest standard width
        ((90, 160), [90]),  # smaller than the smallest: kept at its own size, never enlarged
        ((2400, 3), [320, 480, 640, 960, 1280, 1920]),  # so flat that the smallest rendition is 1 pixel high
    ],
)
def test_each_width_comes_as_webp_and_jpeg_of_the_declared_size_keeping_the_aspect_ratio(size, widths):
    cleaned = clean(f.encode(f.halves(size), "PNG"))
    renditions = make_renditions(cleaned)
    assert sorted((r.width, r.format) for r in renditions) == sorted(
        (w, fmt) for w in widths for fmt in ("webp", "jpeg")
    )
    source_ratio = size[0] / size[1]
    for rendition in renditions:
        image = decode(rendition.data)
        assert image.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition.format]
        assert rendition.extension == {"webp": "webp", "jpeg": "jpg"}[rendition.format]
        assert image.size == (rendition.width, rendition.height), "declared size must match the file"
        assert image.mode == "RGB"
        assert rendition.width <= size[0], "never enlarged"
        assert rendition.height >= 1
        assert rendition.height == max(1, round(size[1] * rendition.width / size[0]))
        # Aspect ratio kept to within the rounding of one pixel of height.
        assert abs(rendition.width / source_ratio - rendition.height) <= 1


def test_renditions_show_the_same_picture():
    cleaned = clean(f.encode(f.halves((700, 350)), "PNG"))
    for rendition in make_renditions(cleaned):
        image = decode(rendition.data).convert("RGB")
        w, h = image.size
        left, right = image.getpixel((w // 4, h // 2)), image.getpixel((3 * w // 4, h // 2))
        assert near(left, f.RED), f"{rendition.format} {rendition.width}w left is {left}"
        assert near(right, f.BLUE), f"{rendition.format} {rendition.width}w right is {right}"


def test_the_master_is_a_full_size_jpeg_of_the_clean_image():
    cleaned = clean(f.encode(f.halves((300, 120)), "PNG"))
    master = encode_master(cleaned)
    image = decode(master.data)
    assert (master.format, master.extension, master.width, master.height) == ("jpeg", "jpg", 300, 120)
    assert image.format == "JPEG" and image.size == (300, 120)
    assert near(image.getpixel((20, 60)), f.RED, tolerance=10)
    assert near(image.getpixel((280, 60)), f.BLUE, tolerance=10)


def _rgba_half_transparent(size=(60, 30)) -> Image.Image:
    """Left half fully transparent (with black hidden under it), right half opaque red."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(f.encode(_rgba_half_transparent(), "PNG"), id="rgba-png"),
        pytest.param(f.encode(_rgba_half_transparent(), "PNG", icc_profile=f.srgb_icc_profile()), id="rgba-png-icc"),
        pytest.param(f.encode(_rgba_half_transparent(), "WEBP", lossless=True), id="rgba-webp"),
        pytest.param(
            f.encode(_rgba_half_transparent(), "WEBP", lossless=True, icc_profile=f.srgb_icc_profile()),
            id="rgba-webp-icc",
        ),
        pytest.param(f.encode(_rgba_half_transparent().convert("LA"), "PNG"), id="la-png"),
        pytest.param(f.encode(_rgba_half_transparent().convert("P"), "PNG", transparency=0), id="palette-png"),
        # PNG optimisers (optipng, oxipng) store an image whose transparent pixels share one colour as RGB or
        # greyscale with a transparent colour key (tRNS) instead of an alpha channel.
        pytest.param(f.encode(f.halves((60, 30), f.BLACK, f.RED), "PNG", transparency=f.BLACK), id="rgb-colour-key"),
        pytest.param(
            f.encode(f.halves((60, 30), f.BLACK, f.RED), "PNG", transparency=f.BLACK, icc_profile=f.srgb_icc_profile()),
            id="rgb-colour-key-icc",
        ),
        pytest.param(
            f.encode(f.halves((60, 30), f.BLACK, f.RED).convert("L"), "PNG", transparency=0), id="grey-colour-key"
        ),
    ],
)
def test_transparent_areas_are_flattened_onto_white_not_black(data):
    cleaned = clean(data)
    assert cleaned.image.mode == "RGB"
    assert cleaned.image.getpixel((5, 15)) == f.WHITE, "transparent background must come out white"
    assert cleaned.image.getpixel((55, 15)) != f.WHITE, "opaque content must be kept"
    for rendition in make_renditions(cleaned):
        assert near(decode(rendition.data).convert("RGB").getpixel((3, rendition.height // 2)), f.WHITE, 12)


def test_half_transparent_black_over_white_becomes_mid_grey():
    data = f.encode(Image.new("RGBA", (20, 20), (0, 0, 0, 128)), "PNG")
    assert near(clean(data).image.getpixel((10, 10)), (127, 127, 127), tolerance=2)


def test_a_16_bit_greyscale_png_becomes_an_8_bit_image_with_its_shades_kept():
    """A radiograph saved as 16-bit PNG: a gradient from black to white must stay a gradient."""
    values = [round(i * 65535 / 255) for i in range(256)]
    row = b"".join(v.to_bytes(2, "little") for v in values)
    gradient = Image.frombytes("I;16", (256, 8), row * 8)
    data = f.encode(gradient, "PNG")
    assert decode(data).mode == "I;16", "the test file really is 16-bit"
    image = clean(data).image
    assert image.mode == "RGB" and image.size == (256, 8)
    shades = [image.getpixel((x, 4))[0] for x in range(256)]
    assert shades[0] <= 2
    assert shades[-1] >= 253
    assert abs(shades[128] - 128) <= 2
    assert shades == sorted(shades), "brighter in the file must stay brighter"
    assert len(set(shades)) > 200, "the shades must not collapse to a few (clipped to all white or all black)"
    r, g, b = image.getpixel((100, 4))
    assert r == g == b, "greyscale stays grey"


def test_a_16_bit_greyscale_png_of_mid_tones_is_not_clipped_to_white():
    """Plain conversion of 16-bit values to 8 bits clips everything above 255 to white; scaling must not.

    16-bit images are scaled by their own range (test_sixteen_bit.py), so a flat one comes out mid-grey.
    """
    data = f.encode(Image.new("I;16", (16, 16), 20_000), "PNG")
    (shade, _, _) = clean(data).image.getpixel((8, 8))
    assert shade == 128


def test_a_cmyk_jpeg_is_accepted_and_converted_to_rgb():
    cmyk = Image.new("CMYK", (60, 30), (0, 0, 0, 0))  # white
    cmyk.paste((0, 255, 255, 0), (0, 0, 30, 30))  # left half: magenta + yellow = red
    cmyk.paste((255, 255, 0, 0), (30, 0, 60, 30))  # right half: cyan + magenta = blue
    data = f.encode(cmyk, "JPEG", quality=95)
    assert decode(data).mode == "CMYK"
    cleaned = clean(data)
    assert cleaned.source_format == "JPEG"
    assert cleaned.image.mode == "RGB"
    assert near(cleaned.image.getpixel((10, 15)), f.RED, tolerance=50)
    assert near(cleaned.image.getpixel((50, 15)), f.BLUE, tolerance=50)
    assert len(make_renditions(cleaned)) == 2


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(f.encode(f.halves((60, 30)).convert("L"), "JPEG"), id="greyscale-jpeg"),
        pytest.param(f.encode(f.halves((60, 30), f.WHITE, f.BLACK).convert("1"), "PNG"), id="1-bit-png"),
        pytest.param(f.encode(f.halves((60, 30)).convert("P"), "PNG"), id="palette-png"),
        pytest.param(f.encode(f.halves((60, 30)), "WEBP", lossless=True), id="lossless-webp"),
    ],
)
def test_other_image_modes_become_rgb(data):
    cleaned = clean(data)
    assert cleaned.image.mode == "RGB"
    assert cleaned.image.size == (60, 30)
    assert cleaned.image.getpixel((10, 15)) != cleaned.image.getpixel((50, 15)), "the two halves stay different"


def test_an_animated_webp_gives_its_first_frame():
    frames = [Image.new("RGB", (40, 20), colour) for colour in (f.RED, f.BLUE)]
    data = f.encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True, duration=100)
    assert getattr(decode(data), "n_frames", 1) == 2
    assert clean(data).image.getpixel((20, 10)) == f.RED


# === 5. Properties =====================================================================================

# Image modes each format can store, as an uploader might send them.
MODES_BY_FORMAT = {
    "PNG": ["RGB", "RGBA", "L", "LA", "P", "1", "I;16"],
    "JPEG": ["RGB", "L", "CMYK"],
    "WEBP": ["RGB", "RGBA"],
}
FORMAT_AND_MODE = st.sampled_from([(fmt, mode) for fmt, modes in MODES_BY_FORMAT.items() for mode in modes])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    format_and_mode=FORMAT_AND_MODE,
    width=st.integers(1, 48),
    height=st.integers(1, 48),
    orientation=st.integers(1, 8),
    seed=st.integers(0, 2**16),
)
def test_any_small_image_comes_out_rgb_upright_and_with_renditions_no_wider_than_it(
    format_and_mode, width, height, orientation, seed
):
    image_format, mode = format_and_mode
    source = f.noise((width, height), "RGB", seed).convert(mode)
    data = f.encode(source, image_format, exif=f.orientation_exif(orientation))
    cleaned = clean(data)
    upright = (height, width) if orientation >= 5 else (width, height)
    assert cleaned.image.mode == "RGB"
    assert cleaned.image.size == upright
    assert cleaned.image.info == {}

    renditions = make_renditions(cleaned)
    assert sorted({r.width for r in renditions}) == rendition_widths(cleaned.width)
    for rendition in renditions:
        assert 1 <= rendition.width <= cleaned.width
        assert 1 <= rendition.height <= cleaned.height
        assert decode(rendition.data).size == (rendition.width, rendition.height)


@given(original=st.integers(1, 20_000))
def test_rendition_widths_properties(original):
    widths = rendition_widths(original)
    assert widths == sorted(set(widths))
    assert max(widths) == min(original, max(RENDITION_WIDTHS))
    assert all(1 <= w <= original for w in widths)
    assert {w for w in RENDITION_WIDTHS if w < original} <= set(widths), "every smaller standard width is made"
    assert set(widths) - set(RENDITION_WIDTHS) <= {original}, "the only other width is the original's own"


SMALL_FILES = [
    f.encode(f.noise((24, 16)), "JPEG", quality=80),
    f.encode(f.noise((24, 16)), "PNG"),
    f.encode(f.noise((24, 16)), "WEBP", quality=80),
    f.encode(f.noise((24, 16)).convert("RGBA"), "WEBP", lossless=True),
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    original=st.sampled_from(SMALL_FILES),
    cut=st.integers(0, 4000),
    flips=st.lists(st.tuples(st.integers(0, 4000), st.integers(1, 255)), max_size=4),
)
def test_a_damaged_upload_is_either_accepted_or_refused_with_a_message_never_a_crash(original, cut, flips):
    """Whatever happened to the bytes on the way, the educator gets an image or a message, not a server error."""
    data = bytearray(original[: max(1, len(original) - cut)])
    for position, mask in flips:
        data[position % len(data)] ^= mask
    try:
        cleaned = clean(bytes(data))
    except ImageRejected as rejected:
        assert str(rejected), "the educator must be told why"
    else:
        assert cleaned.image.mode == "RGB"
