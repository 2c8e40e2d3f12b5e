"""The learner's own pages (header, "My cases", review) in Chromium: axe, the HTML checker, and a 375 px phone."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from tests.support import DESKTOP, HORIZONTAL_OVERFLOW_JS, PHONE, load_all_images

pytestmark = pytest.mark.browser


@pytest.fixture
def learner_with_reviews_due(demo_case):
    """A learner who finished the demo quiz three days ago (some steps wrong) and left another half done.

    Returns a signed-in test client's session cookie and a review answer to look at.
    """
    from django.contrib.auth import get_user_model

    from learners import selectors
    from learners.services import review_answer, review_items_sync
    from learners.tests.helpers import play
    from quiz.models import Attempt, Quiz
    from quiz.tests.helpers import key_answer

    Quiz.objects.update(max_tries=1)
    quiz = Quiz.objects.get()
    user = get_user_model().objects.create_user("asha", password="a long learner password", first_name="Asha")
    client = Client()
    client.force_login(user)
    finished = play(client, quiz)
    Attempt.objects.filter(pk=finished.pk).update(finished_at=finished.finished_at - timedelta(days=3))
    play(client, quiz, upto=2)
    from django.utils import timezone

    now = timezone.now()
    review_items_sync(user=user, now=now)
    items = selectors.due_items(user, now)
    answered = items[-1]
    question = selectors.review_question(answered)
    raw = key_answer(question, selectors.review_round(answered, question))
    answer = review_answer(item=answered, round_token=answered.round_token, question=question, raw=raw, now=now)
    return client.cookies[settings.SESSION_COOKIE_NAME].value, answer


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_learner_pages_pass_axe_and_the_html_checker_and_fit_a_phone(
    browser, site_url, page_problems, learner_with_reviews_due, axe, html_check, viewport
):
    session, answer = learner_with_reviews_due
    context = browser.new_context(base_url=site_url, viewport=viewport, locale="en-GB")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site_url}])
    page = context.new_page()
    documents = {}

    def visit(name: str, path: str | None = None) -> None:
        if path is not None:
            page.goto(path)
        load_all_images(page)
        assert page.evaluate(HORIZONTAL_OVERFLOW_JS) == [], f"{name} scrolls sideways"
        axe(page)
        documents[name] = page.content()

    visit("home", "/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 110, f"the header takes {header['height']} px: two rows at most on a phone"
    assert not page.get_by_text("Signed in as").is_visible()
    page.locator(".account-menu > summary").click()
    assert page.get_by_text("Signed in as").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    visit("home, account menu open")
    assert page.locator(".case-mark").first.inner_text() == "Done"
    visit("my cases", "/my-cases/")
    assert page.get_by_role("link", name="Carry on at step 3").is_visible()
    visit("review", "/review/")
    page.get_by_role("link", name="Start the review").click()
    page.wait_for_selector("text=Review question")
    visit("review question")
    page.get_by_role("button", name="Submit my answer").click()
    page.wait_for_selector(".invalid-feedback, .is-invalid")
    visit("review question, not answered")
    visit("review answer", f"/review/answers/{answer.pk}/")
    assert page.get_by_text("comes back for review on").is_visible()

    html_check({f"{name} ({viewport['width']}px)": html for name, html in documents.items()})
    page_problems.assert_none()
    context.close()
