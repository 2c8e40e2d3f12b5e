"""Page weight: the bytes a browser downloads for a page, measured in Debian's Chromium driven by Playwright.

A fresh browser context (empty cache) per viewport opens the page, waits until the network is quiet, then
scrolls down a screen at a time to the bottom, as a reader would, so that every lazily loaded figure is
fetched, and waits again. Every finished request's encoded body size (what came over the wire for the body,
after gzip or brotli; ``request.sizes()["responseBodySize"]``) is summed, split by resource type. The bytes
before any scrolling are reported too: what a visitor who does not scroll downloads.

gunicorn sends HTML uncompressed (the site has no GZipMiddleware); on a server, nginx in front compresses
text/html (deploy/nginx.conf: ``gzip on``, level 5). So the page's HTML is also gzipped here at
``NGINX_GZIP_LEVEL``, and ``behind_nginx`` is the total with that instead of the uncompressed HTML. Static
files come from whitenoise already compressed, as on a server; figures are served by the bench's media view (by
nginx on a server), and images are never compressed further.
"""

import gzip
import time
from dataclasses import dataclass, field

from headless_chromium import CHROMIUM, CHROMIUM_ARGS


@dataclass(frozen=True)
class Viewport:
    label: str
    width: int
    height: int
    scale: float = 1
    # The performance target for the page scrolled to the bottom, in KB (None: measured for information).
    target_kb: int | None = None


# deploy/nginx.conf's gzip_comp_level.
NGINX_GZIP_LEVEL = 5
VIEWPORTS = [
    Viewport("375 px", 375, 667, 1, 400),
    Viewport("375 px, 2x screen", 375, 667, 2, 700),
    Viewport("1280 px", 1280, 800),
]


@dataclass
class Weight:
    viewport: Viewport
    requests: int = 0
    total: int = 0
    before_scrolling: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    images: int = 0
    html_gzipped: int = 0
    failed: list[str] = field(default_factory=list)

    @property
    def behind_nginx(self) -> int:
        return self.total - self.by_type.get("document", 0) + self.html_gzipped


def _body_bytes(request) -> int:
    try:
        return int(request.sizes()["responseBodySize"])
    except Exception:  # a request with no response (cancelled): nothing downloaded for it
        return 0


def measure(url: str, viewports=VIEWPORTS, extra_headers: dict | None = None) -> list[Weight]:
    from playwright.sync_api import sync_playwright

    weights = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            for viewport in viewports:
                weights.append(_measure_one(browser, url, viewport, extra_headers or {}))
        finally:
            browser.close()
    return weights


def _measure_one(browser, url: str, viewport: Viewport, extra_headers: dict) -> Weight:
    context = browser.new_context(
        viewport={"width": viewport.width, "height": viewport.height},
        device_scale_factor=viewport.scale,
        extra_http_headers=extra_headers,
    )
    weight = Weight(viewport)
    started, finished = [], []
    try:
        page = context.new_page()
        page.on("request", lambda request: started.append(request))
        page.on("requestfinished", lambda request: finished.append(request))
        page.on("requestfailed", lambda request: weight.failed.append(request.url))

        def settle() -> None:
            """Wait until no request has been open for half a second (at most 30 s)."""
            deadline, quiet_since = time.monotonic() + 30, None
            while time.monotonic() < deadline:
                page.wait_for_timeout(100)
                if len(started) > len(finished) + len(weight.failed):
                    quiet_since = None
                elif quiet_since is None:
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since >= 0.5:
                    return

        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            raise RuntimeError(f"{url} answered {response.status if response else 'nothing'} in Chromium")
        settle()
        before = list(finished)
        position = 0
        while position < page.evaluate("document.documentElement.scrollHeight"):
            position += viewport.height
            # "instant": Bootstrap asks for smooth scrolling, which would make each step an animation.
            page.evaluate(f"window.scrollTo({{top: {position}, behavior: 'instant'}})")
            page.wait_for_timeout(150)
        settle()
        weight.before_scrolling = sum(_body_bytes(r) for r in before)
        for request in finished:
            size = _body_bytes(request)
            weight.requests += 1
            weight.total += size
            weight.by_type[request.resource_type] = weight.by_type.get(request.resource_type, 0) + size
            weight.images += request.resource_type == "image"
            if request.resource_type == "document":
                body = request.response().body()
                # Only an uncompressed body is compressed again; one that came gzipped counts as it came.
                encoding = request.response().headers.get("content-encoding", "")
                weight.html_gzipped += size if encoding else len(gzip.compress(body, compresslevel=NGINX_GZIP_LEVEL))
    finally:
        context.close()
    return weight
