"""Markdown rendering and sanitising: what people write never runs as code.
Classic XSS payloads go through the renderer, then through the real reply
form, and the thread page must hold no executable markup."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from membrane.conversations.services import thread_create
from membrane.core.markdown import mentions_in, render_markdown
from membrane.spaces.services import group_create
from tests.factories import UserFactory

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)"',  # unclosed tag
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body { display: none }</style>",
    '<div onmouseover="alert(1)">hover me</div>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="&#14;javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1)  )",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#x3A;alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![image](javascript:alert(1))",
    "![image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x" onerror="alert(1)](https://example.org/x.png)',
    "[x]: javascript:alert(1)\n\n[a reference link][x]",
    '[click](https://example.org/" onmouseover="alert(1))',
    '<https://example.org/"onmouseover="alert(1)>',
    "[<img src=x onerror=alert(1)>](https://example.org/)",
    "<!-- <script>alert(1)</script> -->",
    "<!--><script>alert(1)</script>-->",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<object data="javascript:alert(1)"></object>',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    '<a href="https://example.org" style="position:fixed;top:0">cover</a>',
]

SAFE_TAGS = {
    "a", "blockquote", "br", "code", "em", "h3", "h4", "hr", "li", "ol", "p", "pre",
    "strong", "ul", "del", "s",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "background"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")


class MarkupAudit(HTMLParser):
    """Every tag and attribute of an HTML text, to check what a browser would run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    handle_startendtag = handle_starttag


def audit(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = MarkupAudit()
    parser.feed(html)
    parser.close()
    return parser.tags


def executable_markup(html: str, *, allowed_tags: set[str] | None = None) -> list[str]:
    """What in `html` could run script: event attributes, script URLs,
    style attributes, and tags outside `allowed_tags` (if given)."""
    problems = []
    for tag, attrs in audit(html):
        if allowed_tags is not None and tag not in allowed_tags:
            problems.append(f"tag <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"event attribute {name} on <{tag}>")
            if name == "style":
                problems.append(f"style attribute on <{tag}>")
            # Browsers ignore control characters and spaces in a URL's scheme.
            bare = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in URL_ATTRIBUTES and bare.startswith(DANGEROUS_SCHEMES):
                problems.append(f"{name}={value!r} on <{tag}>")
    return problems


def in_a_tag(pattern: str, html: str) -> bool:
    """Whether `pattern` occurs inside a tag. As text ("&lt;img onerror=…&gt;")
    a payload is harmless, and is shown so that nothing typed is lost."""
    return re.search(r"<[^<>]*" + pattern, html, flags=re.I) is not None


# The renderer alone ---------------------------------------------------------------------


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_the_renderer_leaves_no_executable_markup(payload):
    html = render_markdown(payload)

    assert executable_markup(html, allowed_tags=SAFE_TAGS) == []
    assert "<script" not in html.lower()
    assert not in_a_tag(r"\bon\w+\s*=", html)
    assert not in_a_tag(r"javascript:", html)


def test_raw_html_is_shown_as_text_not_dropped():
    html = render_markdown("I typed <b>bold</b> & <script>x</script>")

    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;script&gt;" in html


def test_links_are_kept_with_nofollow_ugc_noopener():
    html = render_markdown(
        "[our programme](https://example.org/programme) and <https://example.org>"
    )

    links = [attrs for tag, attrs in audit(html) if tag == "a"]
    assert [link["href"] for link in links] == [
        "https://example.org/programme",
        "https://example.org",
    ]
    assert all(link["rel"] == "nofollow ugc noopener" for link in links)


def test_images_become_links_so_that_nothing_loads_with_the_page():
    html = render_markdown("![the poster](https://example.org/poster.png)")

    assert "<img" not in html
    assert (
        '<a href="https://example.org/poster.png" rel="nofollow ugc noopener">the poster</a>'
        in html
    )


def test_headings_are_demoted_below_the_page_titles():
    html = render_markdown("# Big\n\n## Less big")

    assert "<h1>" not in html and "<h2>" not in html
    assert "<h3>Big</h3>" in html and "<h3>Less big</h3>" in html


def test_mentions_are_found_outside_code_links_and_urls():
    text = (
        "Hello @Camille-Durand and @jo.\n"
        "`@in-code` [a link to @in-link](https://example.org) https://mastodon.social/@in-url "
        "write to someone@example.org\n\n"
        "    @in-code-block\n"
    )

    assert mentions_in(text) == {"camille-durand", "jo"}


def test_mentions_link_only_where_they_are_mentions():
    text = "Hi @jo, see `@jo` and [@jo](https://example.org/@jo)\n\n```\n@jo\n```"

    html = render_markdown(
        text, mention_url=lambda handle: "/membres/7/" if handle == "jo" else None
    )

    assert html.count('href="/membres/7/"') == 1
    assert '<a href="/membres/7/" class="mention" rel="nofollow ugc noopener">@jo</a>' in html
    assert "<code>@jo</code>" in html


def test_unknown_mentions_stay_plain_text():
    html = render_markdown("Hi @nobody", mention_url=lambda handle: None)

    assert html == "<p>Hi @nobody</p>\n"


# Through the real reply form and the thread page ------------------------------------------


@pytest.fixture
def writer(charter):
    return UserFactory(charter_version_accepted=charter.number, handle="writer")


@pytest.fixture
def thread(writer):
    group = group_create(creator=writer, name="Écologie populaire")
    return thread_create(author=writer, space=group, title="Le tri", body="On en parle ?")


def post_bodies(page: str) -> list[str]:
    return re.findall(r'<div class="post-body">(.*?)</div>', page, flags=re.S)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_a_payload_posted_through_the_reply_form_cannot_run(client, writer, thread, payload):
    client.force_login(writer)

    response = client.post(reverse("conversations:reply", args=[thread.pk]), {"body": payload})

    assert response.status_code == 302
    page = client.get(reverse("conversations:thread", args=[thread.pk])).content.decode()
    bodies = post_bodies(page)
    assert len(bodies) == 2
    for body in bodies:
        assert executable_markup(body, allowed_tags=SAFE_TAGS) == []
        assert "<script" not in body.lower()
    assert executable_markup(page) == []
    assert not in_a_tag(r"\bon\w+\s*=", page)
    assert not in_a_tag(r"javascript:", page)
    # The only scripts of the page are the site's own, from its static files.
    scripts = [attrs for tag, attrs in audit(page) if tag == "script"]
    assert all(attrs.get("src", "").startswith("/static/") for attrs in scripts)
    assert not any(tag in {"iframe", "svg", "math", "object", "embed"} for tag, _ in audit(page))


def test_a_mention_with_markup_after_it_stays_text(client, writer, thread):
    UserFactory(handle="camille")
    client.force_login(writer)

    client.post(
        reverse("conversations:reply", args=[thread.pk]),
        {"body": '@camille"><script>alert(1)</script>'},
    )

    page = client.get(reverse("conversations:thread", args=[thread.pk])).content.decode()
    body = post_bodies(page)[1]
    assert 'class="mention"' in body
    assert "&lt;script&gt;" in body
    assert executable_markup(body, allowed_tags=SAFE_TAGS) == []


def test_the_thread_title_is_escaped(client, writer):
    group = group_create(creator=writer, name="Jeunes")
    thread = thread_create(
        author=writer, space=group, title="<script>alert(1)</script>", body="Rien de grave."
    )
    client.force_login(writer)

    page = client.get(reverse("conversations:thread", args=[thread.pk])).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
