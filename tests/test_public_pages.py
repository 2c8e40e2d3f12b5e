"""The public pages as a learner meets them: in Chromium, with the mouse, the keyboard, a phone and a desktop."""

import pytest

from tests.support import (
    DEMO_FIGURES,
    DEMO_SLUG,
    DEMO_TITLE,
    DESKTOP,
    HORIZONTAL_OVERFLOW_JS,
    OVERLAPPING_TEXT_JS,
    PHONE,
    PUBLIC_PAGES,
    images_not_loaded,
    load_all_images,
    screenshot,
    walk_focus,
)

pytestmark = pytest.mark.browser

ILLUSTRATION_NOTICE = "These are drawn illustrations, not the patient’s images."


def test_home_page_lists_the_demo_case(page, demo_case):
    response = page.goto("/")
    assert response.status == 200
    assert page.title() == "Cases · Teaching cases"
    assert page.get_by_role("heading", level=1).inner_text() == "Teaching cases"
    page.get_by_role("link", name=DEMO_TITLE).click()
    page.wait_for_url(f"**/cases/{DEMO_SLUG}/")
    assert page.get_by_role("heading", level=1).inner_text() == DEMO_TITLE


def test_search_finds_the_demo_case(page, demo_case):
    page.goto("/")
    page.get_by_label("Search by title, keyword or specialty").fill("calcinosis")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/?q=calcinosis")
    assert page.get_by_role("status").inner_text().startswith("1 case matches “calcinosis”")
    assert page.get_by_role("link", name=DEMO_TITLE).is_visible()

    page.goto("/?q=zebra")
    assert page.get_by_role("status").inner_text().startswith("0 cases match “zebra”")
    assert page.get_by_role("link", name=DEMO_TITLE).count() == 0


def test_case_page_shows_how_the_case_begins_and_offers_the_quiz(page, demo_case):
    page.goto(PUBLIC_PAGES["case"])
    assert page.get_by_role("heading", level=1).inner_text() == DEMO_TITLE
    assert page.get_by_role("link", name="Start the quiz").is_visible()
    load_all_images(page)
    assert images_not_loaded(page) == []
    if page.locator("figure.case-figure").count():
        assert page.locator(".case-figures").get_by_text(ILLUSTRATION_NOTICE).is_visible()

    page.get_by_role("link", name="Read the whole case instead").click()
    page.wait_for_url("**/?whole=1")
    assert page.locator("figure.case-figure").count() == len(DEMO_FIGURES)


def test_whole_case_shows_its_four_drawn_figures(page, demo_case):
    page.goto(PUBLIC_PAGES["whole case"])
    assert page.get_by_role("heading", level=1).inner_text() == DEMO_TITLE

    figures = page.locator("figure.case-figure")
    assert figures.count() == len(DEMO_FIGURES)
    load_all_images(page)
    assert images_not_loaded(page) == []
    for label in DEMO_FIGURES:
        figure = page.locator(f"#figure-{label}")
        image = figure.locator("img")
        assert image.evaluate("(img) => img.naturalWidth > 0 && img.naturalHeight > 0"), f"figure {label}"
        assert image.get_attribute("alt"), f"figure {label} has no alternative text"
        assert f"Figure {label}." in figure.locator("figcaption").inner_text()
        assert figure.get_by_text("Illustration, not the patient’s image").is_visible()

    # Where the figures are, the page says they are drawings and not the patient's images.
    assert page.locator(".case-figures").get_by_text(ILLUSTRATION_NOTICE).is_visible()


def test_figure_page_shows_the_figure_and_leads_to_the_others(page, demo_case):
    page.goto(PUBLIC_PAGES["figure"])
    assert page.get_by_role("heading", level=1).inner_text().startswith("Figure 1C")
    load_all_images(page)
    image = page.locator("figure.figure-large img")
    assert image.evaluate("(img) => img.naturalWidth > 0 && img.naturalHeight > 0")
    assert image.get_attribute("alt")
    assert page.get_by_text("drawn illustration, not the patient’s image").is_visible()

    page.get_by_role("link", name="Next: figure 1D").click()
    page.wait_for_url(f"**/cases/{DEMO_SLUG}/figures/1D/?whole=1")  # the radiographs belong to the whole case
    page.get_by_role("link", name="Previous: figure 1C").click()
    page.wait_for_url(f"**/cases/{DEMO_SLUG}/figures/1C/?whole=1")
    page.get_by_role("link", name="Back to the case").click()
    page.wait_for_url(f"**/cases/{DEMO_SLUG}/*")
    assert page.get_by_role("heading", level=1).inner_text() == DEMO_TITLE


@pytest.mark.parametrize("name", ["home", "case"])
def test_skip_link_comes_first_and_moves_focus_to_the_main_content(page, demo_case, name):
    page.goto(PUBLIC_PAGES[name])
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent.trim(), document.activeElement.hash]")
    assert focused == ["Skip to main content", "#main"]
    box = page.locator(":focus").bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1, "the skip link is not visible when it has focus"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab goes to the first control in the main content, past the site's navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_every_focusable_element_shows_where_the_focus_is(page, demo_case):
    invisible = []
    for name, path in PUBLIC_PAGES.items():
        page.goto(path)
        focused = walk_focus(page)
        assert len(focused) >= 3, f"{name}: the keyboard reached only {focused}"
        invisible += [f"{name}: {item['description']} ({item['style']})" for item in focused if not item["visible"]]
    assert not invisible, "No visible focus indicator on:\n" + "\n".join(invisible)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone-375px", "desktop-1280px"])
def test_pages_fit_the_window_without_overlapping_text(page, demo_case, viewport):
    page.set_viewport_size(viewport)
    problems = []
    for name, path in PUBLIC_PAGES.items():
        page.goto(path)
        load_all_images(page)
        problems += [f"{name}: {problem}" for problem in page.evaluate(HORIZONTAL_OVERFLOW_JS)]
        problems += [f"{name}: {problem}" for problem in page.evaluate(OVERLAPPING_TEXT_JS)]
        screenshot(page, f"{name}-{viewport['width']}px")
    assert not problems, f"At {viewport['width']}px wide:\n" + "\n".join(problems)
