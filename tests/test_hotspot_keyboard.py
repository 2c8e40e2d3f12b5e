"""The demo's hotspot question done with the keyboard alone: Tab to the radiograph, move the crosshair with the
arrow keys onto each calcified mass, place a mark with Enter or Space, take back a stray mark with Delete.

The key presses are worked out from the zones stored in the database, as the crosshair moves: it starts in the
middle of the image, and each arrow key moves it 1% of the image's width or height (5% with Shift).
"""

import re

import pytest

from tests.support import ARTIFACTS, DESKTOP, HORIZONTAL_OVERFLOW_JS, PHONE, fetch_html, watch

pytestmark = pytest.mark.browser

QUIZ_START = "/quizzes/painless-nodules-elbow-knees-quiz/"
STEP, BIG_STEP = 0.01, 0.05  # static/js/hotspot.js


class Crosshair:
    """Where the crosshair is, worked out as static/js/hotspot.js works it out, and the keys that move it."""

    def __init__(self):
        self.x = self.y = 0.5

    def keys_to(self, x: float, y: float) -> list[str]:
        keys = []
        for axis, target, (less, more) in (("x", x, ("ArrowLeft", "ArrowRight")), ("y", y, ("ArrowUp", "ArrowDown"))):
            steps = round((target - getattr(self, axis)) / STEP)
            key = more if steps > 0 else less
            big, small = divmod(abs(steps), round(BIG_STEP / STEP))
            keys += [f"Shift+{key}"] * big + [key] * small
            setattr(self, axis, round(min(1.0, max(0.0, getattr(self, axis) + steps * STEP)), 4))
        return keys


def the_hotspot_question():
    from quiz.kinds.hotspot import zone_shape
    from quiz.models import Question

    question = Question.objects.select_related("figure", "step").get(
        step__quiz__slug="painless-nodules-elbow-knees-quiz", kind=Question.Kind.HOTSPOT
    )
    zones = list(question.zones.all())
    targets = [zone_shape(z).centre() for z in zones if z.correct]
    stray = next(zone_shape(z).centre() for z in zones if not z.correct)
    return question, targets, stray


def reach_the_hotspot_step(page, question) -> None:
    """Start the quiz in the browser; the steps before the hotspot step are answered as recorded answers."""
    from quiz.models import Attempt
    from quiz.services import step_submit
    from quiz.tests.helpers import answers_for, key_answer

    page.goto(QUIZ_START)
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_selector("#step-heading")
    attempt = Attempt.objects.get()
    for step in attempt.quiz.steps.filter(position__lt=question.step.position).order_by("position"):
        step_submit(attempt=attempt, step=step, try_number=1, raw_responses=answers_for(step, attempt, key_answer))
    page.goto(f"/attempts/{attempt.token}/steps/{question.step.position}/")
    page.wait_for_selector(".js-hotspot")


def tab_until(page, predicate: str, limit: int = 80) -> None:
    """Press Tab until ``predicate`` (JavaScript, given the focused element as ``el``) is true."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({predicate}); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def crosshair_state(page) -> dict:
    return page.evaluate(
        """() => {
            const crosshair = document.querySelector(".hotspot-crosshair");
            const box = document.querySelector(".hotspot-overlay").viewBox.baseVal;
            const [x, y] = (crosshair.getAttribute("transform").match(/[\\d.]+/g) || []).map(Number);
            return {visible: getComputedStyle(crosshair).visibility === "visible", x: x / box.width,
                    y: y / box.height};
        }"""
    )


def snapshot(target, name: str) -> None:
    """Save a screenshot of a page or an element in test-artifacts/, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    target.screenshot(path=ARTIFACTS / f"{name}.png")


def mark_inputs(page, prefix: str) -> list[tuple[float, float]]:
    values = page.locator(f"input[name='{prefix}-mark']").evaluate_all("(inputs) => inputs.map((i) => i.value)")
    return [tuple(float(v) for v in value.split(",")) for value in values]


def test_the_masses_can_be_marked_with_the_keyboard_alone(page, demo_case, axe, html_check):
    from quiz.kinds.hotspot import identifying_alt_text
    from quiz.models import Question, Response

    question, targets, stray = the_hotspot_question()
    prefix = f"q{question.pk}"
    reach_the_hotspot_step(page, question)
    image = page.locator(".hotspot-image")
    assert image.get_attribute("alt") == f"Figure {question.figure.label}: {identifying_alt_text(question.figure)}"
    assert page.get_by_text("With the keyboard: Tab to the image, move the crosshair with the arrow keys").is_visible()

    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    tab_until(page, "el.classList.contains('hotspot-image')")
    assert crosshair_state(page) == {"visible": True, "x": 0.5, "y": 0.5}, "the crosshair shows where it starts"

    crosshair = Crosshair()
    for number, (x, y) in enumerate(targets, start=1):
        for key in crosshair.keys_to(x, y):
            page.keyboard.press(key)
        state = crosshair_state(page)
        assert state["visible"] and state["x"] == pytest.approx(crosshair.x, abs=1e-3), state
        assert state["y"] == pytest.approx(crosshair.y, abs=1e-3), state
        page.keyboard.press("Enter" if number % 2 else "Space")
        assert page.locator(".hotspot-count").inner_text() == f"{number} mark{'s' if number > 1 else ''} placed."
        if number == 1:
            snapshot(page.locator(".hotspot"), "hotspot-keyboard-first-mark-1280px")
    # A stray mark on a bone, taken back with Delete.
    for key in crosshair.keys_to(*stray):
        page.keyboard.press(key)
    page.keyboard.press("Space")
    assert page.locator(".hotspot-count").inner_text() == f"{len(targets) + 1} marks placed."
    page.keyboard.press("Delete")
    assert page.locator(".hotspot-count").inner_text() == f"Last mark removed. {len(targets)} marks placed."
    placed = mark_inputs(page, prefix)
    assert placed == [pytest.approx(target, abs=0.006) for target in targets]
    assert page.locator(".hotspot-mark-group").count() == len(targets)
    assert page.locator("#step-heading").inner_text().startswith(f"Step {question.step.position} of")  # not sent
    axe(page)
    html_check({"hotspot step": fetch_html(page.url, {c["name"]: c["value"] for c in page.context.cookies()})})

    # The step's other question, and the submit button, with the keyboard too.
    others = list(question.step.questions.exclude(pk=question.pk).order_by("position"))
    for other in others:
        assert other.kind == Question.Kind.SINGLE_BEST, "this test answers single-best questions only"
        best = max(other.options.all(), key=lambda o: o.weight)
        tab_until(page, f"el.type === 'radio' && el.name === 'q{other.pk}'")
        for _ in range(other.options.count() + 1):
            page.keyboard.press("ArrowDown")
            if page.evaluate("() => document.activeElement.labels[0].innerText.trim()") == best.text:
                break
        assert page.evaluate("() => document.activeElement.checked")
    tab_until(page, f"el.innerText === 'Submit step {question.step.position}'")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.wait_for_selector("text=You scored")
    response = Response.objects.get(question=question)
    assert (response.fraction, response.state) == (1.0, "correct")
    assert len(response.raw["marks"]) == len(targets)
    marks_possible = sum(float(q.marks) for q in question.step.questions.all())
    assert re.search(
        rf"You scored {marks_possible:g} of {marks_possible:g} marks? on this step", page.inner_text("main")
    )
    # Finished: the figure is described again.
    assert question.figure.alt_text in page.locator("figure img").evaluate_all("(imgs) => imgs.map((i) => i.alt)")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_the_crosshair_shows_on_a_phone_and_on_a_desktop(browser, site_url, demo_case, page_problems, viewport):
    question, targets, _ = the_hotspot_question()
    context = browser.new_context(base_url=site_url, viewport=viewport, locale="en-GB")
    watch(context, page_problems)
    page = context.new_page()
    reach_the_hotspot_step(page, question)
    tab_until(page, "el.classList.contains('hotspot-image')")
    crosshair = Crosshair()
    for key in crosshair.keys_to(*targets[0]):
        page.keyboard.press(key)
    page.keyboard.press("Enter")
    for key in crosshair.keys_to(*targets[1]):
        page.keyboard.press(key)
    assert crosshair_state(page)["visible"]
    assert page.evaluate(HORIZONTAL_OVERFLOW_JS) == [], "the step scrolls sideways"
    # The crosshair is drawn where the keyboard put it: its ring's centre is over that point of the image.
    # (Measured in one go: the page may still be scrolling smoothly to the focused image.)
    x, y = page.evaluate(
        """() => {
            const image = document.querySelector(".hotspot-image").getBoundingClientRect();
            const ring = document.querySelector(".hotspot-crosshair circle").getBoundingClientRect();
            return [(ring.x + ring.width / 2 - image.x) / image.width,
                    (ring.y + ring.height / 2 - image.y) / image.height];
        }"""
    )
    assert (x, y) == (pytest.approx(crosshair.x, abs=0.005), pytest.approx(crosshair.y, abs=0.005))
    page.locator(".hotspot").scroll_into_view_if_needed()
    snapshot(page.locator(".question").first, f"hotspot-crosshair-{viewport['width']}px")
    snapshot(page, f"hotspot-crosshair-{viewport['width']}px-window")

    # A click or tap places a mark where it lands, hides the crosshair, and the arrow keys carry on from there.
    image = page.locator(".hotspot-image")
    box = image.bounding_box()
    x, y = targets[2]
    image.click(position={"x": box["width"] * x, "y": box["height"] * y})
    assert page.locator(".hotspot-count").inner_text() == "2 marks placed."
    assert mark_inputs(page, f"q{question.pk}")[-1] == (pytest.approx(x, abs=0.01), pytest.approx(y, abs=0.01))
    assert not crosshair_state(page)["visible"]
    page.keyboard.press("ArrowRight")
    state = crosshair_state(page)
    assert state["visible"]
    assert (state["x"], state["y"]) == (pytest.approx(x + STEP, abs=0.01), pytest.approx(y, abs=0.01))
    context.close()
    page_problems.assert_none()
