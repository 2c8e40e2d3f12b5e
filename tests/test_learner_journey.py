"""A learner's way through the site over two sittings, in Chromium: sign up, take half the demo quiz, sign out;
sign in on another browser, carry on from the home page, finish, and find the case under "My cases"."""

import re

import pytest
from django.core import mail

from tests.support import DEMO_TITLE, PHONE, watch
from tests.test_quiz_flows import RIGHT, STEPS, answer_with_mouse

pytestmark = pytest.mark.browser

PASSWORD = "nodules on the elbow 1987"
HALF = 3


def new_page(browser, site_url, page_problems, viewport):
    context = browser.new_context(base_url=site_url, viewport=viewport, locale="en-GB")
    context.set_default_timeout(15_000)
    watch(context, page_problems)
    return context, context.new_page()


def answer_steps(page, steps):
    for step in steps:
        page.wait_for_selector("#step-heading")
        assert page.locator("#step-heading").inner_text().startswith(f"Step {step} of {STEPS}")
        answer_with_mouse(page, RIGHT[step])
        page.get_by_role("button", name=f"Submit step {step}").click()
        page.wait_for_selector("text=You scored")
        if step < STEPS:
            page.get_by_role("link", name=f"Continue to step {step + 1}").click()


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["375px", "1280px"])
def test_sign_up_take_half_the_quiz_come_back_on_another_browser_and_finish(
    browser, site_url, settings, demo_case, page_problems, viewport
):
    settings.SIGNUP_OPEN = True
    viewport = viewport or {"width": 1280, "height": 800}
    # An address of its own per run: allauth waits a few minutes before e-mailing one address again.
    email = f"asha.{viewport['width']}@example.ac.uk"

    # First sitting: sign up, confirm the address from the e-mail, take half the quiz, sign out.
    first, page = new_page(browser, site_url, page_problems, viewport)
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("E-mail address").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    page.wait_for_selector("text=Check your e-mail")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.replace(link.split("/accounts/")[0], site_url))
    page.get_by_role("button", name="Confirm my address").click()
    page.wait_for_selector(".account-menu")

    page.goto("/")
    page.get_by_role("link", name=DEMO_TITLE).click()
    page.get_by_role("link", name="Start the quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    answer_steps(page, range(1, HALF + 1))
    page.wait_for_selector(f"text=Step {HALF + 1} of {STEPS}")
    page.locator(".account-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("text=Sign in")
    first.close()

    # Second sitting, another browser: sign in with the address; the home page offers to carry on.
    second, page = new_page(browser, site_url, page_problems, viewport)
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(".account-menu")
    page.goto("/")
    carry_on = page.get_by_role("link", name=f"Carry on at step {HALF + 1}")
    assert carry_on.first.is_visible()
    assert page.locator(".case-mark").first.inner_text() == "In progress"
    carry_on.first.click()
    answer_steps(page, range(HALF + 1, STEPS + 1))
    page.get_by_role("link", name="See your results").click()
    page.wait_for_url("**/review/")
    total = page.locator(".total-score").inner_text()
    assert total.startswith("You scored 9 of 9 marks")

    page.get_by_role("link", name="My cases").click()
    page.wait_for_selector("h1:text('My cases')")
    case = page.locator(".my-case", has_text=DEMO_TITLE)
    assert case.get_by_text("Done").is_visible()
    assert "9 of 9 marks on" in case.inner_text()
    assert case.get_by_role("link", name=re.compile("^Carry on")).count() == 0
    second.close()
    page_problems.assert_none()
