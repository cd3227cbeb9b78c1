"""Markdown for everything people write: markdown-it-py renders (raw HTML
disabled), then nh3 sanitises whatever came out. Never render user HTML
without this.

Mentions (@handle) are read from the parsed text, never from code, from a
link or from a bare URL: `mentions_in` lists them and
`render_markdown(mention_url=...)` turns them into links."""

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

_ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h3", "h4", "hr", "li", "ol", "p", "pre",
    "strong", "ul", "del", "s",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_ALLOWED_CLASSES = {"a": {"mention"}}
_ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# A bare URL (left alone: "https://mastodon.social/@camille" mentions nobody),
# or a mention not glued to a word, an address or a path.
_MENTION = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w@/.+-])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])?)(?![\w-])"
)


def _text_outside_links(tokens: Sequence[Token]) -> Iterator[Token]:
    """The plain-text inline tokens, skipping code and the text of links."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        depth = 0
        for token in block.children:
            if token.type == "link_open":
                depth += 1
            elif token.type == "link_close":
                depth -= 1
            elif token.type == "text" and depth == 0:
                yield token


def _mentions(text: str) -> Iterator[re.Match[str]]:
    return (match for match in _MENTION.finditer(text) if match.group(1))


def _link_mentions_rule(state: StateCore) -> None:
    """Core rule: split text tokens around mentions that `env["mention_url"]`
    knows, wrapping each in a link."""
    mention_url: Callable[[str], str | None] | None = state.env.get("mention_url")
    if mention_url is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        targets = {id(token) for token in _text_outside_links([block])}
        children: list[Token] = []
        for token in block.children:
            if id(token) not in targets:
                children.append(token)
                continue
            position = 0
            for match in _mentions(token.content):
                url = mention_url(match.group(1).lower())
                if url is None:
                    continue
                if match.start() > position:
                    children.append(_text(token.content[position : match.start()]))
                children.append(Token("link_open", "a", 1, attrs={"href": url, "class": "mention"}))
                children.append(_text(match.group(0)))
                children.append(Token("link_close", "a", -1))
                position = match.end()
            if position == 0:
                children.append(token)
            elif position < len(token.content):
                children.append(_text(token.content[position:]))
        block.children = children


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _image_as_link(
    self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Images are shown as links to them: no remote image loads with the
    page (no tracking pixels), and their description stays readable."""
    token = tokens[idx]
    src = str(token.attrs.get("src", ""))
    label = self.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(src)}">{escapeHtml(label)}</a>'


# "html": False turns raw HTML into text; "linkify" is off (it needs an extra
# package) — people write links as <https://…> or [text](https://…).
_renderer = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("strikethrough")
_renderer.core.ruler.push("mentions", _link_mentions_rule)
_renderer.add_render_rule("image", _image_as_link)


def mentions_in(text: str) -> set[str]:
    """The handles a text mentions, lower-cased — outside code, links and URLs."""
    tokens = _renderer.parse(text)
    return {
        match.group(1).lower()
        for token in _text_outside_links(tokens)
        for match in _mentions(token.content)
    }


def render_markdown(
    text: str,
    *,
    link_mentions: Callable[[str], str] | None = None,
    mention_url: Callable[[str], str | None] | None = None,
) -> str:
    """Sanitised HTML for a Markdown text. Headings are demoted (h1/h2 → h3)
    so a post never competes with the page's own titles. `mention_url(handle)`
    gives the address a mention links to (None: left as text). `link_mentions`,
    if given, rewrites the rendered HTML before sanitising (kept for older
    callers; prefer `mention_url`, which never touches code or links)."""
    html = _renderer.render(text, {"mention_url": mention_url})
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
        allowed_classes=_ALLOWED_CLASSES,
        url_schemes=_ALLOWED_SCHEMES,
        link_rel=LINK_REL,
    )
