"""A phone downloads what it shows: on the case page at 375 px the figures are two-column thumbnails, so the
browser takes the 320 px renditions (480 px on a 2x screen) and never a larger one until a figure is opened."""

import pytest

from tests.support import DEMO_SLUG, watch
from tests.test_figure_viewer import WHOLE_CASE, rendition_width, wait_open

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("scale", "widest"), [(1, 320), (2, 480)], ids=["1x", "2x"])
def test_the_case_page_on_a_phone_fetches_only_thumbnails(browser, site_url, demo_case, page_problems, scale, widest):
    from cases.models import Figure

    context = browser.new_context(
        base_url=site_url,
        viewport={"width": 375, "height": 812},
        device_scale_factor=scale,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
    )
    context.set_default_timeout(15_000)
    watch(context, page_problems)
    page = context.new_page()
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/media/" in r.url else None)
    page.goto(WHOLE_CASE)
    page.wait_for_load_state("networkidle")
    # A reader scrolling to the bottom: every lazy figure loads.
    for _ in range(40):
        if page.evaluate("() => window.innerHeight + window.scrollY >= document.body.scrollHeight - 2"):
            break
        page.mouse.wheel(0, 700)
        page.wait_for_timeout(100)
    page.wait_for_load_state("networkidle")

    figures = Figure.objects.filter(case__slug=DEMO_SLUG).exclude(master_name="")
    widths = [rendition_width(url) for url in fetched]
    assert len(fetched) >= figures.count(), fetched
    assert all(w is not None and w <= widest for w in widths), fetched
    # Two to a row: the first two figures sit side by side.
    boxes = [page.locator(".case-figure-grid .case-figure").nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]
    assert boxes[0]["width"] < 375 / 2

    # A tap still opens the figure viewer, with a larger rendition than the thumbnail.
    page.locator(".case-figure-grid a[data-figure-viewer]").first.tap()
    wait_open(page)
    page.wait_for_load_state("networkidle")
    assert max(rendition_width(url) or 0 for url in fetched) > widest
    context.close()
    page_problems.assert_none()
