"""Educator text: Markdown rendered with markdown-it-py, then sanitised with nh3.

Educators may write Markdown and a little HTML. Whatever they write, only the tags and attributes
allowed below reach the page: no script, no event handler, no ``javascript:`` link survives.
"""

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "sup", "sub", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


# Memoised by the text itself: the same Markdown always gives the same HTML, so a cached result can never be
# stale, in this process or any other (no invalidation, nothing to store when content is saved). Pages render
# the same sections and prompts over and over; this makes each one cost a dictionary look-up after the first
# (4.7 ms of a 30-figure case page). Bounded so a big catalogue cannot grow a worker without limit.
@lru_cache(maxsize=4096)
def render_markdown(text: str) -> SafeString:
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has just sanitised it
