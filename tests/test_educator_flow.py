"""An educator builds a case and its quiz in the admin, in Chromium, previews it and publishes it;
then a learner completes it.

Everything goes through the admin's pages as a person uses them: inline rows added with "Add another",
the figure uploaded from a phone-style JPEG, and the hotspot zone drawn on the figure with the mouse.
"""

import re

import pytest

from cases.tests.image_factories import noise, phone_jpeg
from tests.support import screenshot

pytestmark = pytest.mark.browser


def add_inline_row(page, group: str, link_text: str) -> int:
    """Click an inline's "Add another ..." link; return the new row's index."""
    before = page.locator(f"#{group}-group .inline-related:not(.empty-form)").count()
    page.locator(f"#{group}-group").get_by_role("button", name=link_text).click()
    return before


def fill(page, name: str, value: str) -> None:
    page.locator(f'[name="{name}"]').fill(value)


def save_and_continue(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue editing").click()
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, "the admin refused the form: " + " / ".join(errors.all_inner_texts())


def test_educator_builds_previews_and_publishes_a_quiz_that_a_learner_completes(
    browser, page, site_url, educator, log_in, tmp_path
):
    log_in(page, educator.username)

    # --- The case, with two sections and a figure uploaded from a phone ---------------------
    page.goto("/admin/cases/case/add/")
    page.locator("#id_title").press_sequentially("Nodules on the shin")  # typed: the slug follows
    assert page.locator("#id_slug").input_value() == "nodules-on-the-shin"  # prepopulated
    page.get_by_label("One-line teaser:", exact=True).fill("A new case written in the admin.")
    for number, (heading, body) in enumerate([("Presentation", "A man with shin nodules."), ("Discussion", "Why.")]):
        row = add_inline_row(page, "sections", "Add another Section")
        fill(page, f"sections-{row}-position", str(number + 1))
        fill(page, f"sections-{row}-heading", heading)
        fill(page, f"sections-{row}-body", body)
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(phone_jpeg(noise((480, 320))))  # big enough for a zone a finger can hit
    row = add_inline_row(page, "figures", "Add another Figure")
    fill(page, f"figures-{row}-position", "1")
    fill(page, f"figures-{row}-label", "1A")
    page.locator(f'[name="figures-{row}-upload"]').set_input_files(str(photo))
    fill(page, f"figures-{row}-caption", "The left shin.")
    fill(page, f"figures-{row}-alt_text", "A shin with three firm nodules.")
    save_and_continue(page)
    assert page.locator(".figure-admin-preview").count() == 1, "the figure's preview is shown after saving"

    # --- The quiz and its step ----------------------------------------------------------------
    page.goto("/admin/quiz/quiz/add/")
    page.locator("#id_case").select_option(label="Nodules on the shin")
    page.locator("#id_title").fill("Shin quiz")
    save_and_continue(page)
    row = add_inline_row(page, "steps", "Add another Step")
    fill(page, f"steps-{row}-position", "1")
    fill(page, f"steps-{row}-title", "Look at the shin")
    page.locator(f"#steps-{row}").get_by_label("Presentation").check()
    page.locator(f"#steps-{row}").get_by_label("Figure 1A").check()
    save_and_continue(page)
    quiz_url = page.url

    # --- Three questions on the step, each written on its own page ------------------------------
    page.locator("#steps-0").get_by_role("link", name="Change").click()
    page.wait_for_url("**/admin/quiz/step/**")
    step_url = page.url

    def new_question(position: int, kind: str, prompt: str):
        page.goto(step_url)
        page.get_by_role("link", name="Add a question to this step").click()
        page.wait_for_url("**/admin/quiz/question/add/**")
        fill(page, "position", str(position))
        page.locator('[name="kind"]').select_option(kind)
        fill(page, "prompt", prompt)

    def add_options(options):
        for key, text, weight in options:
            row = add_inline_row(page, "options", "Add another option, statement, stem, choice or item")
            fill(page, f"options-{row}-key", key)
            fill(page, f"options-{row}-position", str(row + 1))
            fill(page, f"options-{row}-text", text)
            fill(page, f"options-{row}-weight", weight)

    new_question(1, "single_best", "What are they?")
    add_options([("calcinosis", "Calcinosis cutis", "1"), ("gout", "Gouty tophi", "0")])
    save_and_continue(page)

    new_question(2, "multiple_response", "Which fit?")
    add_options([("hard", "Hard", "1"), ("soft", "Soft", "-0.5")])
    # The grader's own rule is applied on save: ticking every box must not pay.
    page.get_by_role("button", name="Save and continue editing").click()
    assert "Ticking every box would score 50%" in page.locator(".errorlist").first.inner_text()
    fill(page, "options-1-weight", "-1")
    save_and_continue(page)

    new_question(3, "hotspot", "Mark a nodule.")
    page.locator("#id_figure").select_option(label="Figure 1A")
    canvas = page.locator(".zone-editor-canvas img")
    canvas.wait_for()
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.30, box["y"] + box["height"] * 0.30)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.60, box["y"] + box["height"] * 0.70, steps=5)
    page.mouse.up()
    coordinates = page.locator('[name="zones-0-coordinates"]').input_value()
    x, y, w, h = (float(v) for v in re.findall(r"[\d.]+", coordinates))
    assert (x, y, w, h) == pytest.approx((0.30, 0.30, 0.30, 0.40), abs=0.02)
    fill(page, "zones-0-label", "The middle of the shin")
    screenshot(page, "admin-zone-drawn")
    save_and_continue(page)

    # --- Preview as a student ------------------------------------------------------------------
    page.goto(quiz_url)
    page.get_by_role("button", name="Preview as a student").click()
    page.wait_for_url("**/attempts/**/steps/1/")
    assert page.get_by_text("Preview", exact=True).first.is_visible()
    assert page.get_by_text("A man with shin nodules.").is_visible()

    # --- Publish the case and the quiz --------------------------------------------------------
    page.goto(quiz_url)
    page.locator("#id_status").select_option("published")
    save_and_continue(page)
    page.goto("/admin/cases/case/")
    page.get_by_role("link", name="Nodules on the shin").click()
    page.locator("#id_status").select_option("published")
    save_and_continue(page)

    # --- A learner, in a browser of their own, completes it ---------------------------------------
    learner = browser.new_context(base_url=site_url)
    learner_page = learner.new_page()
    learner_page.goto("/")
    learner_page.get_by_role("link", name="Nodules on the shin").click()
    learner_page.get_by_role("link", name="Start the quiz").click()
    learner_page.get_by_role("button", name="Start the quiz").click()
    learner_page.get_by_role("radio", name="Calcinosis cutis").check()
    learner_page.get_by_role("checkbox", name="Hard").check()
    image = learner_page.locator(".hotspot-image")
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    learner_page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.5)
    learner_page.get_by_role("button", name="Submit step 1").click()
    learner_page.get_by_role("link", name="See your results").click()
    assert learner_page.locator(".total-score").inner_text() == "You scored 3 of 3 marks on “Shin quiz”."
    learner.close()
