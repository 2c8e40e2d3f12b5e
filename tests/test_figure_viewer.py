"""The figure viewer (static/js/figure-viewer.js) on a phone and a laptop: a figure opens full screen, zooms to
4×, pans, has its contrast changed and closes with the focus back where it was, by touch or mouse and by the
keyboard alone; a hotspot question is answered on the zoomed image and scored as a hit; and a case page costs
no more image bytes with the viewer than without it until a figure is opened and zoomed.
"""

import json
import re

import pytest

from tests.support import ARTIFACTS, DEMO_SLUG, HORIZONTAL_OVERFLOW_JS, ROOT, watch
from tests.test_hotspot_keyboard import Crosshair, mark_inputs, reach_the_hotspot_step, the_hotspot_question

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 900}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["375px", "1280px"])
SHOTS = ARTIFACTS  # screenshots for a person to look at (test-artifacts/)
WHOLE_CASE = f"/cases/{DEMO_SLUG}/?whole=1"
RADIOGRAPH = "1C"  # a radiograph of the demo case (demo/case.py)

# Panzoom applies its transform in the next animation frame: the state is read after two.
STATE_JS = """async () => {
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const stage = document.querySelector(".figure-viewer-stage");
    const matrix = new DOMMatrix(getComputedStyle(stage).transform);
    const image = document.querySelector(".figure-viewer-image");
    const dialog = document.querySelector("dialog.figure-viewer");
    return {open: dialog.open, scale: matrix.a, x: matrix.e, y: matrix.f, filter: image && image.style.filter,
            sizes: image && image.sizes, focusInViewer: dialog.contains(document.activeElement)};
}"""
CURRENT_SRC_JS = "() => document.querySelector('.figure-viewer-image').currentSrc"


def wait_for_rendition(page, width: int) -> None:
    """Wait until the viewer's image shows the rendition of this width (a swap after a zoom is not instant)."""
    page.wait_for_function(
        "(width) => new RegExp(`/${width}\\.(webp|jpe?g)$`)"
        ".test(document.querySelector('.figure-viewer-image').currentSrc)",
        arg=width,
    )


def new_page(browser, site_url, page_problems, viewport):
    phone = viewport["width"] < 600
    context = browser.new_context(
        base_url=site_url, viewport=viewport, locale="en-GB", has_touch=phone, is_mobile=phone
    )
    context.set_default_timeout(15_000)
    watch(context, page_problems)
    return context, context.new_page()


def rendition_width(url: str) -> int | None:
    """The width of a rendition from its file name (cases.images names them ..._<width>.<format>)."""
    match = re.search(r"(\d+)w?\.(?:jpe?g|webp)$", url)
    return int(match.group(1)) if match else None


def image_requests(page) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if r.resource_type == "image" else None)
    return requests


def wait_open(page):
    page.wait_for_selector("dialog.figure-viewer.is-ready")
    return page.evaluate(STATE_JS)


def touch_drag(page, start, end, steps=6):
    """A one-finger drag, through the DevTools protocol (Chromium turns it into pointer events)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": start[0], "y": start[1]}]})
    for i in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * i / steps
        y = start[1] + (end[1] - start[1]) * i / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def pinch_out(page, centre, spread=60, steps=8):
    """Two fingers moving apart around ``centre``."""
    cdp = page.context.new_cdp_session(page)

    def points(d):
        return [{"x": centre[0] - d, "y": centre[1], "id": 1}, {"x": centre[0] + d, "y": centre[1], "id": 2}]

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": points(20)})
    for i in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": points(20 + spread * i / steps)})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def drag(page, phone, start, end):
    if phone:
        touch_drag(page, start, end)
    else:
        page.mouse.move(*start)
        page.mouse.down()
        page.mouse.move(*end, steps=6)
        page.mouse.up()


def viewport_centre(page):
    box = page.locator(".figure-viewer-viewport").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


@VIEWPORTS
def test_a_figure_opens_full_screen_zooms_pans_takes_contrast_and_closes(
    browser, site_url, demo_case, page_problems, axe, viewport
):
    from cases.models import Figure

    phone = viewport["width"] < 600
    figure = Figure.objects.get(case__slug=DEMO_SLUG, label=RADIOGRAPH)
    context, page = new_page(browser, site_url, page_problems, viewport)
    requested = image_requests(page)
    page.goto(WHOLE_CASE)
    opener = page.locator(f"#figure-{RADIOGRAPH} a[data-figure-viewer]")
    assert opener.get_attribute("href") == figure.large.file.url, "without JavaScript: the largest rendition"
    opener.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    largest = figure.large.width
    if phone:
        opener.tap()
    else:
        opener.click()
    state = wait_open(page)
    assert state["open"] and state["scale"] == pytest.approx(1) and state["focusInViewer"]
    dialog = page.get_by_role("dialog", name=f"Figure {RADIOGRAPH}")
    assert dialog.is_visible()
    # The caption and the illustration notice stay in view under the image.
    caption = page.locator(".figure-viewer-caption")
    assert figure.caption[:40] in caption.inner_text()
    assert page.locator(".figure-viewer-caption .illustration-badge").is_visible()
    assert page.locator(".figure-viewer-caption").bounding_box()["y"] < viewport["height"]
    page.wait_for_load_state("networkidle")
    # No more pixels than the screen needs: the narrowest rendition at least as wide as the image is drawn.
    drawn = int(state["sizes"].removesuffix("px"))
    widths = sorted({r.width for r in figure.renditions.all()})
    needed = next((w for w in widths if w >= drawn), widths[-1])
    assert rendition_width(page.evaluate(CURRENT_SRC_JS)) == needed
    assert not [u for u in requested if (rendition_width(u) or 0) > needed]
    assert page.evaluate(HORIZONTAL_OVERFLOW_JS) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"viewer-open-{viewport['width']}px.png")
    axe(page)

    # Zoom: a pinch on the phone, then the + button up to 4×; the mouse wheel and + on the laptop.
    if phone:
        pinch_out(page, viewport_centre(page))
        pinched = page.evaluate(STATE_JS)["scale"]
        assert pinched > 1.2, "a pinch zooms in"
    else:
        page.mouse.move(*viewport_centre(page))
        page.mouse.wheel(0, -200)
        page.wait_for_timeout(100)
        assert page.evaluate(STATE_JS)["scale"] > 1.1, "the wheel zooms in"
    page.get_by_role("button", name="Reset zoom").click()
    assert page.evaluate(STATE_JS)["scale"] == pytest.approx(1)
    zoom_in = page.get_by_role("button", name="Zoom in", exact=True)
    for _ in range(4):
        zoom_in.click()
    state = page.evaluate(STATE_JS)
    assert state["scale"] == pytest.approx(4)
    assert page.locator(".figure-viewer-status").inner_text() == "Zoom 400%."
    # Zoomed in, the browser swaps in the largest rendition (waited for: the page was idle before).
    wait_for_rendition(page, largest)

    # Pan: drag the zoomed image by a finger or the mouse; it follows.
    cx, cy = viewport_centre(page)
    drag(page, phone, (cx, cy), (cx + 80, cy + 50))
    moved = page.evaluate(STATE_JS)
    assert moved["scale"] == pytest.approx(4)
    assert (moved["x"] - state["x"], moved["y"] - state["y"]) == (pytest.approx(80, abs=3), pytest.approx(50, abs=3))

    # Contrast, brightness, invert: CSS filters on the image.
    page.get_by_label("Contrast").fill("150")
    page.get_by_label("Invert").check()
    assert page.evaluate(STATE_JS)["filter"] == "brightness(100%) contrast(150%) invert(1)"
    assert page.locator(".figure-viewer-adjust output").nth(1).inner_text() == "150%"
    page.screenshot(path=SHOTS / f"viewer-zoomed-{viewport['width']}px.png")

    page.get_by_role("button", name="Close the full-screen figure").click()
    assert not page.evaluate(STATE_JS)["open"]
    assert page.evaluate(
        "() => document.activeElement === document.querySelector('#figure-1C a[data-figure-viewer]')"
    ), "the focus is back on the figure that opened the viewer"
    context.close()
    page_problems.assert_none()


@VIEWPORTS
def test_the_viewer_works_with_the_keyboard_alone(browser, site_url, demo_case, page_problems, viewport):
    context, page = new_page(browser, site_url, page_problems, viewport)
    page.goto(f"/cases/{DEMO_SLUG}/figures/{RADIOGRAPH}/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.matches('a[data-figure-viewer]')"):
            break
    else:
        raise AssertionError("Tab never reached the figure")
    page.keyboard.press("Enter")
    state = wait_open(page)
    assert state["focusInViewer"] and page.evaluate(
        "() => document.activeElement.classList.contains('figure-viewer-viewport')"
    ), "the image itself has the focus, so its keys work at once"
    for key in ["+", "+", "=", "+"]:
        page.keyboard.press(key)
    state = page.evaluate(STATE_JS)
    assert state["scale"] == pytest.approx(4)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowUp")
    moved = page.evaluate(STATE_JS)
    assert moved["x"] < state["x"] and moved["y"] < state["y"], "the arrow keys move the image"
    page.keyboard.press("-")
    assert page.evaluate(STATE_JS)["scale"] == pytest.approx(2**1.5, abs=1e-4)
    page.keyboard.press("+")
    # Tab on to the contrast slider and raise it with the arrow keys.
    for _ in range(15):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.id === 'figure-viewer-contrast'"):
            break
    else:
        raise AssertionError("Shift+Tab never reached the contrast slider")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    assert "contrast(120%)" in page.evaluate(STATE_JS)["filter"]
    page.keyboard.press("Escape")
    assert not page.evaluate(STATE_JS)["open"]
    assert page.evaluate("() => document.activeElement.matches('a[data-figure-viewer]')"), "focus restored"
    context.close()
    page_problems.assert_none()


@VIEWPORTS
def test_a_hotspot_is_marked_on_the_zoomed_figure_and_scored_as_a_hit(
    browser, site_url, demo_case, page_problems, axe, viewport
):
    from quiz.models import Question, Response

    phone = viewport["width"] < 600
    question, targets, _ = the_hotspot_question()
    prefix = f"q{question.pk}"
    context, page = new_page(browser, site_url, page_problems, viewport)
    reach_the_hotspot_step(page, question)
    opener = page.get_by_role("link", name=f"Open figure {question.figure.label} full screen to zoom in")
    opener.click()
    wait_open(page)
    page.locator(".figure-viewer-viewport").focus()
    axe(page)

    # Every target but the last: zoomed to 4×, dragged into the middle, then tapped or clicked.
    for x, y in targets[:-1]:
        page.get_by_role("button", name="Reset zoom").click()
        for _ in range(4):
            page.get_by_role("button", name="Zoom in", exact=True).click()
        assert page.evaluate(STATE_JS)["scale"] == pytest.approx(4)
        cx, cy = viewport_centre(page)
        for _ in range(10):
            box = page.locator(".figure-viewer-image").bounding_box()
            px, py = box["x"] + x * box["width"], box["y"] + y * box["height"]
            dx, dy = max(-120, min(120, cx - px)), max(-120, min(120, cy - py))
            if abs(dx) < 20 and abs(dy) < 20:  # near enough; a shorter drag would count as a tap (TAP_SLOP)
                break
            drag(page, phone, (cx, cy), (cx + dx, cy + dy))
        box = page.locator(".figure-viewer-image").bounding_box()
        px, py = box["x"] + x * box["width"], box["y"] + y * box["height"]
        if phone:
            page.touchscreen.tap(px, py)
        else:
            page.mouse.click(px, py)
        assert mark_inputs(page, prefix)[-1] == (pytest.approx(x, abs=0.003), pytest.approx(y, abs=0.003))
    assert len(mark_inputs(page, prefix)) == len(targets) - 1, "drags place no marks"

    # The last target with the keyboard crosshair, still at 4×: it starts from the last mark placed.
    page.locator(".figure-viewer-viewport").focus()
    crosshair = Crosshair()
    crosshair.x, crosshair.y = mark_inputs(page, prefix)[-1]
    for key in crosshair.keys_to(*targets[-1]):
        page.keyboard.press(key)
    assert page.evaluate(STATE_JS)["scale"] == pytest.approx(4)
    # The crosshair is in view (the viewer pans after it) and drawn over the target.
    ring = page.locator(".figure-viewer-stage .hotspot-crosshair circle").first.bounding_box()
    view = page.locator(".figure-viewer-viewport").bounding_box()
    ring_x, ring_y = ring["x"] + ring["width"] / 2, ring["y"] + ring["height"] / 2
    assert view["x"] <= ring_x <= view["x"] + view["width"] and view["y"] <= ring_y <= view["y"] + view["height"]
    box = page.locator(".figure-viewer-image").bounding_box()
    assert ((ring_x - box["x"]) / box["width"], (ring_y - box["y"]) / box["height"]) == (
        pytest.approx(crosshair.x, abs=0.003),
        pytest.approx(crosshair.y, abs=0.003),
    )
    page.keyboard.press("Enter")
    count = f"{len(targets)} marks placed."
    assert page.locator(".figure-viewer-status").inner_text() == count
    assert page.locator(".figure-viewer-stage .hotspot-mark-group").count() == len(targets)
    page.screenshot(path=SHOTS / f"viewer-hotspot-{viewport['width']}px.png")
    page.keyboard.press("Escape")
    assert page.evaluate("(el) => el === document.activeElement", opener.element_handle())
    assert page.locator(".hotspot-count").inner_text() == count
    assert page.locator(".hotspot .hotspot-overlay .hotspot-mark-group").count() == len(targets)

    for other in question.step.questions.exclude(pk=question.pk):
        assert other.kind == Question.Kind.SINGLE_BEST, "this test answers single-best questions only"
        best = max(other.options.all(), key=lambda o: o.weight)
        page.locator(f"input[name='q{other.pk}'][value='{best.key}']").check()
    with page.expect_navigation():
        page.get_by_role("button", name=f"Submit step {question.step.position}").click()
    page.wait_for_selector("text=You scored")
    response = Response.objects.get(question=question)
    assert (response.fraction, response.state) == (1.0, "correct")
    assert len(response.raw["marks"]) == len(targets)

    # The feedback's figure, with the targets and the marks drawn on it, opens in the viewer too.
    review = page.locator(".hotspot-review a[data-figure-viewer]")
    review.click()
    wait_open(page)
    assert page.locator(".figure-viewer-stage .hotspot-target").count() == len(targets)
    assert page.locator(".figure-viewer-stage .hotspot-review-mark.is-hit").count() == len(targets)
    assert "Dashed outlines: the targets" in page.locator(".figure-viewer-caption").inner_text()
    page.get_by_role("button", name="Zoom in", exact=True).click()
    page.screenshot(path=SHOTS / f"viewer-review-{viewport['width']}px.png")
    page.keyboard.press("Escape")
    assert page.evaluate("(el) => el === document.activeElement", review.element_handle())
    context.close()
    page_problems.assert_none()


def test_a_case_page_costs_no_more_image_bytes_until_a_figure_is_zoomed(browser, site_url, demo_case, page_problems):
    """The same page loaded with the viewer's script and with an empty one in its place fetches the same images,
    byte for byte; opening a figure fetches a rendition no wider than the screen needs, zooming the largest."""
    from cases.models import Figure

    def load(with_viewer: bool):
        context = browser.new_context(base_url=site_url, viewport=PHONE, locale="en-GB", has_touch=True)
        if with_viewer:
            watch(context, page_problems)
        else:
            context.route("**/figure-viewer*.js", lambda route: route.fulfill(body="", content_type="text/javascript"))
        page = context.new_page()
        fetched: dict[str, int] = {}

        def on_finished(request):
            if request.resource_type in ("image", "script"):
                fetched[request.url] = request.sizes()["responseBodySize"]

        page.on("requestfinished", on_finished)
        page.goto(WHOLE_CASE)
        page.wait_for_load_state("networkidle")
        # Scroll through the page, so lazy images load as a reader would make them.
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(300)
        page.wait_for_load_state("networkidle")
        return context, page, fetched

    plain_context, _, plain = load(with_viewer=False)
    plain_context.close()
    context, page, fetched = load(with_viewer=True)
    images = {url: size for url, size in fetched.items() if "/media/" in url}
    assert images == {url: size for url, size in plain.items() if "/media/" in url}
    assert not [url for url in fetched if "panzoom" in url], "Panzoom loads only when a figure is opened"

    figure = Figure.objects.get(case__slug=DEMO_SLUG, label=RADIOGRAPH)
    page.locator(f"#figure-{RADIOGRAPH} a[data-figure-viewer]").tap()
    wait_open(page)
    page.wait_for_load_state("networkidle")
    opened = [url for url in fetched if url not in images and "/media/" in url]
    assert all(rendition_width(url) <= 640 for url in opened), opened  # a 375-pixel screen
    assert not [url for url in fetched if rendition_width(url) == figure.large.width]
    for _ in range(4):
        page.get_by_role("button", name="Zoom in", exact=True).click()
    largest = figure.large.width
    wait_for_rendition(page, largest)
    page.wait_for_timeout(300)
    assert [url for url in fetched if rendition_width(url) == largest]
    context.close()
    page_problems.assert_none()


def test_educators_draw_ellipses_and_polygons_on_the_zoomed_figure(
    page, demo_case, educator, log_in, site_url, settings
):
    """The zone editor in the question admin: zoom in, move the image, draw an ellipse and a polygon; each lands
    in a new zone row as the grader's coordinates of what was drawn, and is saved."""
    from quiz.models import Question

    question, _, _ = the_hotspot_question()
    before = set(question.zones.values_list("pk", flat=True))
    log_in(page, educator.username)
    page.goto(f"/admin/quiz/question/{question.pk}/change/")
    image = page.locator(".zone-editor-canvas img")
    image.wait_for()
    image.scroll_into_view_if_needed()
    page.wait_for_function("() => !!window.Panzoom")
    zoom_in = page.get_by_role("button", name="Zoom in", exact=True)
    zoom_in.click()
    zoom_in.click()
    assert page.locator(".zone-editor-zoom span").inner_text() == "Zoom 200%."
    # Move the zoomed image a little, then draw on it: positions are taken against where the image now is.
    page.get_by_label("Move the zoomed image").check()
    frame = page.locator(".zone-editor-frame").bounding_box()
    cx, cy = frame["x"] + frame["width"] / 2, frame["y"] + frame["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 60, cy + 40, steps=5)
    page.mouse.up()

    def at(x, y):
        box = image.bounding_box()
        return box["x"] + x * box["width"], box["y"] + y * box["height"]

    def new_rows():
        values = page.locator("[name$='-coordinates']").evaluate_all("(inputs) => inputs.map((i) => i.value)")
        shapes = page.locator("select[name$='-shape']").evaluate_all("(s) => s.map((i) => i.value)")
        rows = [(shape, json.loads(value or "null")) for shape, value in zip(shapes, values, strict=True)]
        return [(shape, coordinates) for shape, coordinates in rows if isinstance(coordinates, list)]

    existing = len(new_rows())
    page.get_by_label("Ellipse").check()
    page.mouse.move(*at(0.40, 0.30))
    page.mouse.down()
    page.mouse.move(*at(0.55, 0.50), steps=5)  # wider in pixels than high: not the grader's circle
    page.mouse.up()
    shape, corners = new_rows()[existing]
    assert shape == "polygon" and len(corners) == 24
    assert page.locator(".zone-editor-status").inner_text().startswith("An ellipse was added to zone")
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    assert (min(xs), max(xs), min(ys), max(ys)) == (
        pytest.approx(0.40, abs=0.004),
        pytest.approx(0.55, abs=0.004),
        pytest.approx(0.30, abs=0.004),
        pytest.approx(0.50, abs=0.004),
    )

    page.get_by_label("Polygon").check()
    page.locator(".zone-editor-frame").scroll_into_view_if_needed()  # the new zone's label took the focus
    points = [(0.45, 0.52), (0.60, 0.53), (0.58, 0.64), (0.47, 0.62)]  # inside the zoomed view
    for x, y in points:
        page.mouse.click(*at(x, y))
    page.keyboard.press("Enter")
    shape, corners = new_rows()[existing + 1]
    assert shape == "polygon"
    assert corners == [[pytest.approx(x, abs=0.004), pytest.approx(y, abs=0.004)] for x, y in points]
    assert page.locator(".zone-editor-canvas svg polygon").count() >= 2
    page.locator(".zone-editor").screenshot(path=SHOTS / "zone-editor-zoomed-1280px.png")

    for row in page.locator(".inline-related[id^='zones-']:not(#zones-empty)").all():
        label = row.locator("[name$='-label']")
        if not label.input_value() and row.locator("[name$='-coordinates']").input_value():
            label.fill("A region drawn in the test")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    assert not page.locator(".errornote").count(), page.locator(".errorlist").all_inner_texts()
    added = Question.objects.get(pk=question.pk).zones.exclude(pk__in=before)
    assert sorted(len(z.coordinates) for z in added) == [4, 24]


@pytest.mark.skipif(
    not (ROOT / "node_modules/@panzoom/panzoom/package.json").exists(), reason="npm packages not installed"
)
def test_the_vendored_panzoom_is_the_locked_release():
    """static/vendor/panzoom is the file npm installs at the version package-lock.json pins, with its licence:
    updating the package without copying it again (or the reverse) fails here."""
    installed = ROOT / "node_modules/@panzoom/panzoom"
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/@panzoom/panzoom"]
    assert json.loads((installed / "package.json").read_text())["version"] == locked["version"]
    vendored = ROOT / "static/vendor/panzoom"
    assert (vendored / "panzoom.min.js").read_bytes() == (installed / "dist/panzoom.min.js").read_bytes()
    assert (vendored / "LICENSE").read_bytes() == (installed / "MIT-License.txt").read_bytes()
    assert f"Panzoom {locked['version']}" in (vendored / "panzoom.min.js").read_text()
