"""The finished hotspot step, as the browser draws it: the target zones outlined, and the learner's marks on them.

The demo's radiograph (figure 1C) is rendered twice: once answered with marks (two on targets, one on bone, one
nowhere), once with an older answer that picked regions from the former list (no marks). Both outline every
target; only the first draws marks, so the two pictures of the figure must differ where the marks are.
"""

import io

import pytest

from tests.support import ARTIFACTS, DESKTOP, HORIZONTAL_OVERFLOW_JS, PHONE, fetch_html, screenshot, watch

pytestmark = pytest.mark.browser

QUIZ_START = "/quizzes/painless-nodules-elbow-knees-quiz/"


def the_hotspot_question():
    from quiz.kinds.hotspot import zone_shape
    from quiz.models import Question

    question = Question.objects.select_related("figure", "step").get(
        step__quiz__slug="painless-nodules-elbow-knees-quiz", kind=Question.Kind.HOTSPOT
    )
    zones = {zone.key: zone for zone in question.zones.all()}
    targets = sorted((z for z in zones.values() if z.correct), key=lambda z: z.label)
    marks = [
        zone_shape(targets[0]).centre(),
        zone_shape(zones["bone-humerus"]).centre(),
        zone_shape(targets[2]).centre(),
        (0.8, 0.2),  # on no zone: soft tissue above the forearm
    ]
    return question, targets, marks


def finished_hotspot_step(page, question, hotspot_raw: dict) -> None:
    """Start the quiz in this page's browser, answer every step (the hotspot question with ``hotspot_raw``) as
    recorded answers, and open the finished hotspot step. A step not right first time is given up (practice
    lets the learner see the answer instead of trying again)."""
    from quiz.models import Attempt, StepAttempt
    from quiz.services import step_give_up, step_submit
    from quiz.tests.helpers import answers_for, key_answer

    page.goto(QUIZ_START)
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_selector("#step-heading")
    attempt = Attempt.objects.get(token=page.url.split("/attempts/")[1].split("/")[0])
    for step in attempt.quiz.steps.order_by("position"):
        answers = answers_for(step, attempt, key_answer)
        if step.pk == question.step_id:
            answers[question.pk] = hotspot_raw
        step_submit(attempt=attempt, step=step, try_number=1, raw_responses=answers)
        if not StepAttempt.objects.get(attempt=attempt, step=step).is_committed:
            step_give_up(attempt=attempt, step=step)
    attempt.refresh_from_db()
    assert attempt.is_finished
    page.goto(f"/attempts/{attempt.token}/steps/{question.step.position}/")
    page.wait_for_selector(".hotspot-review img")
    page.wait_for_function("() => document.querySelector('.hotspot-review img').complete")


def figure_picture(page):
    """A screenshot of the figure with its drawing, as a Pillow image."""
    from PIL import Image

    return Image.open(io.BytesIO(page.locator(".hotspot-review").screenshot())).convert("RGB")


def differs_around(first, second, x: float, y: float, radius: int = 12) -> int:
    """How many pixels differ between two pictures of the same size in the square around (x, y) (fractions)."""
    from PIL import ImageChops

    width, height = first.size
    box = (
        max(0, int(x * width) - radius),
        max(0, int(y * height) - radius),
        min(width, int(x * width) + radius),
        min(height, int(y * height) + radius),
    )
    difference = ImageChops.difference(first.crop(box), second.crop(box)).convert("L")
    return sum(difference.histogram()[41:])  # pixels that differ by more than a rounding slip


def assert_every_target_outlined(page, question, targets) -> None:
    """Each target's dashed outline is in the page, shown, and drawn where the zone is on the image as shown."""
    outlines = page.locator(".hotspot-review .hotspot-target .hotspot-zone-line")
    assert outlines.count() == len(targets) == 5
    image = page.locator(".hotspot-review img").bounding_box()
    for number, (outline, zone) in enumerate(zip(outlines.all(), targets, strict=True), start=1):
        assert outline.is_visible(), f"target {number}'s outline is hidden"
        assert page.locator(f".hotspot-target[data-target='{number}'] .hotspot-label").text_content() == str(number)
        box = outline.bounding_box()
        x, y, width, height = zone.coordinates
        # The box includes half the stroke's width on each side (a couple of pixels).
        assert box["x"] == pytest.approx(image["x"] + x * image["width"], abs=3), number
        assert box["y"] == pytest.approx(image["y"] + y * image["height"], abs=3), number
        assert box["width"] == pytest.approx(width * image["width"], abs=5), number
        assert box["height"] == pytest.approx(height * image["height"], abs=5), number


def test_the_finished_step_draws_the_targets_and_the_marks(page, demo_case, axe, html_check, browser, page_problems):
    question, targets, marks = the_hotspot_question()
    finished_hotspot_step(page, question, {"marks": [list(m) for m in marks], "regions": []})
    figure = page.locator(".hotspot-review")
    figure.scroll_into_view_if_needed()
    assert page.locator(".hotspot-review img").get_attribute("alt") == (
        "Figure 1C with the 5 target areas outlined and your 4 marks: 2 on targets, 2 not. "
        "The region you marked that is not a target is outlined faintly."
    )
    assert_every_target_outlined(page, question, targets)
    drawn = page.locator(".hotspot-review-mark")
    assert [drawn.nth(n).get_attribute("class") for n in range(drawn.count())] == [
        "hotspot-review-mark is-hit",
        "hotspot-review-mark is-miss",
        "hotspot-review-mark is-hit",
        "hotspot-review-mark is-miss",
    ]
    legend = page.locator(".hotspot-legend").inner_text()
    for line in [
        "Target 1 (Calcified mass 1): found by your mark 1.",
        "Target 2 (Calcified mass 2): missed.",
        "Target 3 (Calcified mass 3): found by your mark 3.",
        "Mark 2: not on a target (on the region “Humerus”).",
        "Mark 4: not on a target.",
    ]:
        assert line in legend
    marked = figure_picture(page)
    # The outlines are painted: hiding the drawing changes the picture along each target's top edge.
    page.evaluate("() => { document.querySelector('.hotspot-review svg').style.visibility = 'hidden'; }")
    bare = figure_picture(page)
    page.evaluate("() => { document.querySelector('.hotspot-review svg').style.visibility = ''; }")
    for zone in targets:
        x, y, width, _ = zone.coordinates
        assert differs_around(marked, bare, x + width / 2, y, radius=6) > 0, f"{zone.label}'s outline is not painted"
    screenshot(page, "hotspot-review-marked-1280px")
    ARTIFACTS.mkdir(exist_ok=True)
    marked.save(ARTIFACTS / "hotspot-review-figure-marked-1280px.png")
    axe(page)
    html_check({"finished hotspot step": fetch_html(page.url, {c["name"]: c["value"] for c in page.context.cookies()})})

    # The same figure for another learner whose (older) answer picked regions from the list: no marks drawn.
    context = browser.new_context(base_url=page.url.split("/attempts/")[0], viewport=DESKTOP, locale="en-GB")
    watch(context, page_problems)
    other = context.new_page()
    bone = next(z for z in question.zones.all() if z.key == "bone-ulna")
    finished_hotspot_step(other, question, {"marks": [], "regions": [targets[1].key, bone.key]})
    other.locator(".hotspot-review").scroll_into_view_if_needed()
    assert other.locator(".hotspot-review img").get_attribute("alt") == (
        "Figure 1C with the 5 target areas outlined; you picked 2 regions from a list instead of placing marks. "
        "The region you marked that is not a target is outlined faintly."
    )
    assert_every_target_outlined(other, question, targets)
    assert other.locator(".hotspot-review-mark").count() == 0
    assert (
        "Target 2 (Calcified mass 2): found by the region you picked from the list."
        in other.locator(".hotspot-legend").inner_text()
    )
    unmarked = figure_picture(other)
    unmarked.save(ARTIFACTS / "hotspot-review-figure-unmarked-1280px.png")
    context.close()

    assert marked.size == unmarked.size
    assert marked.tobytes() != unmarked.tobytes(), "the marks change nothing in the picture"
    for x, y in marks:
        assert differs_around(marked, unmarked, x, y) > 20, f"no mark drawn at ({x}, {y})"
    # Where neither drawing puts anything (the middle of target 4, away from its outline), the pictures agree.
    x, y, width, height = targets[3].coordinates
    assert differs_around(marked, unmarked, x + width / 2, y + height / 2, radius=4) == 0


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_the_finished_step_fits_a_phone_and_a_desktop(browser, site_url, demo_case, page_problems, viewport):
    question, targets, marks = the_hotspot_question()
    context = browser.new_context(base_url=site_url, viewport=viewport, locale="en-GB")
    watch(context, page_problems)
    page = context.new_page()
    finished_hotspot_step(page, question, {"marks": [list(m) for m in marks], "regions": []})
    assert page.evaluate(HORIZONTAL_OVERFLOW_JS) == [], "the finished step scrolls sideways"
    assert_every_target_outlined(page, question, targets)
    figure = page.locator(".hotspot-review-figure")
    figure.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    figure.screenshot(path=ARTIFACTS / f"hotspot-review-{viewport['width']}px.png")
    screenshot(page, f"hotspot-review-{viewport['width']}px-page")
    context.close()
    page_problems.assert_none()
