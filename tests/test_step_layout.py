"""The step page on a phone and a laptop: the question near the top, and after every kind of submit the learner
lands on what happened, with the keyboard focus on it; the results open with the total and the take-home points.
"""

import pytest

from tests.support import screenshot
from tests.test_quiz_flows import QUIZ_START, RIGHT, STEPS, WRONG_STEP_1, answer_with_mouse

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 900}
SIZES = pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["375px", "1280px"])

LANDED_JS = """() => {
    const el = document.activeElement;
    const box = el.getBoundingClientRect();
    return {id: el.id, top: box.top, bottom: box.bottom, text: el.innerText.slice(0, 80)};
}"""


def assert_landed_on_the_status(page, viewport, where: str) -> dict:
    page.wait_for_function("() => ['step-status', 'messages'].includes(document.activeElement.id)")
    landed = page.evaluate(LANDED_JS)
    assert landed["id"] in ("step-status", "messages"), where
    assert -1 <= landed["top"] and landed["bottom"] <= viewport["height"] + 1, f"{where}: {landed}"
    return landed


def first_question_top(page) -> float:
    return page.evaluate("() => document.querySelector('.question').getBoundingClientRect().top + window.scrollY")


def new_page(browser, site_url, viewport):
    context = browser.new_context(base_url=site_url, viewport=viewport, locale="en-GB")
    return context, context.new_page()


@SIZES
def test_each_submit_lands_on_its_result_and_the_question_starts_near_the_top(browser, site_url, demo_case, viewport):
    context, page = new_page(browser, site_url, viewport)
    page.goto(QUIZ_START)
    page.get_by_role("button", name="Start the quiz").click()
    for step in range(1, STEPS + 1):
        page.wait_for_selector("#step-heading")
        top = first_question_top(page)
        if viewport is PHONE:
            screenshot(page, f"step-{step}-phone-top")
            assert top <= 1.5 * viewport["height"], f"step {step}: the first question starts at {top:.0f} px"
        if step == 1:
            answer_with_mouse(page, WRONG_STEP_1)
            page.get_by_role("button", name="Submit step 1").click()
            landed = assert_landed_on_the_status(page, viewport, "a wrong try")
            assert "Not quite yet" in landed["text"]
        answer_with_mouse(page, RIGHT[step])
        page.get_by_role("button", name=f"Submit step {step}").click()
        landed = assert_landed_on_the_status(page, viewport, f"step {step} answered")
        assert landed["text"].startswith("You scored"), landed
        page.get_by_role("link", name=f"Continue to step {step + 1}" if step < STEPS else "See your results").click()

    page.wait_for_url("**/review/")
    total = page.locator(".total-score").bounding_box()
    take_home = page.locator("#take-home-heading").bounding_box()
    assert total["y"] + total["height"] <= viewport["height"] and take_home["y"] < viewport["height"]
    screenshot(page, f"review-first-screen-{viewport['width']}px")
    context.close()


@SIZES
def test_showing_the_answer_lands_on_the_result(browser, site_url, demo_case, viewport):
    context, page = new_page(browser, site_url, viewport)
    page.goto(QUIZ_START)
    page.get_by_role("button", name="Start the quiz").click()
    answer_with_mouse(page, WRONG_STEP_1)
    page.get_by_role("button", name="Submit step 1").click()
    page.get_by_role("button", name="Show the answer and move on").click()
    landed = assert_landed_on_the_status(page, viewport, "show the answer")
    assert landed["text"].startswith("You scored 0 of 1")
    context.close()


@SIZES
def test_an_exam_step_lands_on_the_word_that_it_was_recorded(browser, site_url, demo_case, viewport):
    from django.contrib.auth import get_user_model

    from quiz.models import Quiz

    Quiz.objects.update(mode=Quiz.Mode.EXAM)
    get_user_model().objects.create_user("examinee", password="a long learner password")
    context, page = new_page(browser, site_url, viewport)
    page.goto("/accounts/login/?next=" + QUIZ_START)
    page.get_by_label("Username").fill("examinee")
    page.get_by_label("Password").fill("a long learner password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{QUIZ_START}")
    page.get_by_role("button", name="Start the quiz").click()
    answer_with_mouse(page, RIGHT[1])
    page.get_by_role("button", name="Submit step 1").click()
    landed = assert_landed_on_the_status(page, viewport, "an exam step")
    assert "Your answers to that step are recorded" in landed["text"]
    assert page.locator("#step-heading").inner_text().startswith("Step 2")
    context.close()
