"""The Content Security Policy holds in the browser: no page the public or an educator visits breaks it.

Every browser test fails on a CSP violation (the ``page`` fixture); this one visits every page on purpose,
admin included, and first makes sure the policy is really sent and the collector really catches violations.
"""

import pytest

from tests.support import PUBLIC_PAGES, admin_pages, load_all_images

pytestmark = pytest.mark.browser


def test_the_policy_is_sent_and_a_violation_is_caught(page, page_problems, demo_case):
    response = page.goto("/")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy

    page.evaluate("document.body.append(Object.assign(document.createElement('script'), {textContent: '1'}))")
    page.evaluate("() => new Promise((resolve) => setTimeout(resolve, 100))")
    assert any("script-src" in violation for violation in page_problems.csp), page_problems.report()
    page_problems.clear()


def test_no_page_breaks_the_policy(page, page_problems, demo_case, educator, log_in):
    visited = []
    for path in [*PUBLIC_PAGES.values(), f"/cases/{demo_case.slug}/figures/1A/", "/admin/login/"]:
        page.goto(path)
        load_all_images(page)
        visited.append(path)
    log_in(page, educator.username)
    for path in admin_pages(demo_case).values():
        page.goto(path)
        load_all_images(page)
        visited.append(path)
    page.wait_for_load_state("networkidle")
    assert not page_problems.csp, f"CSP violations while visiting {visited}:\n" + page_problems.report()
