"""The drawn stand-ins for figure 1 of the demo case (no database needed)."""

from functools import cache

import pytest
from PIL import Image, ImageDraw, ImageStat

from demo.figures import FIGURE_SIZE, RADIOGRAPH_BONES, RADIOGRAPH_MASSES, Mass, draw_figure

LABELS = ["1A", "1B", "1C", "1D"]
RADIOGRAPHS = ["1C", "1D"]
CLEARANCE = 0.02  # masses stay at least this far (relative to the image) from every bone box


@cache
def _drawn(label):
    """Each figure drawn once for the whole module; tests must not change it."""
    return draw_figure(label)


def _gap(mass: Mass, box) -> float:
    """Distance between the mass's bounding box and a bone box, along whichever axis separates them."""
    x, y, w, h = box
    return max(
        x - (mass.cx + mass.rx), (mass.cx - mass.rx) - (x + w), y - (mass.cy + mass.ry), (mass.cy - mass.ry) - (y + h)
    )


def _mean_in(image: Image.Image, shape: str, box) -> float:
    """Mean grey level of ``image`` inside a rectangle or an ellipse given in pixels."""
    mask = Image.new("L", image.size, 0)
    getattr(ImageDraw.Draw(mask), shape)(box, fill=255)
    return ImageStat.Stat(image.convert("L"), mask).mean[0]


def _pixels(x0: float, y0: float, x1: float, y1: float) -> list[float]:
    width, height = FIGURE_SIZE
    return [x0 * width, y0 * height, x1 * width, y1 * height]


@pytest.mark.parametrize("label", LABELS)
def test_each_figure_is_an_rgb_image_of_the_figure_size(label):
    image = _drawn(label)
    assert image.mode == "RGB"
    assert image.size == FIGURE_SIZE


@pytest.mark.parametrize("label", LABELS)
def test_drawing_is_deterministic(label):
    assert draw_figure(label).tobytes() == _drawn(label).tobytes()


@pytest.mark.parametrize("label", ["1E", "1a", "", "figure 1A"])
def test_unknown_label_raises_key_error(label):
    with pytest.raises(KeyError):
        draw_figure(label)


def test_radiographs_have_three_to_five_masses_and_named_bones():
    assert set(RADIOGRAPH_MASSES) == set(RADIOGRAPHS) == set(RADIOGRAPH_BONES)
    for label in RADIOGRAPHS:
        assert 3 <= len(RADIOGRAPH_MASSES[label]) <= 5
    assert {"humerus", "olecranon", "radius"} <= set(RADIOGRAPH_BONES["1C"])
    assert {"femur", "patella", "tibia"} <= set(RADIOGRAPH_BONES["1D"])


@pytest.mark.parametrize("label", RADIOGRAPHS)
def test_masses_and_bone_boxes_are_inside_the_picture(label):
    """Inside the image, below the banner (top 8.5%) and above the bottom label's band."""
    for mass in RADIOGRAPH_MASSES[label]:
        assert mass.rx > 0 and mass.ry > 0
        assert 0 <= mass.cx - mass.rx and mass.cx + mass.rx <= 1, mass
        assert 0.09 <= mass.cy - mass.ry and mass.cy + mass.ry <= 0.93, mass
    for name, (x, y, w, h) in RADIOGRAPH_BONES[label].items():
        assert w > 0 and h > 0
        assert 0 <= x and x + w <= 1, name
        assert 0.09 <= y and y + h <= 0.93, name


@pytest.mark.parametrize("label", RADIOGRAPHS)
def test_masses_stay_clear_of_every_bone_box(label):
    for mass in RADIOGRAPH_MASSES[label]:
        for name, box in RADIOGRAPH_BONES[label].items():
            assert _gap(mass, box) >= CLEARANCE, (mass, name)


@pytest.mark.parametrize("label", RADIOGRAPHS)
def test_masses_are_brighter_than_bone(label):
    """The middle of each mass (half its radii) is brighter on average than any bone box."""
    image = _drawn(label)
    bone_means = {
        name: _mean_in(image, "rectangle", _pixels(x, y, x + w, y + h))
        for name, (x, y, w, h) in RADIOGRAPH_BONES[label].items()
    }
    for mass in RADIOGRAPH_MASSES[label]:
        rx, ry = mass.rx / 2, mass.ry / 2
        middle = _mean_in(image, "ellipse", _pixels(mass.cx - rx, mass.cy - ry, mass.cx + rx, mass.cy + ry))
        for name, bone in bone_means.items():
            assert middle > bone, (mass, name, middle, bone)


@pytest.mark.parametrize("label", RADIOGRAPHS)
def test_radiograph_background_is_dark(label):
    """A corner away from the limb is near black, as on a radiograph."""
    corner = _mean_in(_drawn(label), "rectangle", _pixels(0.01, 0.12, 0.08, 0.30))
    assert corner < 30
