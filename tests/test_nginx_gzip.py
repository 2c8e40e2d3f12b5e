"""deploy/nginx.conf compresses pages, CSS, scripts and SVG itself, whatever the server's main nginx.conf says:
a case page's HTML is about five times smaller gzipped (docs/performance.md). No nginx runs in the tests (it
needs root and certificates), so the site file's directives are read."""

import re

from tests.support import ROOT


def site_server_block() -> str:
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    text = re.sub(r"#.*", "", text)
    blocks = re.split(r"\bserver\s*\{", text)
    return next(block for block in blocks if "proxy_pass" in block)


def test_the_site_gzips_text_and_svg_it_sends():
    block = site_server_block()
    assert re.search(r"^\s*gzip\s+on;", block, re.M)
    assert re.search(r"^\s*gzip_proxied\s+any;", block, re.M), "pages come through proxy_pass"
    types = set(re.search(r"^\s*gzip_types\s+([^;]+);", block, re.M).group(1).split())
    # text/html is always compressed once gzip is on (listing it again makes nginx warn).
    assert {"text/css", "application/javascript", "image/svg+xml"} <= types
    assert "text/html" not in types
