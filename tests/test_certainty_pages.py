"""Certainty-based marking in Chromium, on a phone and a laptop: the certainty choice on a step, its error when
left out, the review with its certainty-based marks and calibration chart, and the educators' item analysis
with the cohort's calibration. axe, the HTML checker, and nothing wider than the screen."""

import re

import pytest

from tests.support import DESKTOP, HORIZONTAL_OVERFLOW_JS, PHONE, load_all_images, watch
from tests.test_quiz_flows import RIGHT, STEPS, WRONG_STEP_1, answer_with_mouse

pytestmark = pytest.mark.browser

CERTAINTY_GROUP = "How sure are you of your answer to question {}?"


def say_how_sure(page, level: str) -> None:
    """Choose a level ("Low", "Medium", "High") for every question of the step on screen."""
    assert page.get_by_role("group", name=CERTAINTY_GROUP.format(1)).count() == 1
    number = 1
    while page.get_by_role("group", name=CERTAINTY_GROUP.format(number)).count():
        group = page.get_by_role("group", name=CERTAINTY_GROUP.format(number))
        group.get_by_role("radio", name=f"{level}:").check()
        number += 1


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375px", "1280px"])
def test_certainty_based_pages_pass_axe_and_the_html_checker_and_fit_the_screen(
    browser, site_url, demo_case, page_problems, axe, html_check, educator, log_in, viewport
):
    from quiz.models import Quiz

    Quiz.objects.update(mode=Quiz.Mode.CBM, review_after=Quiz.ReviewAfter.ATTEMPT)
    context = browser.new_context(base_url=site_url, viewport=viewport, locale="en-GB")
    context.set_default_timeout(15_000)
    watch(context, page_problems)
    page = context.new_page()
    documents = {}

    def check(name: str) -> None:
        load_all_images(page)
        assert page.evaluate(HORIZONTAL_OVERFLOW_JS) == [], f"{name} scrolls sideways"
        axe(page)
        documents[f"{name} ({viewport['width']}px)"] = page.content()

    page.goto(f"/quizzes/{Quiz.objects.get().slug}/")
    check("start")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_selector("#step-heading")
    check("step 1")

    # Left out, the certainty is asked for and nothing is recorded.
    answer_with_mouse(page, WRONG_STEP_1)
    page.get_by_role("button", name="Submit step 1").click()
    page.wait_for_selector("text=Say how sure you are of your answer to question 1")
    assert page.locator("#step-heading").inner_text().startswith(f"Step 1 of {STEPS}")
    check("step 1, certainty left out")

    say_how_sure(page, "High")  # wrong and sure: the most a question can cost
    page.get_by_role("button", name="Submit step 1").click()
    for step in range(2, STEPS + 1):
        page.wait_for_selector(f"#step-heading:has-text('Step {step} of {STEPS}')")
        answer_with_mouse(page, RIGHT[step])
        say_how_sure(page, "Medium" if step % 2 else "High")
        page.get_by_role("button", name=f"Submit step {step}").click()
    # Feedback deferred to the end: the last step lands on the results.
    page.wait_for_url(re.compile(r"/review/(#.*)?$"))
    assert "certainty-based marks" in page.locator(".total-score").inner_text()
    assert page.get_by_role("heading", name="How well you judged your certainty").is_visible()
    check("review")

    log_in(page, educator.username)
    quiz = Quiz.objects.get()
    page.goto(f"/admin/quiz/quiz/{quiz.pk}/item-analysis/")
    assert page.get_by_role("heading", name="How well learners judged their certainty").is_visible()
    load_all_images(page)
    axe(page)
    page.goto(f"/admin/quiz/quiz/{quiz.pk}/item-analysis/responses/")
    assert page.get_by_text("Learner 1", exact=True).is_visible()
    axe(page)

    html_check(documents)
    page_problems.assert_none()
    context.close()
