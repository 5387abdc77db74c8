"""Lesson Markdown -> safe HTML: Python-Markdown renders, nh3 (ammonia) keeps an allow-list.

Authors write paragraphs, emphasis, code, lists, links and tables; raw HTML that Markdown
passes through is removed by nh3, so a
lesson file can never inject script, style or event handlers into the page (the site's CSP
forbids them too). Results are cached per text: lesson texts are immutable values.
"""

from __future__ import annotations

from functools import lru_cache

import markdown as md
import nh3

TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "kbd", "del",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "code": {"class"}}
URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=4096)
def render(text: str) -> str:
    """Sanitized HTML for one Markdown text (safe to mark_safe)."""
    html = md.markdown(text, extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


@lru_cache(maxsize=4096)
def render_inline(text: str) -> str:
    """One line (titles, choices, hints): the same rules without the surrounding paragraph."""
    html = render(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
