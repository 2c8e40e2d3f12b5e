"""The figure image pipeline: check an upload, clean it, and make the renditions pages serve.

Every figure image goes through here, whoever uploads it:

1. Only JPEG, PNG and WebP are accepted, decided by decoding the bytes with Pillow, never by the file
   name. Files over the byte limit or the pixel limit, decompression bombs, truncated files, SVG and
   anything else are rejected with a message an educator can act on (``ImageRejected``).
2. The image is turned upright from its EXIF orientation, converted to sRGB, and copied from its
   pixels alone into a new image. Nothing else is carried over, so no EXIF (camera, date, GPS), XMP,
   ICC profile, comment or maker data can reach a learner.
3. Renditions are made once, at upload: several widths, each as WebP and as JPEG. An image whose master
   or renditions would be longer than their format allows (16,383 pixels a side for WebP, 65,500 for
   JPEG) is refused in step 1, so an upload that passes the checks can always be stored.
"""

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import ExifTags, Image, ImageCms, UnidentifiedImageError

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# 480: a figure shown as a two-column thumbnail on a phone (about 170 CSS pixels wide) on a 2x screen needs 340-375
# pixels; without 480 the browser takes the 640, about twice the bytes (30 thumbnails: 796 KB at 640 px).
# Figures made before 480 was added get it from ``manage.py rebuild_renditions``.
RENDITION_WIDTHS = (320, 480, 640, 960, 1280, 1920)
WEBP_QUALITY = 80
JPEG_QUALITY = 82
MASTER_QUALITY = 95
# The longest side each format can encode: libwebp's limit, and libjpeg's JPEG_MAX_DIMENSION (65,500,
# not the 65,535 the JPEG header could hold).
MAX_SIDE = {"webp": 16_383, "jpeg": 65_500}


class ImageRejected(ValueError):
    """The upload cannot be used as a figure. The message is written for the educator."""


DAMAGED_MESSAGE = (
    "The image file is damaged or incomplete (it may have been cut off while copying). "
    "Open it on your computer, save it again, and upload the new file."
)


@dataclass(frozen=True)
class CleanImage:
    """An upright RGB image with no metadata, ready to be stored and resized."""

    image: Image.Image
    source_format: str

    @property
    def width(self) -> int:
        return self.image.width

    @property
    def height(self) -> int:
        return self.image.height


@dataclass(frozen=True)
class EncodedImage:
    format: str  # "webp" or "jpeg"
    width: int
    height: int
    data: bytes

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def read_limited(fileobj, max_bytes: int) -> bytes:
    """Read at most max_bytes; reject the file if it is larger, or empty."""
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    data = fileobj.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRejected(
            f"The file is larger than the {_megabytes(max_bytes)} limit. Save it smaller and try again."
        )
    if not data:
        raise ImageRejected("The file is empty.")
    return data


def clean_upload(fileobj, *, max_bytes: int, max_pixels: int) -> CleanImage:
    """Check an uploaded file and return its pixels, upright and stripped of all metadata."""
    data = read_limited(fileobj, max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError:
        raise ImageRejected(
            "This file is not a JPEG, PNG or WebP image. Other formats (SVG, HEIC, PDF, GIF...) are not "
            "accepted: export the image as JPEG or PNG and upload that."
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(f"The image has too many pixels; the limit is {max_pixels / 1e6:.0f} megapixels.") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Recognised as JPEG, PNG or WebP but unreadable from the header on (a cut-off WebP, a JPEG cut
        # inside its header): the same advice as for a file that breaks while decoding.
        raise ImageRejected(DAMAGED_MESSAGE) from None

    width, height = image.size
    if width < 1 or height < 1:
        raise ImageRejected("The image has no pixels.")
    if width * height > max_pixels:
        raise ImageRejected(
            f"The image is {width} × {height} pixels ({width * height / 1e6:.0f} megapixels); "
            f"the limit is {max_pixels / 1e6:.0f} megapixels. Resize it and try again."
        )
    source_format = image.format
    try:
        image.seek(0)  # first frame of an animated WebP or PNG
        image.load()
        upright = _upright(image)
        rgb = _to_srgb_rgb(upright)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise ImageRejected(DAMAGED_MESSAGE) from None
    # Checked on the upright size: a sideways photograph's renditions are made the right way up.
    return clean_pixels(rgb, source_format)


def clean_pixels(image: Image.Image, source_format: str) -> CleanImage:
    """The last step of every upload, also for DICOM (cases.dicom): an RGB copy of the pixels alone.

    A new image built from the pixel bytes carries no info dict: no EXIF, XMP, ICC or comment.
    """
    rgb = image.convert("RGB")
    check_encodable(*rgb.size)
    pixels_only = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    return CleanImage(image=pixels_only, source_format=source_format)


def check_encodable(width: int, height: int) -> None:
    """Refuse an upright image whose master or renditions would be longer than their format allows.

    The master is a full-size JPEG; the renditions are WebP and JPEG copies no wider than 1920 pixels, so
    a panorama wider than WebP's limit is fine, but a narrow strip keeps its full height in its renditions.
    """
    advice = "Crop it, or cut it into parts and upload each part as its own figure."
    if max(width, height) > MAX_SIDE["jpeg"]:
        raise ImageRejected(
            f"The image is {width} × {height} pixels. The site keeps each figure as a JPEG image, which can be "
            f"at most {MAX_SIDE['jpeg']:,} pixels long on any side. {advice}"
        )
    for rendition_width, rendition_height in rendition_sizes(width, height):
        if max(rendition_width, rendition_height) > MAX_SIDE["webp"]:
            raise ImageRejected(
                f"The image is {width} × {height} pixels, too long and narrow for the web pages: resized for them "
                f"it would still be {rendition_width} × {rendition_height} pixels, and the WebP images the pages "
                f"show can be at most {MAX_SIDE['webp']:,} pixels long on any side. {advice}"
            )


# How to turn the stored pixels for each EXIF orientation value so the image is upright.
_TRANSPOSE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(image: Image.Image) -> Image.Image:
    """Turn the image as its EXIF orientation says.

    Not ImageOps.exif_transpose: besides turning the pixels it rewrites the EXIF it keeps, and that
    raises struct.error when a tag holds a value of an unexpected type (as some editing apps write).
    The EXIF is thrown away here anyway, so only the orientation value is read. EXIF too damaged to
    read leaves the image as stored, as a browser would show it.
    """
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError, KeyError, struct.error):
        return image
    method = _TRANSPOSE_FOR_ORIENTATION.get(orientation) if isinstance(orientation, int) else None
    return image.transpose(method) if method is not None else image


def _alpha_mask(image: Image.Image) -> Image.Image | None:
    """Where the image is transparent, as an "L" mask (0 = transparent), or None if it is opaque.

    Covers an alpha channel and also PNG's transparency key (tRNS) on palette, greyscale and RGB images,
    which PNG optimisers write instead of an alpha channel when the transparent pixels share one colour.
    """
    if "A" in image.getbands():
        return image.getchannel("A")
    if "transparency" in image.info and image.mode in ("1", "L", "P", "RGB"):
        return image.convert("RGBA").getchannel("A")
    return None


def _to_srgb_rgb(image: Image.Image) -> Image.Image:
    """Convert any accepted mode to 8-bit RGB in the sRGB colour space, transparent areas onto white."""
    # Taken first: the colour conversion below works on RGB and would drop the transparency, leaving
    # transparent areas showing whatever colour lies under them (often black).
    alpha = _alpha_mask(image)
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            converted = ImageCms.profileToProfile(
                image.convert("RGB") if image.mode in ("RGBA", "L") else image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the pixels as they are
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = stretch_to_8_bit(image)
    rgb = image.convert("RGB")
    if alpha is None:
        return rgb
    background = Image.new("RGB", rgb.size, (255, 255, 255))
    background.paste(rgb, mask=alpha)
    return background


def stretch_to_8_bit(image: Image.Image) -> Image.Image:
    """Map a greyscale image of more than 8 bits onto 0..255 by its own range: darkest black, brightest white.

    Not by the bit depth: a 12-bit radiograph saved as a 16-bit PNG uses 0..4095 of 0..65,535, and dividing
    by 256 would leave it almost black. Not a percentile window either (as ImageJ's "auto" contrast uses):
    the brightest few pixels of a radiograph are often the finding itself (a calcification, a foreign
    body), and a window that clips them would show them as a flat white blob. A flat image is mid-grey.
    """
    wide = image.convert("I")
    low, high = wide.getextrema()
    if high <= low:
        return Image.new("L", image.size, 128)
    scale = 255 / (high - low)
    # Pillow's point() on an "I" image applies value * scale + offset in one pass, without numpy; the 0.5
    # rounds rather than truncates, so the brightest pixel is 255, not 254.
    return wide.point(lambda value: value * scale + (0.5 - low * scale)).convert("L")


def _encode(image: Image.Image, image_format: str, quality: int) -> bytes:
    buffer = io.BytesIO()
    if image_format == "jpeg":
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    elif image_format == "webp":
        image.save(buffer, "WEBP", quality=quality, method=4)
    else:
        raise ValueError(f"Unknown rendition format {image_format!r}")
    return buffer.getvalue()


def encode_master(clean: CleanImage) -> EncodedImage:
    """The full-size cleaned image, kept privately so renditions can be remade later."""
    buffer = io.BytesIO()
    clean.image.save(buffer, "JPEG", quality=MASTER_QUALITY, subsampling=0)
    return EncodedImage("jpeg", clean.width, clean.height, buffer.getvalue())


def rendition_widths(original_width: int, widths: tuple[int, ...] = RENDITION_WIDTHS) -> list[int]:
    """The widths to make: every standard width below the original, and the original up to the largest."""
    chosen = {w for w in widths if w < original_width}
    chosen.add(min(original_width, max(widths)))
    return sorted(chosen)


def rendition_sizes(original_width: int, original_height: int) -> list[tuple[int, int]]:
    """(width, height) of each rendition, keeping the aspect ratio; never less than one pixel high."""
    return [
        (width, max(1, round(original_height * width / original_width))) for width in rendition_widths(original_width)
    ]


def make_renditions(clean: CleanImage) -> list[EncodedImage]:
    renditions = []
    for width, height in rendition_sizes(clean.width, clean.height):
        resized = clean.image if width == clean.width else clean.image.resize((width, height), Image.Resampling.LANCZOS)
        for image_format, quality in (("webp", WEBP_QUALITY), ("jpeg", JPEG_QUALITY)):
            renditions.append(EncodedImage(image_format, width, height, _encode(resized, image_format, quality)))
    return renditions
