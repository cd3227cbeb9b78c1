"""Markdown for everything people write: markdown-it-py renders (raw HTML
disabled), then nh3 sanitises whatever came out. Never render user HTML
without this."""

from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt

_ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h3", "h4", "hr", "li", "ol", "p", "pre",
    "strong", "ul", "del", "s",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_ALLOWED_SCHEMES = {"http", "https", "mailto"}

# "html": False turns raw HTML into text; "linkify" is off (it needs an extra
# package) — people write links as <https://…> or [text](https://…).
_renderer = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("strikethrough")


def render_markdown(text: str, *, link_mentions: Callable[[str], str] | None = None) -> str:
    """Sanitised HTML for a Markdown text. Headings are demoted (h1/h2 → h3)
    so a post never competes with the page's own titles. `link_mentions`,
    if given, rewrites the rendered HTML before sanitising (mentions)."""
    html = _renderer.render(text)
    html = (
        html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
        .replace("<h2>", "<h3>").replace("</h2>", "</h3>")
        .replace("<h5>", "<h4>").replace("</h5>", "</h4>")
        .replace("<h6>", "<h4>").replace("</h6>", "</h4>")
    )  # fmt: skip
    if link_mentions is not None:
        html = link_mentions(html)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_ALLOWED_SCHEMES,
        link_rel="nofollow ugc noopener",
    )
