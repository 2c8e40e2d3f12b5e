"""16-bit greyscale uploads (radiographs exported as 16-bit PNG) keep their contrast.

A detector records 10 to 16 bits; a 12-bit radiograph saved as a 16-bit PNG uses only 0..4095 of 0..65535.
Scaling such an image down by 256 (as if it filled the whole 16-bit range) leaves every pixel at 0..15: an
almost black figure. The pipeline scales by the image's own range instead (darkest pixel black, brightest
white), so these tests look at the pixel statistics a learner would see.
"""

import io
import statistics

import numpy as np
from PIL import Image

from cases.images import clean_upload, make_renditions

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000


def sixteen_bit_png(values: np.ndarray) -> bytes:
    image = Image.fromarray(values.astype(np.uint16))
    assert image.mode.startswith("I;16")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data = buffer.getvalue()
    assert data[24] == 16, "the test file must really be a 16-bit PNG (IHDR bit depth)"
    return data


def twelve_bit_radiograph(width: int = 256, height: int = 192) -> np.ndarray:
    """A 12-bit 'radiograph': a dark background, a soft-tissue band and a bright bone, values 0..4095."""
    rng = np.random.default_rng(7)
    image = np.full((height, width), 300.0)
    image[:, width // 4 : 3 * width // 4] = 1400.0  # soft tissue
    image[:, 3 * width // 8 : 5 * width // 8] = 3500.0  # bone
    image += rng.normal(0, 60, image.shape)
    image[0, 0], image[-1, -1] = 0, 4095  # the full 12-bit range is used
    return np.clip(image, 0, 4095)


def grey_levels(image: Image.Image) -> list[int]:
    return np.asarray(image.convert("L")).ravel().tolist()


def test_a_12_bit_radiograph_in_a_16_bit_png_uses_the_whole_grey_scale():
    clean = clean_upload(
        io.BytesIO(sixteen_bit_png(twelve_bit_radiograph())), max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS
    )

    levels = grey_levels(clean.image)
    assert min(levels) == 0
    assert max(levels) == 255
    assert 60 < statistics.mean(levels) < 200, "a radiograph is not almost black (or white) on average"
    # The three tissues stay three clearly different greys: background < soft tissue < bone.
    row = grey_levels(clean.image.crop((0, 96, 256, 97)))
    background, soft_tissue, bone = row[10], row[80], row[128]
    assert background < 50 < soft_tissue < 150 < bone


def test_the_grey_scale_follows_the_image_range_not_the_bit_depth():
    """A narrow range high up in 16 bits (e.g. 30,000..31,000) still spreads from black to white."""
    values = np.tile(np.linspace(30_000, 31_000, 200), (50, 1))
    clean = clean_upload(io.BytesIO(sixteen_bit_png(values)), max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)
    levels = grey_levels(clean.image)
    assert (min(levels), max(levels)) == (0, 255)
    assert len(set(levels)) > 190  # a smooth ramp of 200 columns, not a few bands


def test_a_flat_16_bit_image_is_mid_grey_not_an_error():
    clean = clean_upload(
        io.BytesIO(sixteen_bit_png(np.full((20, 30), 1234))), max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS
    )
    assert set(grey_levels(clean.image)) == {128}


def test_renditions_of_a_16_bit_radiograph_keep_its_contrast():
    clean = clean_upload(
        io.BytesIO(sixteen_bit_png(twelve_bit_radiograph(800, 600))), max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS
    )
    for rendition in make_renditions(clean):
        levels = grey_levels(Image.open(io.BytesIO(rendition.data)))
        assert statistics.pstdev(levels) > 40, f"{rendition.width}px {rendition.format} has lost its contrast"
        assert 60 < statistics.mean(levels) < 200
