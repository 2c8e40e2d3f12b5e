"""The demo quiz as learners take it in Chromium: with the mouse, with the keyboard alone, on a phone.

Each flow checks what the learner sees (feedback quoting the published reasoning, the score) and runs
axe and the HTML checker on every state of the quiz: before an answer, after feedback, and the review.
"""

import re

import pytest

from tests.support import (
    DEMO_SLUG,
    DEMO_TITLE,
    HORIZONTAL_OVERFLOW_JS,
    OVERLAPPING_TEXT_JS,
    PHONE,
    fetch_html,
    screenshot,
)
from tests.test_hotspot_keyboard import Crosshair, tab_until

pytestmark = pytest.mark.browser

STEPS = 7
TOTAL_MARKS = 9
QUIZ_START = "/quizzes/painless-nodules-elbow-knees-quiz/"

# The right answers, as a learner would find them on the page. Hotspot marks are image-relative.
RIGHT = {
    1: [
        ("true/false", "They cause her no pain.", "True"),
        ("true/false", "They have formed over about ten years.", "True"),
        ("true/false", "They are confined to her left elbow.", "False"),
        ("true/false", "One on the right knee breaks the skin.", "True"),
        ("true/false", "They lie inside the joints themselves.", "False"),
    ],
    2: [
        ("mark", [(0.245, 0.835), (0.255, 0.695), (0.258, 0.555), (0.540, 0.855), (0.700, 0.852)]),
    ],
    3: [
        ("select", "Hypothetical: calcified skin nodules in a man", "Metastatic"),
        ("select", "Hypothetical: a hard plaque", "Iatrogenic"),
        ("select", "Hypothetical: firm nodules", "Iatrogenic"),
        ("select", "Hypothetical: calcified nodules in lower-leg skin", "Dystrophic"),
        ("select", "Hypothetical: calcified nodules with no tissue injury", "Idiopathic"),
    ],
    4: [
        ("choose", "Metastatic"),
        ("type", "Your answer", "dystrophic"),
    ],
    5: [
        ("tick", "Her rheumatoid factor was within normal limits."),
        ("tick", "Her nodules were calcified on the radiographs."),
    ],
    6: [
        ("select", "Painless nodules under the skin", "1"),
        ("select", "Calcified masses in the soft tissue", "2"),
        ("select", "No predisposing condition", "3"),
        ("select", "Dystrophic calcinosis related", "4"),
    ],
    7: [
        ("choose", "Drugs such as diltiazem have been tried"),
        ("choose", "Early, effective treatment of her connective tissue disease"),
    ],
}
# A wrong answer to step 1: every statement the other way round.
WRONG_STEP_1 = [(action, label, "False" if value == "True" else "True") for action, label, value in RIGHT[1]]


def answer_with_mouse(page, actions):
    for action, *args in actions:
        if action == "tick":
            page.get_by_role("checkbox", name=args[0], exact=True).check()
        elif action == "choose":
            page.get_by_role("radio", name=args[0]).check()
        elif action == "select":
            page.get_by_role("combobox", name=args[0]).select_option(label=args[1])
        elif action == "type":
            page.get_by_role("textbox", name=args[0]).fill(args[1])
        elif action == "true/false":
            page.get_by_role("group", name=args[0]).get_by_role("radio", name=args[1], exact=True).check()
        elif action == "mark":
            image = page.locator(".hotspot-image")
            image.scroll_into_view_if_needed()
            box = image.bounding_box()
            for x, y in args[0]:
                page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
            assert page.locator(".hotspot-count").inner_text() == f"{len(args[0])} marks placed."


def check_page(page, axe, html_pages, name):
    """axe now, in the browser; the raw HTML is collected for one HTML-checker run at the end."""
    axe(page)
    html_pages[name] = fetch_html(page.url, {c["name"]: c["value"] for c in page.context.cookies()})


def test_learner_finds_the_case_reads_it_and_takes_the_quiz_with_the_mouse(page, demo_case, axe, html_check):
    html_pages: dict[str, str] = {}
    page.goto("/")
    page.get_by_label("Search by title, keyword or specialty").fill("nodules elbow")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=DEMO_TITLE).click()
    page.wait_for_url(f"**/cases/{DEMO_SLUG}/")
    assert page.get_by_text("An 87-year-old woman with a history of hypertension").is_visible()

    page.get_by_role("link", name="Start the quiz").click()
    check_page(page, axe, html_pages, "quiz start")
    page.get_by_role("button", name="Start the quiz").click()

    for step in range(1, STEPS + 1):
        page.wait_for_selector("#step-heading")
        assert page.locator("#step-heading").inner_text().startswith(f"Step {step} of {STEPS}")
        if step in (1, 2):
            check_page(page, axe, html_pages, f"step {step} before answering")
        answer_with_mouse(page, RIGHT[step])
        page.get_by_role("button", name=f"Submit step {step}").click()
        page.wait_for_selector("text=You scored")
        assert re.search(r"You scored (\d+) of \1 marks? on this step", page.locator("main").inner_text())
        # The feedback quotes the report, as the published reasoning behind the answer.
        assert page.get_by_role("heading", name="The published reasoning").first.is_visible()
        assert page.locator("blockquote.source-quote").first.inner_text().startswith("“")
        if step in (1, 2):
            check_page(page, axe, html_pages, f"step {step} feedback")
            screenshot(page, f"quiz-step-{step}-feedback-desktop")
        if step < STEPS:
            page.get_by_role("link", name=f"Continue to step {step + 1}").click()
        else:
            page.get_by_role("link", name="See your results").click()

    page.wait_for_url("**/review/")
    assert page.locator(".total-score").inner_text() == (
        f"You scored {TOTAL_MARKS} of {TOTAL_MARKS} marks on “Work through the case”."
    )
    assert page.get_by_role("button", name="Try the quiz again").first.is_visible()
    check_page(page, axe, html_pages, "review")
    screenshot(page, "quiz-review-desktop")
    html_check(html_pages)


def test_a_wrong_try_gets_a_hint_then_the_answer(page, demo_case, axe, html_check):
    html_pages: dict[str, str] = {}
    page.goto(QUIZ_START)
    page.get_by_role("button", name="Start the quiz").click()
    answer_with_mouse(page, WRONG_STEP_1)
    page.get_by_role("button", name="Submit step 1").click()

    assert page.get_by_text("That was try 1 of 2.").is_visible()
    assert page.get_by_text("Hint:").is_visible()
    statement = page.get_by_role("group", name="They cause her no pain.")
    assert statement.get_by_role("radio", name="False", exact=True).is_checked(), "the try is kept"
    check_page(page, axe, html_pages, "step 1 after a wrong try")

    page.get_by_role("button", name="Show the answer and move on").click()
    main = page.locator("main").inner_text()
    assert "You scored 0 of 1 mark on this step." in main
    assert "You said false: wrong." in main
    assert "Expected answer" in main
    html_check(html_pages)


def tab_to(page, name: str, limit: int = 250) -> None:
    """Press Tab until the focused element's accessible name starts with ``name`` (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el) return "";
                const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
                const legend = el.closest("fieldset") && el.type === "radio"
                    ? el.closest("fieldset").querySelector("legend").innerText + " | " : "";
                return legend + (label || el.getAttribute("aria-label") || el.innerText || el.value || "");
            }"""
        )
        if focused.strip().replace("\n", " ").startswith(name) or f"| {name}" in focused:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def answer_with_keyboard(page, actions):
    for action, *args in actions:
        if action == "tick":
            tab_to(page, args[0])
            page.keyboard.press("Space")
        elif action == "choose":
            # Tab reaches the radio group; the arrow keys move the choice within it.
            _choose_radio(page, args[0])
        elif action == "select":
            tab_to(page, args[0])
            page.keyboard.type(args[1])
        elif action == "type":
            tab_to(page, args[0])
            page.keyboard.type(args[1])
        elif action == "true/false":
            tab_to(page, args[0])
            _arrow_to(page, args[1])
        elif action == "mark":
            # On the image itself: Tab to it, move the crosshair with the arrow keys, Enter places a mark.
            tab_until(page, "el.classList.contains('hotspot-image')")
            crosshair = Crosshair()
            for x, y in args[0]:
                for key in crosshair.keys_to(x, y):
                    page.keyboard.press(key)
                page.keyboard.press("Enter")


def _focused_label(page) -> str:
    return page.evaluate("() => (document.activeElement.labels || [{innerText: ''}])[0].innerText.trim()")


def _arrow_to(page, label: str) -> None:
    """Within a focused radio group, press the down arrow until ``label`` is checked."""
    for _ in range(8):
        if _focused_label(page).startswith(label) and page.evaluate("document.activeElement.checked"):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"Arrow keys never reached {label!r}")


def _choose_radio(page, label: str) -> None:
    tab_to(page, "Your answer")
    _arrow_to(page, label)


def press_enter_and_wait(page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_quiz_can_be_done_with_the_keyboard_alone(page, demo_case):
    page.goto(QUIZ_START)
    tab_to(page, "Start the quiz")
    press_enter_and_wait(page)
    for step in range(1, STEPS + 1):
        assert page.locator("#step-heading").inner_text().startswith(f"Step {step} of {STEPS}")
        answer_with_keyboard(page, RIGHT[step])
        tab_to(page, f"Submit step {step}")
        press_enter_and_wait(page)
        assert re.search(r"You scored (\d+) of \1 marks? on this step", page.locator("main").inner_text()), step
        tab_to(page, f"Continue to step {step + 1}" if step < STEPS else "See your results")
        press_enter_and_wait(page)
    assert page.locator(".total-score").inner_text().startswith(f"You scored {TOTAL_MARKS} of {TOTAL_MARKS}")


def test_quiz_pages_fit_a_phone(browser, site_url, demo_case, page_problems):
    context = browser.new_context(base_url=site_url, viewport=PHONE, locale="en-GB")
    page = context.new_page()
    page.goto(QUIZ_START)
    page.get_by_role("button", name="Start the quiz").click()
    for step in (1, 2):
        page.wait_for_selector("#step-heading")
        assert page.evaluate(HORIZONTAL_OVERFLOW_JS) == [], f"step {step} scrolls sideways"
        assert page.evaluate(OVERLAPPING_TEXT_JS) == [], f"step {step} has overlapping text"
        screenshot(page, f"quiz-step-{step}-phone")
        answer_with_mouse(page, RIGHT[step])
        page.get_by_role("button", name=f"Submit step {step}").click()
        page.wait_for_selector("text=You scored")
        assert page.evaluate(HORIZONTAL_OVERFLOW_JS) == [], f"step {step} feedback scrolls sideways"
        screenshot(page, f"quiz-step-{step}-feedback-phone")
        page.get_by_role("link", name=f"Continue to step {step + 1}").click()
    context.close()
