"""Stored XSS: a corpus of payloads pushed through the fields people type
(names, bios, group names and descriptions, thread titles and bodies, event
places, poll questions, idea titles and descriptions, campaign descriptions,
report comments) and read back where they show (pages, emails, the API):
nothing executes. The text is shown escaped, never as markup: no <script>,
no event-handler attribute, no javascript: link comes from a payload."""

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.services import profile_update
from membrane.accounts.tokens import access_token_create
from membrane.campaigns.services import campaign_create
from membrane.conversations.services import post_create, thread_create
from membrane.core.models import OutgoingEmail
from membrane.events.services import event_create
from membrane.ideas.services import idea_submit
from membrane.moderation.services import report_create
from membrane.notifications.models import Channel, Kind
from membrane.notifications.services import preference_set
from membrane.polls.services import poll_create
from membrane.spaces.services import group_create, territorial_space_ensure

pytestmark = pytest.mark.django_db

MARK = "1337"
PAYLOADS = [
    f"<script>alert({MARK})</script>",
    f'"><img src=x onerror=alert({MARK})>',
    f"<svg onload=alert({MARK})>",
    f"<svg><script>alert({MARK})</script></svg>",
    f"javascript:alert({MARK})",
    f"[clic](javascript:alert({MARK}))",
    f"[clic](JaVaScRiPt:alert({MARK}))",
    f'<a href="javascript:alert({MARK})">clic</a>',
    f"<iframe src=javascript:alert({MARK})></iframe>",
    f"'><details open ontoggle=alert({MARK})>",
    f"<math><mtext><table><mglyph><style><img src=x onerror=alert({MARK})>",
    f'![x](x" onerror="alert({MARK}))',
    f"<scr<script>ipt>alert({MARK})</script>",
    f"<a href='data:text/html,<script>alert({MARK})</script>'>x</a>",
    f'<p style="background:url(javascript:alert({MARK}))">x</p>',
]
# Elements whose text runs as code, and elements that load or redirect.
CODE_TAGS = {"script", "style"}
LOADING_TAGS = {"iframe", "object", "embed", "base", "meta", "link"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class Executable(HTMLParser):
    """Collects every element or attribute that a payload turned into markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if MARK not in value:
                continue
            lowered = value.replace(" ", "").lower()
            if name.startswith("on") or (
                name in URL_ATTRIBUTES and lowered.startswith(("javascript:", "data:"))
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and "javascript:" in lowered:
                self.found.append(f"<{tag} style={value!r}>")
            elif tag in LOADING_TAGS:
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in CODE_TAGS:
            self._in = tag

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in and MARK in data:
            self.found.append(f"<{self._in}>{data}")


def executable(html: str) -> list[str]:
    parser = Executable()
    parser.feed(html)
    return parser.found


def assert_inert(html: str, where: str) -> None:
    found = executable(html)
    assert not found, f"{where}: {found}"


def test_the_checker_catches_what_it_should():
    """The checker itself: live markup is caught, escaped text is not."""
    assert executable(f"<p><script>alert({MARK})</script></p>")
    assert executable(f"<img src=x onerror=alert({MARK})>")
    assert executable(f'<a href="javascript:alert({MARK})">x</a>')
    assert not executable(f"<p>&lt;script&gt;alert({MARK})&lt;/script&gt;</p>")
    assert not executable(f'<input value="&lt;img onerror=alert({MARK})&gt;">')


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _no_limits(settings):
    settings.MFA_REQUIRED_FOR_MODERATORS = False
    settings.POSTING_RATE_LIMIT = 10_000


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_name_and_a_bio_never_execute_on_the_profile_nor_in_a_thread(
    payload, member, supporter, staff
):
    profile_update(user=member, display_name=payload[:80], bio=payload)
    group = group_create(creator=staff, name="Climat", description="Le climat.")
    thread = thread_create(author=member, space=group, title="Bonjour", body="Salut à tous.")
    viewer = signed_in(supporter)

    profile = viewer.get(reverse("accounts:profile", args=[member.pk]))
    thread_page = viewer.get(reverse("conversations:thread", args=[thread.pk]))

    assert profile.status_code == 200
    assert_inert(profile.content.decode(), "profile")
    assert_inert(thread_page.content.decode(), "thread (author's name)")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_group_and_thread_texts_never_execute_in_pages_api_or_emails(payload, member, staff):
    group = group_create(creator=staff, name=payload[:80], description=payload)
    preference_set(user=member, kind=Kind.REPLY, channel=Channel.EMAIL)
    thread = thread_create(author=member, space=group, title=payload[:200], body=payload)
    reply = post_create(author=staff, thread=thread, body=payload)
    reader = signed_in(member)
    _token, raw = access_token_create(user=member, name="xss")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    pages = {
        "group": reader.get(reverse("spaces:group", args=[group.slug])),
        "groups": reader.get(reverse("spaces:groups")),
        "thread": reader.get(reverse("conversations:thread", args=[thread.pk])),
        "notifications": reader.get(reverse("notifications:list")),
        "search": reader.get(reverse("discovery:search"), {"q": payload[:50]}),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)

    posts = reader.get(f"/api/v1/threads/{thread.pk}/posts", **bearer).json()
    html_fields = [
        value
        for item in posts["items"]
        for key, value in item.items()
        if key.endswith("_html") and isinstance(value, str)
    ]
    assert html_fields, "the API gives each post's rendered HTML"
    for html in html_fields:
        assert_inert(html, "API body_html")
    reply.refresh_from_db()
    assert_inert(reply.body_html, "stored body_html")

    for email in OutgoingEmail.objects.filter(to=member.email):
        assert_inert(email.body_html, "email HTML")
        assert "<script" not in email.subject


@pytest.mark.parametrize("payload", PAYLOADS)
def test_event_poll_and_idea_texts_never_execute(
    payload, member, section, section_animator, spaces, box
):
    space = spaces["section"]
    start = timezone.now() + timedelta(days=3)
    event = event_create(
        organiser=section_animator,
        space=space,
        title=payload[:200],
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        description=payload,
        address=payload[:200],
        commune=payload[:100],
    )
    poll = poll_create(
        creator=section_animator,
        space=space,
        question=payload[:200],
        options=[payload[:100], "Non"],
        opens_at=timezone.now() - timedelta(minutes=1),
        closes_at=timezone.now() + timedelta(days=1),
    )
    idea = idea_submit(author=member, box=box, title=payload[:120], description=payload)
    reader = signed_in(member)

    pages = {
        "event": reader.get(reverse("events:event", args=[event.pk])),
        "events": reader.get(reverse("events:list")),
        "poll": reader.get(reverse("polls:poll", args=[poll.pk])),
        "idea": reader.get(reverse("ideas:idea", args=[idea.pk])),
        "box": reader.get(reverse("ideas:box", args=[space.slug])),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        assert_inert(response.content.decode(), where)


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_campaign_descriptions_never_execute(payload, federation, federation_animator, member):
    campaign = campaign_create(
        by=federation_animator,
        space=territorial_space_ensure(federation),
        title="Porte-à-porte",
        description=payload,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=30),
    )

    response = signed_in(member).get(reverse("campaigns:campaign", args=[campaign.slug]))

    assert response.status_code == 200
    assert_inert(response.content.decode(), "campaign")


@pytest.mark.parametrize("payload", PAYLOADS[:6])
def test_report_comments_never_execute_in_the_moderation_queue(payload, member, supporter, staff):
    group = group_create(creator=staff, name="Climat", description="Le climat.")
    thread = thread_create(author=member, space=group, title="Bonjour", body="Salut.")
    report_create(reporter=supporter, content=thread.posts.first(), article=1, comment=payload)

    response = signed_in(staff).get(reverse("moderation:queue"))

    assert response.status_code == 200
    assert_inert(response.content.decode(), "moderation queue")
