"""Drawn stand-ins for figure 1 of the demo case report (calcinosis cutis).

We do not have the published report's figures, so this module draws four SCHEMATIC
ILLUSTRATIONS with Pillow in their place. They are not patient images: each one carries, burned
in, a banner saying so and a label such as "Figure 1A · left elbow (drawn)". They follow only the
report's legend ("Appearance of the left elbow (A) and the right knee (B) on clinical examination.
Left elbow (C) and right knee (D) radiograph.") and text (1B: "note a large deposit breaking through
the skin"; 1C/1D: "multiple, heterogeneous soft-tissue calcified masses"). The positions, sizes and
numbers of nodules and masses are made up for the drawing.

- 1A: a bent left arm with pale subcutaneous nodules over the point of the elbow, photograph style.
- 1B: a right leg seen from the front, with pale nodules around the knee and one large chalky
  deposit breaking through the skin in a red ulcerated rim.
- 1C, 1D: radiograph style, on the outlines of the same arm and leg: dim soft tissue, grey bones
  with a brighter rim, and bright, lumpy, uneven masses in the soft tissue.

``RADIOGRAPH_MASSES`` and ``RADIOGRAPH_BONES`` say where the masses and bones of 1C and 1D are
drawn, in coordinates relative to the image, so that a quiz can ask for a calcified mass and know
the right (mass) and wrong (bone) regions. Every mass is drawn at least 2% of the image away from
every bone box.

Drawing is deterministic: the only randomness is ``random.Random`` seeded with the figure's label.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FIGURE_SIZE = (1200, 900)


@dataclass(frozen=True)
class Mass:
    """The ellipse that bounds one drawn calcified mass.

    ``cx`` and ``rx`` are fractions of the image width, ``cy`` and ``ry`` fractions of its height.
    """

    cx: float
    cy: float
    rx: float
    ry: float


RADIOGRAPH_MASSES: dict[str, tuple[Mass, ...]] = {
    # Left elbow, forearm to the right: behind the point of the elbow, at the back of the upper arm
    # and along the lower border of the forearm.
    "1C": (
        Mass(0.245, 0.835, 0.048, 0.068),
        Mass(0.255, 0.695, 0.034, 0.045),
        Mass(0.258, 0.555, 0.030, 0.042),
        Mass(0.540, 0.855, 0.045, 0.033),
        Mass(0.700, 0.852, 0.028, 0.028),
    ),
    # Right knee from the front: soft tissue on both sides of the knee.
    "1D": (
        Mass(0.335, 0.500, 0.030, 0.058),
        Mass(0.675, 0.470, 0.042, 0.072),
        Mass(0.672, 0.720, 0.026, 0.038),
        Mass(0.310, 0.765, 0.020, 0.034),
        Mass(0.665, 0.270, 0.020, 0.030),
    ),
}

# Named bone regions of the two radiographs as relative bounding boxes (x, y, width, height).
RADIOGRAPH_BONES: dict[str, dict[str, tuple[float, float, float, float]]] = {
    "1C": {
        "humerus": (0.368, 0.090, 0.118, 0.618),
        "olecranon": (0.318, 0.550, 0.162, 0.250),
        "radius": (0.475, 0.605, 0.525, 0.090),
        "ulna": (0.470, 0.670, 0.530, 0.125),
    },
    "1D": {
        "femur": (0.390, 0.090, 0.220, 0.545),
        "patella": (0.445, 0.385, 0.110, 0.165),
        "tibia": (0.390, 0.640, 0.220, 0.290),
        "fibula": (0.360, 0.690, 0.060, 0.240),
    },
}

_CAPTIONS = {
    "1A": ("left elbow", "image"),
    "1B": ("right knee", "image"),
    "1C": ("left elbow radiograph", "radiograph"),
    "1D": ("right knee radiograph", "radiograph"),
}


def draw_figure(label: str) -> Image.Image:
    """Draw figure ``label`` ("1A" to "1D") as an RGB image of ``FIGURE_SIZE``, banner included."""
    if label not in _DRAWERS:
        raise KeyError(label)
    scene = _DRAWERS[label](random.Random(f"figure-{label}"))
    image = scene.resize(FIGURE_SIZE, Image.Resampling.LANCZOS).convert("RGB")
    part, kind = _CAPTIONS[label]
    _add_banner(image, f"SCHEMATIC ILLUSTRATION – not the patient's {kind}")
    _add_label(image, f"Figure {label} · {part} (drawn)")
    return image


# --- geometry --------------------------------------------------------------------------------
# Shapes are given in coordinates relative to the image and drawn at _SS times the final size,
# then reduced, which gives smooth edges.

_SS = 2
Point = tuple[float, float]
Color = tuple[int, int, int]


def _scene_size() -> tuple[int, int]:
    return (FIGURE_SIZE[0] * _SS, FIGURE_SIZE[1] * _SS)


def _px(x: float, y: float) -> Point:
    """A relative point in scene pixels."""
    return (x * FIGURE_SIZE[0] * _SS, y * FIGURE_SIZE[1] * _SS)


def _pts(points: Sequence[Point]) -> list[Point]:
    return [_px(x, y) for x, y in points]


def _ellipse_box(cx: float, cy: float, rx: float, ry: float) -> list[float]:
    return [*_px(cx - rx, cy - ry), *_px(cx + rx, cy + ry)]


def _smooth(points: Sequence[Point], iterations: int = 4) -> list[Point]:
    """Round the corners of a closed polygon (Chaikin's corner cutting)."""
    pts = list(points)
    for _ in range(iterations):
        new: list[Point] = []
        for i, (x0, y0) in enumerate(pts):
            x1, y1 = pts[(i + 1) % len(pts)]
            new += [(0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1), (0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1)]
        pts = new
    return pts


def _outline(points: Sequence[Point], iterations: int = 4) -> list[Point]:
    """A smoothed closed outline, from relative points to scene pixels."""
    return _smooth(_pts(points), iterations)


def _blob(rng: random.Random, cx: float, cy: float, rx: float, ry: float, wobble: float) -> list[Point]:
    """An irregular rounded outline that stays inside the ellipse (cx, cy, rx, ry), in scene pixels."""
    n = rng.randint(7, 11)
    points = []
    for i in range(n):
        angle = 2 * math.pi * (i + rng.uniform(-0.3, 0.3)) / n
        k = 1 - rng.uniform(0, wobble)
        points.append((cx + k * rx * math.cos(angle), cy + k * ry * math.sin(angle)))
    return _outline(points, 3)


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, steps: int = 24) -> list[Point]:
    """Relative points along an elliptical arc; angles in degrees, 0 = right, 90 = down."""
    angles = [math.radians(start + (end - start) * i / steps) for i in range(steps + 1)]
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


# --- image helpers ---------------------------------------------------------------------------


def _mask(draw_shapes: Callable[[ImageDraw.ImageDraw], object]) -> Image.Image:
    mask = Image.new("L", _scene_size(), 0)
    draw_shapes(ImageDraw.Draw(mask))
    return mask


def _polygon_mask(*polygons: Sequence[Point]) -> Image.Image:
    return _mask(lambda d: [d.polygon(list(p), fill=255) for p in polygons])


def _ellipse_mask(*ellipses: tuple[float, float, float, float], fill: int = 255) -> Image.Image:
    return _mask(lambda d: [d.ellipse(_ellipse_box(*e), fill=fill) for e in ellipses])


def _blur(mask: Image.Image, radius: float) -> Image.Image:
    """Gaussian blur of a mask, computed only round the part that is set (much faster)."""
    box = mask.getbbox()
    if box is None:
        return mask
    pad = round(3 * radius) + 2
    box = (max(0, box[0] - pad), max(0, box[1] - pad), min(mask.width, box[2] + pad), min(mask.height, box[3] + pad))
    blurred = Image.new(mask.mode, mask.size, 0)
    blurred.paste(mask.crop(box).filter(ImageFilter.GaussianBlur(radius)), box[:2])
    return blurred


def _soften(mask: Image.Image, radius: float) -> Image.Image:
    """Round off the joins of a mask made of several shapes (blur, then threshold)."""
    return _blur(mask, radius).point(lambda v: 255 if v > 110 else 0)


def _erode(mask: Image.Image, radius: float) -> Image.Image:
    """Shrink a mask by roughly ``radius`` scene pixels."""
    return _blur(mask, radius).point(lambda v: 255 if v > 235 else 0)


def _shifted(mask: Image.Image, dx: float, dy: float) -> Image.Image:
    moved = Image.new(mask.mode, mask.size, 0)
    moved.paste(mask, (round(dx), round(dy)))
    return moved


def _paint(base: Image.Image, color: int | Color | Image.Image, mask: Image.Image, blur: float = 0) -> None:
    """Paint a colour (or an image of the same size) onto ``base`` through ``mask``."""
    if blur:
        mask = _blur(mask, blur)
    layer = color if isinstance(color, Image.Image) else Image.new(base.mode, base.size, color)
    base.paste(layer, (0, 0), mask)


def _noise(rng: random.Random, cells: tuple[int, int], low: int, high: int) -> Image.Image:
    """A smooth mottled grey texture of scene size, from a coarse grid of seeded random values."""
    small = Image.frombytes("L", cells, rng.randbytes(cells[0] * cells[1]))
    small = small.point(lambda v: low + v * (high - low) // 255)
    return small.resize(_scene_size(), Image.Resampling.BICUBIC)


def _grey(image: Image.Image) -> Image.Image:
    return Image.merge("RGB", (image, image, image))


def _mix(a: Color, b: Color, t: float) -> Color:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _vertical_gradient(top: Color, bottom: Color) -> Image.Image:
    column = Image.new("RGB", (1, 256))
    column.putdata([_mix(top, bottom, i / 255) for i in range(256)])
    return column.resize(_scene_size(), Image.Resampling.BILINEAR)


def _shade(base: Image.Image, mask: Image.Image, radius: float, darkest: float) -> None:
    """Darken ``base`` towards the edges of ``mask``, so that a flat shape looks rounded."""
    soft = _blur(mask, radius)
    factor = soft.point(lambda v: round(255 * (darkest + (1 - darkest) * min(1, v / 210))))
    base.paste(ImageChops.multiply(base, _grey(factor)), (0, 0), mask)


def _soft_stroke(
    base: Image.Image, points: Sequence[Point], color: Color, width: float, opacity: int, blur: float
) -> None:
    """A soft line (a crease or a contour) through relative points."""
    mask = _mask(lambda d: d.line(_pts(points), fill=opacity, width=round(width * _SS), joint="curve"))
    _paint(base, color, mask, blur=blur * _SS)


def _dome(
    base: Image.Image,
    ellipse: tuple[float, float, float, float],
    edge: Color,
    top: Color,
    soft: float,
    clip: Image.Image | None = None,
) -> None:
    """A rounded lump lit from the upper left: concentric ellipses from ``edge`` to ``top``.

    Drawn in a small layer round the ellipse only, which is much faster than a full-size layer.
    ``soft`` is the blur of the lump's outline, as a fraction of its smaller radius; nothing is
    drawn outside the mask ``clip``, if given.
    """
    cx, cy, rx, ry = ellipse
    x0, y0, x1, y1 = (round(v) for v in _ellipse_box(cx, cy, rx, ry))
    pad = round(0.5 * min(x1 - x0, y1 - y0)) + 4
    origin = (x0 - pad, y0 - pad)
    size = (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad)

    def local(box: list[float]) -> list[float]:
        return [box[0] - origin[0], box[1] - origin[1], box[2] - origin[0], box[3] - origin[1]]

    layer = Image.new("RGB", size, edge)
    draw = ImageDraw.Draw(layer)
    steps = 20
    for i in range(steps):
        t = i / steps
        box = _ellipse_box(cx - 0.3 * rx * t, cy - 0.3 * ry * t, rx * (1 - t), ry * (1 - t))
        draw.ellipse(local(box), fill=_mix(edge, top, t**0.8))
    layer = layer.filter(ImageFilter.GaussianBlur(3 * _SS))
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).ellipse(local(_ellipse_box(cx, cy, rx, ry)), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(soft * min(x1 - x0, y1 - y0) / 2))
    if clip is not None:
        mask = ImageChops.multiply(mask, clip.crop((*origin, origin[0] + size[0], origin[1] + size[1])))
    base.paste(layer, origin, mask)


# --- banner and label ------------------------------------------------------------------------

_BANNER = (255, 214, 0)


def _draw_text(draw: ImageDraw.ImageDraw, xy: Point, text: str, size: int, fill: Color) -> None:
    """Draw ``text``, slightly bold. The default font has no en dash, so "–" is drawn as a bar."""
    font = ImageFont.load_default(size=size)
    x, y = xy
    for i, part in enumerate(text.split("–")):
        if i:
            bar_y = y + 0.6 * size
            draw.rectangle([x + 0.04 * size, bar_y, x + 0.56 * size, bar_y + max(2, size // 12)], fill=fill)
            x += 0.6 * size
        draw.text((x, y), part, font=font, fill=fill, stroke_width=1, stroke_fill=fill)
        x += font.getlength(part) + 2


def _text_width(text: str, size: int) -> float:
    font = ImageFont.load_default(size=size)
    parts = text.split("–")
    return sum(font.getlength(p) + 2 for p in parts) + 0.6 * size * (len(parts) - 1)


def _add_banner(image: Image.Image, text: str) -> None:
    """Black text on a yellow band across the top: legible even when the image is shown small."""
    width, height = image.size
    bar = round(0.085 * height)
    size = 42
    while _text_width(text, size) > width - 40:
        size -= 1
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width, bar], fill=_BANNER)
    draw.line([0, bar, width, bar], fill=(0, 0, 0), width=3)
    _draw_text(draw, ((width - _text_width(text, size)) / 2, (bar - size) / 2 - 5), text, size, (0, 0, 0))


def _add_label(image: Image.Image, text: str) -> None:
    """White text on a black box in the bottom-left corner."""
    width, height = image.size
    size = 36
    box_w, box_h = _text_width(text, size) + 28, size + 20
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height - box_h, box_w, height], fill=(15, 15, 15))
    draw.line([(0, height - box_h), (box_w, height - box_h), (box_w, height)], fill=_BANNER, width=3)
    _draw_text(draw, (14, height - box_h + 6), text, size, (255, 255, 255))


# --- the limbs -------------------------------------------------------------------------------
# 1B and 1D share the leg's outline. 1C uses the arm's; the photograph 1A raises the forearm a little.


def _arm_outline() -> list[Point]:
    """A left arm bent at about a right angle: upper arm down from the top, forearm to the right."""
    return _outline(
        [
            (0.255, -0.03),
            (0.585, -0.03),
            (0.57, 0.20),
            (0.548, 0.40),
            (0.54, 0.48),
            (0.56, 0.53),
            (0.62, 0.535),
            (0.70, 0.525),
            (0.85, 0.575),
            (1.05, 0.62),
            (1.05, 0.80),
            (0.85, 0.835),
            (0.62, 0.875),
            (0.45, 0.905),
            (0.33, 0.94),
            (0.26, 0.935),
            (0.212, 0.885),
            (0.205, 0.80),
            (0.218, 0.60),
            (0.232, 0.35),
            (0.245, 0.15),
        ]
    )


def _raised_arm_outline() -> list[Point]:
    """The same arm for the photograph (1A), with the forearm raised a little towards the right."""
    return _outline(
        [
            (0.255, -0.03),
            (0.585, -0.03),
            (0.57, 0.20),
            (0.552, 0.38),
            (0.56, 0.47),
            (0.60, 0.49),
            (0.68, 0.455),
            (0.85, 0.39),
            (1.05, 0.33),
            (1.05, 0.53),
            (0.80, 0.665),
            (0.60, 0.80),
            (0.45, 0.895),
            (0.33, 0.935),
            (0.26, 0.932),
            (0.212, 0.885),
            (0.205, 0.80),
            (0.218, 0.60),
            (0.232, 0.35),
            (0.245, 0.15),
        ]
    )


def _leg_outline() -> list[Point]:
    """A right leg from the front (its outer side on the viewer's left): thigh, knee and calf."""
    return _outline(
        [
            (0.26, -0.03),
            (0.74, -0.03),
            (0.725, 0.15),
            (0.715, 0.30),
            (0.695, 0.42),
            (0.70, 0.52),
            (0.69, 0.60),
            (0.705, 0.70),
            (0.69, 0.82),
            (0.645, 0.95),
            (0.625, 1.05),
            (0.40, 1.05),
            (0.375, 0.95),
            (0.315, 0.82),
            (0.295, 0.72),
            (0.305, 0.60),
            (0.30, 0.52),
            (0.305, 0.42),
            (0.29, 0.28),
            (0.275, 0.15),
        ]
    )


# --- clinical photographs (1A, 1B) -----------------------------------------------------------

_SKIN = (222, 178, 152)
_SKIN_DARK = (165, 112, 92)
_NODULE = (250, 238, 196)
_SLEEVE = (104, 138, 168)
_CAST_SHADOW = (70, 72, 78)


def _photo_background() -> Image.Image:
    return _vertical_gradient((200, 203, 207), (148, 153, 160))


def _limb(base: Image.Image, rng: random.Random, mask: Image.Image) -> None:
    """A skin-coloured limb: cast shadow, light from the top, rounded edges and a faint mottle."""
    _paint(base, _CAST_SHADOW, _shifted(mask.point(lambda v: v * 90 // 255), 16 * _SS, 22 * _SS), blur=22 * _SS)
    lit = _vertical_gradient(_mix(_SKIN, (255, 255, 255), 0.1), _mix(_SKIN, (110, 70, 55), 0.12))
    lit = ImageChops.multiply(lit, _grey(_noise(rng, (160, 120), 244, 255)))
    _paint(base, lit, mask, blur=1.5 * _SS)
    _shade(base, mask, 40 * _SS, 0.6)


def _sleeve(base: Image.Image, points: Sequence[Point]) -> None:
    """The edge of a hospital gown or sleeve across the top of the limb."""
    mask = _polygon_mask(_outline(points, 3))
    _paint(base, _SLEEVE, mask, blur=1.5 * _SS)
    _shade(base, mask, 25 * _SS, 0.7)


def _nodule(base: Image.Image, skin: Image.Image, cx: float, cy: float, rx: float, ry: float) -> None:
    """A pale subcutaneous nodule: a lump under the skin, yellow-white at its top, with a shadow.

    Nothing is drawn outside the mask ``skin``.
    """
    shadow = _blur(_ellipse_mask((cx + 0.22 * rx, cy + 0.3 * ry, rx * 1.02, ry * 1.02), fill=170), 5 * _SS)
    _paint(base, _SKIN_DARK, ImageChops.multiply(shadow, skin))
    _dome(base, (cx, cy, rx, ry), _mix(_SKIN, _NODULE, 0.3), _NODULE, soft=0.25, clip=skin)
    _dome(base, (cx - 0.35 * rx, cy - 0.4 * ry, 0.25 * rx, 0.22 * ry), _NODULE, (255, 255, 250), soft=0.8)


def _figure_1a(rng: random.Random) -> Image.Image:
    nodules = (
        (0.262, 0.84, 0.05, 0.06),
        (0.33, 0.882, 0.034, 0.04),
        (0.238, 0.745, 0.028, 0.038),
        (0.395, 0.89, 0.026, 0.03),
        (0.31, 0.79, 0.02, 0.025),
        (0.24, 0.655, 0.019, 0.025),
    )
    image = _photo_background()
    bumps = _ellipse_mask(*[(cx - 0.1 * rx, cy + 0.05 * ry, rx * 0.9, ry * 0.9) for cx, cy, rx, ry in nodules])
    arm = _soften(ImageChops.lighter(_polygon_mask(_raised_arm_outline()), bumps), 6 * _SS)
    _limb(image, rng, arm)
    _soft_stroke(image, [(0.29, 0.12), (0.32, 0.40), (0.31, 0.62)], _SKIN_DARK, 16, 50, 12)  # back of the arm
    _soft_stroke(image, [(0.64, 0.53), (0.82, 0.46), (1.0, 0.41)], (255, 235, 220), 16, 60, 12)  # top of forearm
    for dy in (0.0, 0.022):  # creases at the bend of the elbow
        _soft_stroke(image, [(0.552, 0.43 + dy), (0.575, 0.475 + dy), (0.615, 0.485 + dy)], _SKIN_DARK, 3, 200, 1.5)
    _sleeve(image, [(0.24, -0.06), (0.60, -0.06), (0.585, 0.17), (0.42, 0.195), (0.255, 0.165)])
    for nodule in nodules:
        _nodule(image, arm, *nodule)
    return image


def _figure_1b(rng: random.Random) -> Image.Image:
    image = _photo_background()
    leg = _polygon_mask(_leg_outline())
    _limb(image, rng, leg)
    # The knee: a rounded kneecap with hollows beside it, a darker contour below it, the tendon
    # below that, and folds of skin above.
    for side in (0.415, 0.585):
        _paint(image, _SKIN_DARK, _ellipse_mask((side, 0.50, 0.02, 0.08), fill=70), blur=14 * _SS)
    _dome(image, (0.50, 0.465, 0.07, 0.085), _SKIN, _mix(_SKIN, (255, 238, 222), 0.5), soft=0.7)
    _soft_stroke(image, _arc(0.50, 0.47, 0.075, 0.095, 20, 160), _SKIN_DARK, 7, 170, 5)
    for dx in (-0.024, 0.024):
        _soft_stroke(image, [(0.50 + dx, 0.58), (0.50 + 0.8 * dx, 0.67)], _SKIN_DARK, 6, 90, 5)
    for dy, half in ((0.0, 0.06), (0.025, 0.045)):
        _soft_stroke(image, _arc(0.50, 0.40 - dy, half, 0.03, 200, 340), _SKIN_DARK, 3, 110, 2)
    _dome(image, (0.50, 0.69, 0.03, 0.025), _SKIN, _mix(_SKIN, (255, 238, 222), 0.3), soft=0.8)
    _sleeve(image, [(0.23, -0.06), (0.77, -0.06), (0.75, 0.12), (0.50, 0.155), (0.25, 0.12)])

    for nodule in ((0.365, 0.43, 0.03, 0.04), (0.38, 0.585, 0.024, 0.032), (0.61, 0.34, 0.022, 0.03)):
        _nodule(image, leg, *nodule)
    _ulcerated_deposit(image, rng, leg, (0.622, 0.595, 0.056, 0.075))
    return image


def _ulcerated_deposit(base: Image.Image, rng: random.Random, skin: Image.Image, ellipse: tuple[float, ...]) -> None:
    """A chalky white deposit breaking through the skin, in a red ulcerated rim on reddened skin."""
    cx, cy, rx, ry = ellipse
    redness = _blur(_ellipse_mask((cx, cy, rx * 1.8, ry * 1.7), fill=120), 24 * _SS)
    _paint(base, (212, 112, 112), ImageChops.multiply(redness, skin))
    _paint(base, _SKIN_DARK, _ellipse_mask((cx + 0.2 * rx, cy + 0.3 * ry, rx * 1.3, ry * 1.3), fill=150), 8 * _SS)
    _dome(base, (cx, cy, rx * 1.4, ry * 1.35), (210, 140, 132), (238, 192, 180), soft=0.4)
    _paint(base, (140, 32, 40), _polygon_mask(_blob(rng, cx, cy, rx * 1.2, ry * 1.18, 0.15)), blur=1.5 * _SS)
    _paint(base, (200, 80, 86), _polygon_mask(_blob(rng, cx, cy, rx * 1.07, ry * 1.05, 0.12)), blur=3 * _SS)

    chalk = _polygon_mask(_blob(rng, cx, cy, rx * 0.96, ry * 0.94, 0.18))
    grit = _noise(rng, (300, 225), 195, 255)
    _paint(base, _grey(grit.point(lambda v: v * 240 // 255)), chalk, blur=1 * _SS)
    for _ in range(10):  # irregular lumps of chalk, each with a shadow below and right of it
        lx, ly = cx + rng.uniform(-0.55, 0.55) * rx, cy + rng.uniform(-0.55, 0.55) * ry
        lump = _polygon_mask(_blob(rng, lx, ly, rx * rng.uniform(0.2, 0.34), ry * rng.uniform(0.2, 0.34), 0.35))
        lump = ImageChops.multiply(lump, chalk)
        _paint(base, (150, 146, 140), _shifted(lump, 4 * _SS, 5 * _SS), blur=3 * _SS)
        _paint(base, _grey(grit.point(lambda v: 190 + v // 5)), lump, blur=0.8 * _SS)
    _shade(base, chalk, 10 * _SS, 0.8)


# --- radiographs (1C, 1D) ----------------------------------------------------------------------

_FILM = 8
_TISSUE = (34, 70)  # dim soft tissue, brighter where it is thicker
_BONE = 128
_CORTEX = 182


def _elbow_bones() -> list[list[Point]]:
    """Outlines (relative) of the radius, ulna and humerus of a bent elbow seen from the side.

    The rounded lower end of the humerus sits in the hook of the ulna (the olecranon, behind and
    below it); the radius meets it in front.
    """
    end = (0.425, 0.64, 58 / 1200, 58 / 900)
    humerus = [(0.392, -0.03), (0.446, -0.03), (0.448, 0.40), (0.462, 0.50), (0.488, 0.57), *_arc(*end, -30, 205, 12)]
    humerus += [(0.372, 0.57), (0.38, 0.50), (0.39, 0.40)]
    notch = (end[0], end[1], 70 / 1200, 70 / 900)
    ulna = [*_arc(*notch, 228, 30, 12), (0.50, 0.706), (0.56, 0.714), (1.05, 0.718), (1.05, 0.758), (0.60, 0.77)]
    ulna += [(0.47, 0.79), (0.40, 0.79), (0.345, 0.76), (0.322, 0.70), (0.33, 0.61), (0.348, 0.56), (0.372, 0.555)]
    radius = [(0.484, 0.612), (0.51, 0.61), (0.516, 0.633), (0.58, 0.637), (1.05, 0.645), (1.05, 0.682)]
    radius += [(0.58, 0.67), (0.516, 0.668), (0.51, 0.69), (0.484, 0.688)]
    return [radius, ulna, humerus]


def _knee_bones() -> list[list[Point]]:
    """Outlines (relative) of the fibula, tibia and femur of a knee seen from the front."""
    femur = [(0.457, -0.03), (0.543, -0.03), (0.548, 0.32), (0.595, 0.46), (0.605, 0.56)]
    femur += [*_arc(0.56, 0.59, 0.045, 0.04, 0, 160, 6), (0.50, 0.585), *_arc(0.44, 0.59, 0.045, 0.04, 20, 180, 6)]
    femur += [(0.395, 0.56), (0.405, 0.46), (0.452, 0.32)]
    tibia = [(0.40, 0.665), (0.47, 0.66), (0.49, 0.648), (0.51, 0.648), (0.53, 0.66), (0.60, 0.665)]
    tibia += [(0.60, 0.70), (0.55, 0.79), (0.54, 1.05), (0.462, 1.05), (0.45, 0.79), (0.40, 0.70)]
    fibula = [(0.368, 0.715), (0.395, 0.70), (0.412, 0.73), (0.405, 0.79), (0.416, 1.05), (0.396, 1.05)]
    fibula += [(0.383, 0.79), (0.366, 0.745)]
    return [fibula, tibia, femur]


def _radiograph_base(tissue: Image.Image) -> Image.Image:
    image = Image.new("L", _scene_size(), _FILM)
    low, high = _TISSUE
    thickness = _blur(tissue, 40 * _SS).point(lambda v: low + v * (high - low) // 255)
    image.paste(thickness, (0, 0), _blur(tissue, 2 * _SS))
    return image


def _soft_tissue(outline: Sequence[Point], label: str) -> Image.Image:
    """The limb's outline, pushed out a little over each mass (the masses lie under the skin)."""
    bulges = _ellipse_mask(*[(m.cx, m.cy, m.rx * 1.15, m.ry * 1.12) for m in RADIOGRAPH_MASSES[label]])
    return _soften(ImageChops.lighter(_polygon_mask(outline), bulges), 20 * _SS)


def _bone(image: Image.Image, rng: random.Random, outline: Sequence[Point]) -> None:
    """Grey bone with a brighter cortical rim and a mottled marrow texture."""
    mask = _polygon_mask(outline)
    _paint(image, _CORTEX, mask, blur=1.5 * _SS)
    marrow = ImageChops.multiply(Image.new("L", image.size, _BONE), _noise(rng, (200, 150), 205, 255))
    _paint(image, marrow, _erode(mask, 8 * _SS), blur=4 * _SS)


def _calcified_mass(image: Image.Image, rng: random.Random, mass: Mass) -> None:
    """A cluster of bright lumps of uneven density that fills the middle of ``mass``.

    Nothing is drawn outside the mass's ellipse.
    """
    cx, cy, rx, ry = mass.cx, mass.cy, mass.rx, mass.ry
    inside = _ellipse_mask((cx, cy, rx, ry))
    speckle = _noise(rng, (360, 270), 215, 255)
    lumps = [(cx, cy, 0.78)]
    for _ in range(rng.randint(6, 9)):
        angle, dist = rng.uniform(0, 2 * math.pi), rng.uniform(0.35, 0.65)
        lumps.append((cx + dist * rx * math.cos(angle), cy + dist * ry * math.sin(angle), rng.uniform(0.3, 0.45)))
    for lx, ly, size in lumps:
        lump = ImageChops.multiply(_polygon_mask(_blob(rng, lx, ly, rx * size, ry * size, 0.3)), inside)
        _paint(image, 170, lump)  # a darker edge, so that the lumps stand apart
        brightness = rng.randint(235, 255)
        _paint(image, speckle.point(lambda v, b=brightness: v * b // 255), _erode(lump, 1.5 * _SS))


def _develop(image: Image.Image, rng: random.Random) -> Image.Image:
    """A little blur and film grain, then RGB."""
    image = image.filter(ImageFilter.GaussianBlur(1.2 * _SS))
    return _grey(ImageChops.multiply(image, _noise(rng, (600, 450), 238, 255)))


def _radiograph(rng: random.Random, label: str, limb: Sequence[Point], bones: Sequence[Sequence[Point]]) -> Image.Image:
    """Film, soft tissue (pushed out over the masses of ``label``) and bones; no masses yet."""
    image = _radiograph_base(_soft_tissue(limb, label))
    for outline in bones:
        _bone(image, rng, _outline(outline, 3))
    return image


def _figure_1c(rng: random.Random) -> Image.Image:
    image = _radiograph(rng, "1C", _arm_outline(), _elbow_bones())
    for mass in RADIOGRAPH_MASSES["1C"]:
        _calcified_mass(image, rng, mass)
    return _develop(image, rng)


def _figure_1d(rng: random.Random) -> Image.Image:
    image = _radiograph(rng, "1D", _leg_outline(), _knee_bones())
    # The kneecap lies over the end of the femur in this view: a brighter oval.
    kneecap = (0.50, 0.468, 0.048, 0.075)
    _paint(image, 255, _ellipse_mask(kneecap, fill=60), blur=4 * _SS)
    _paint(image, 255, _mask(lambda d: d.ellipse(_ellipse_box(*kneecap), outline=50, width=4 * _SS)), 1 * _SS)
    for mass in RADIOGRAPH_MASSES["1D"]:
        _calcified_mass(image, rng, mass)
    return _develop(image, rng)


_DRAWERS: dict[str, Callable[[random.Random], Image.Image]] = {
    "1A": _figure_1a,
    "1B": _figure_1b,
    "1C": _figure_1c,
    "1D": _figure_1d,
}
