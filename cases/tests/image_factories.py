"""Build test images in memory for the image pipeline tests (cases.images).

Everything here returns bytes or small Pillow images; nothing touches the disk. The "secret" strings are
planted in an image's metadata so a test can search the pipeline's output bytes for them.
"""

import io
import os
import random
import struct
import zlib

from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

RED = (255, 0, 0)
BLUE = (0, 0, 255)
GREEN = (0, 255, 0)
YELLOW = (255, 255, 0)
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)

# Marker strings planted in metadata. None of them can come out of the pipeline.
CAMERA_MAKE = "SecretMakerCorp"
CAMERA_MODEL = "SecretPhone-9000-Pro"
BODY_SERIAL = "SERIAL-7731-0042"
DATE_TAKEN = "2023:04:05 06:07:08"
GPS_METHOD = "GPS-FIX-NEAR-PATIENT-HOME"
IMAGE_DESCRIPTION = "Jane Doe, ward 7, bed 3"
COMMENT_TEXT = "PATIENT-NAME-IN-JPEG-COMMENT"
XMP_MARKER = "XMP-SECRET-CITY-OF-CAPTURE"
PNG_TEXT_MARKER = "PNG-TEXT-CHUNK-SECRET"
PNG_ITXT_MARKER = "PNG-ITXT-CHUNK-SECRET"
PNG_ZTXT_MARKER = "PNG-ZTXT-COMPRESSED-SECRET"
GPS_LATITUDE = (51.0, 30.0, 26.5)
GPS_LONGITUDE = (0.0, 7.0, 39.25)

XMP_PACKET = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
    f'photoshop:City="{XMP_MARKER}"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
).encode()

# Byte strings whose presence in an encoded file means metadata got through.
PLANTED_MARKERS = (
    CAMERA_MAKE,
    CAMERA_MODEL,
    BODY_SERIAL,
    DATE_TAKEN,
    GPS_METHOD,
    IMAGE_DESCRIPTION,
    COMMENT_TEXT,
    XMP_MARKER,
    PNG_TEXT_MARKER,
    PNG_ITXT_MARKER,
    PNG_ZTXT_MARKER,
)
# Container signatures of the metadata blocks themselves: the EXIF APP1 header and TIFF headers,
# the ICC profile signature, the XMP namespace, and the PNG/WebP chunk names for text, EXIF, XMP and ICC.
METADATA_SIGNATURES = (b"Exif\x00\x00", b"II*\x00", b"MM\x00*", b"acsp", b"ns.adobe.com/xap", b"adobe:ns:meta")
PNG_METADATA_CHUNKS = (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP", b"tIME")
WEBP_METADATA_CHUNKS = (b"EXIF", b"XMP ", b"ICCP")


def srgb_icc_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def encode(image: Image.Image, image_format: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **params)
    return buffer.getvalue()


def noise(size: tuple[int, int], mode: str = "RGB", seed: int = 0) -> Image.Image:
    """Deterministic noise, so encoded files are not trivially small and compress like photographs."""
    bands = len(mode)
    rng = random.Random(seed)
    return Image.frombytes(mode, size, bytes(rng.getrandbits(8) for _ in range(size[0] * size[1] * bands)))


def halves(size: tuple[int, int] = (200, 100), left=RED, right=BLUE) -> Image.Image:
    """Left half one colour, right half another."""
    width, height = size
    image = Image.new("RGB", size, right)
    image.paste(left, (0, 0, width // 2, height))
    return image


def quadrants(size: tuple[int, int] = (80, 40)) -> Image.Image:
    """Top-left red, top-right blue, bottom-left green, bottom-right yellow: every flip and turn looks different."""
    width, height = size
    image = Image.new("RGB", size)
    image.paste(RED, (0, 0, width // 2, height // 2))
    image.paste(BLUE, (width // 2, 0, width, height // 2))
    image.paste(GREEN, (0, height // 2, width // 2, height))
    image.paste(YELLOW, (width // 2, height // 2, width, height))
    return image


def orientation_exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return exif


def phone_exif(orientation: int | None = 1) -> Image.Exif:
    """EXIF as a phone camera writes it: camera, serial, date taken, GPS position, and orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.Base.Model] = CAMERA_MODEL
    exif[ExifTags.Base.ImageDescription] = IMAGE_DESCRIPTION
    exif[ExifTags.Base.Software] = "PhoneOS 17.4"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    exif_ifd = exif.get_ifd(ExifTags.IFD.Exif)
    exif_ifd[ExifTags.Base.DateTimeOriginal] = DATE_TAKEN
    exif_ifd[ExifTags.Base.BodySerialNumber] = BODY_SERIAL
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSVersionID] = b"\x02\x02\x00\x00"
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = GPS_LONGITUDE
    gps[ExifTags.GPS.GPSProcessingMethod] = b"ASCII\x00\x00\x00" + GPS_METHOD.encode()
    return exif


def phone_jpeg(image: Image.Image | None = None, orientation: int = 6) -> bytes:
    """A JPEG carrying everything a phone or editing app might leave in it."""
    image = image if image is not None else noise((96, 64))
    return encode(
        image,
        "JPEG",
        quality=90,
        exif=phone_exif(orientation),
        comment=COMMENT_TEXT,
        icc_profile=srgb_icc_profile(),
        xmp=XMP_PACKET,
    )


def phone_webp(image: Image.Image | None = None, orientation: int = 6) -> bytes:
    image = image if image is not None else noise((96, 64))
    return encode(
        image, "WEBP", quality=90, exif=phone_exif(orientation), icc_profile=srgb_icc_profile(), xmp=XMP_PACKET
    )


def png_with_text(image: Image.Image | None = None, orientation: int = 1) -> bytes:
    """A PNG with tEXt, iTXt and zTXt chunks, an XMP packet, EXIF (eXIf) and an ICC profile (iCCP)."""
    image = image if image is not None else noise((96, 64))
    info = PngInfo()
    info.add_text("Comment", PNG_TEXT_MARKER)
    info.add_itxt("Author", PNG_ITXT_MARKER, lang="en", tkey="Author")
    info.add_text("Description", PNG_ZTXT_MARKER, zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP_PACKET.decode())
    return encode(image, "PNG", pnginfo=info, exif=phone_exif(orientation), icc_profile=srgb_icc_profile())


# --- Hand-built PNGs: a header that declares any size without allocating the pixels -------------------


def png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", zlib.crc32(chunk_type + data))


def declared_size_png(width: int, height: int) -> bytes:
    """A well-formed PNG whose IHDR claims width x height RGB pixels, followed by a tiny IDAT.

    Pillow reads the size from IHDR alone, so this is how a decompression bomb looks before decoding:
    a few dozen bytes that would need gigabytes once decoded.
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, truecolour, no interlace
    idat = zlib.compress(b"\x00" * 64, 9)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


def random_bytes(n: int) -> bytes:
    return os.urandom(n)


HTML_PAGE = b"<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(1)</script></body></html>\n"
SVG_IMAGE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<circle cx="50" cy="50" r="40" fill="red"/><script>alert(1)</script></svg>\n'
)
PDF_DOCUMENT = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
PLAIN_TEXT = b"Patient notes: calcinosis cutis of the left elbow.\n"


def gif_image() -> bytes:
    return encode(halves((40, 20)), "GIF")


def jpeg_with_mistyped_exif_tag(image: Image.Image | None = None, orientation: int = 6) -> bytes:
    """A phone JPEG whose ImageDescription tag (270, text) is renumbered 265, a TIFF tag that holds numbers.

    Pillow reads such EXIF fine but cannot write it back; some editing apps leave tags like this.
    """
    data = phone_jpeg(image, orientation)
    entry = b"\x01\x0e\x00\x02"  # tag 270, type ASCII, in the big-endian EXIF Pillow writes
    assert data.count(entry) == 1
    return data.replace(entry, b"\x01\x09\x00\x02")
