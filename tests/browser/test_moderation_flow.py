"""Moderation in a real browser, in French, from a report to the public log.

In a public group with two moderators (Sophie, a group moderator, and Yann, its
animator), Nadia replies in Yann's thread; Paul reports the reply under an article
of the charter with a comment; Sophie finds it in her queue and hides it with a
public reason; Nadia sees the reason in place of her reply (her text still shown
to her) and appeals; Sophie may not decide that appeal, Yann overturns it with a
public answer; the reply is back for everyone; the public log shows both
decisions with their article and reason, and neither who reported, nor who
wrote, nor what. Paul is told the outcome in the notification centre, Nadia in
the header and, the worker having run, by email. axe-core checks every page.

The texts looked for are the French catalogue's (`fr()`), so that the test
follows the translations instead of copying them."""

import re
from collections.abc import Callable
from typing import Any, cast

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import Page, expect

from membrane.conversations.models import Post
from membrane.conversations.services import thread_create
from membrane.moderation.kinds import KINDS
from membrane.moderation.models import Action, Appeal, Decision, ModerationState, Report
from membrane.notifications.models import DEFAULT_CHANNELS, Channel, Kind, Notification
from membrane.notifications.services import preference_set
from membrane.spaces.models import Role, Space
from tests.browser.test_conversations_flow import fr, fr_plural, header, log_in
from tests.browser.test_signup_flow import run_worker
from tests.spaces_factories import GroupFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUP_NAME = "Services publics de proximité"
THREAD_TITLE = "Rouvrir le bureau de poste du quartier"
THREAD_BODY = "La poste du quartier ferme le mois prochain : que proposons-nous ?"
REPLY_TEXT = "Ceux qui défendent cette fermeture sont des imbéciles, point (xk7)."
REPORT_COMMENT = "Insulte envers les autres membres du groupe (rc4)."
REASON = "Propos insultants envers d'autres membres du groupe."
APPEAL_TEXT = (
    "Je visais la décision de fermeture, pas des personnes ; je reformule volontiers (ap3)."
)
ANSWER = "La critique visait la fermeture et non des personnes : le message est rétabli."
ARTICLE = 1
ARTICLE_TITLE = "Respect"  # the `charter` fixture's article 1


def in_french(text: Any) -> str:
    """A lazy label of the code (a decision, a kind of content) in French."""
    with translation.override("fr"):
        return str(text)


def same_words(text: str) -> str:
    """Whitespace collapsed, as an email subject is (non-breaking spaces too)."""
    return " ".join(text.split())


@pytest.fixture
def open_page(new_context: Callable[..., Any]) -> Callable[[], Page]:
    """A page in a browser context of its own (French, as browser_context_args
    says): one per person, so that nobody's session leaks into another's."""

    def open_one() -> Page:
        page = new_context().new_page()
        page.set_default_timeout(10_000)
        page.set_default_navigation_timeout(15_000)
        return page

    return open_one


@pytest.fixture
def people(member_named) -> dict[str, Any]:
    cast_ = {
        "author": member_named("Nadia", "Ferrand"),
        "reporter": member_named("Paul", "Girard"),
        "mo1": member_named("Sophie", "Marchand"),
        "mo2": member_named("Yann", "Le Goff"),
    }
    # Badges earned on the way (a first reply…) are not this test's subject:
    # the header counts below are the moderation's notifications alone.
    for person in cast_.values():
        preference_set(user=person, kind=Kind.BADGE, channel=Channel.OFF)
    return cast_


@pytest.fixture
def thread(people) -> Any:
    """A public group with its moderator (Sophie) and its animator (Yann), who
    opened a thread; Nadia and Paul are members."""
    group = cast(Space, GroupFactory(name=GROUP_NAME, slug="services-publics"))
    MembershipFactory(space=group, user=people["mo1"], role=Role.MODERATOR)
    MembershipFactory(space=group, user=people["mo2"], role=Role.ANIMATOR)
    MembershipFactory(space=group, user=people["author"], role=Role.MEMBER)
    MembershipFactory(space=group, user=people["reporter"], role=Role.MEMBER)
    return thread_create(author=people["mo2"], space=group, title=THREAD_TITLE, body=THREAD_BODY)


def unread_link(page: Page, count: int) -> Any:
    """The header's notifications link, with its unread count spelt out."""
    unread = fr_plural("(%(counter)s unread)", "(%(counter)s unread)", count)
    return header(page).get_by_role("link", name=f"{fr('Notifications')} {unread}")


def hidden_notice() -> str:
    return fr("Hidden by moderation — reason: article %(number)s of the charter", number=ARTICLE)


def test_a_reply_is_reported_hidden_appealed_and_restored_in_the_open(
    open_page, live_server, people, thread, mail_folder, axe_check
):
    author, reporter, mo1, mo2 = (people[key] for key in ("author", "reporter", "mo1", "mo2"))
    thread_url = live_server.url + reverse("conversations:thread", args=[thread.pk])
    article_label = fr("Article %(number)s — %(title)s", number=ARTICLE, title=ARTICLE_TITLE)
    hidden_label = in_french(Action.HIDE.label)
    reply_label = in_french(KINDS["post"].label)
    # The author and the first moderator want the outcome of an appeal by email
    # (nobody chose: the default).
    assert DEFAULT_CHANNELS[Kind.APPEAL_DECIDED] == Channel.EMAIL

    # Nadia replies in the thread.
    author_page = open_page()
    log_in(author_page, live_server, author)
    expect(
        header(author_page).get_by_role("link", name=fr("Moderation"), exact=True)
    ).to_have_count(0)
    author_page.goto(thread_url)
    author_page.get_by_label(fr("Your reply")).fill(REPLY_TEXT)
    author_page.get_by_role("button", name=fr("Send")).click()
    expect(author_page.locator("#posts > li")).to_have_count(2)
    reply = Post.objects.get(thread=thread, author=author)
    expect(author_page.locator(f"#post-{reply.pk}")).to_contain_text(REPLY_TEXT)

    # Paul reads the thread and reports the reply ("Report" on the reply itself;
    # no "Moderate": he is no moderator).
    reporter_page = open_page()
    log_in(reporter_page, live_server, reporter)
    reporter_page.goto(thread_url)
    expect(reporter_page.get_by_role("heading", level=1)).to_have_text(THREAD_TITLE)
    axe_check(reporter_page)
    reported = reporter_page.locator(f"#post-{reply.pk}")
    expect(reported.get_by_role("link", name=fr("Moderate"), exact=True)).to_have_count(0)
    reported.get_by_role("link", name=fr("Report"), exact=True).click()

    expect(reporter_page).to_have_url(
        re.compile(re.escape(reverse("moderation:report", args=["post", reply.pk])) + "$")
    )
    expect(reporter_page.get_by_role("heading", level=1)).to_have_text(
        fr("Report to the moderators")
    )
    expect(reporter_page.get_by_role("main")).to_contain_text(REPLY_TEXT)
    axe_check(reporter_page)
    reporter_page.get_by_label(fr("Which article of the charter does it break?")).select_option(
        label=article_label
    )
    reporter_page.get_by_label(fr("A word for the moderators (optional)")).fill(REPORT_COMMENT)
    reporter_page.get_by_role("button", name=fr("Send the report")).click()

    # Back to the reply, thanked.
    expect(reporter_page.get_by_role("status")).to_contain_text(
        fr("Thanks, moderators will look at it; you'll be told the outcome.")
    )
    expect(reporter_page).to_have_url(
        re.compile(
            re.escape(reverse("conversations:thread", args=[thread.pk])) + rf".*#post-{reply.pk}$"
        )
    )
    report = Report.objects.get(reporter=reporter)
    assert (report.object_id, report.article, report.comment) == (reply.pk, ARTICLE, REPORT_COMMENT)

    # Sophie, a moderator of the group, finds the report in her queue.
    mo1_page = open_page()
    log_in(mo1_page, live_server, mo1)
    header(mo1_page).get_by_role("link", name=fr("Moderation"), exact=True).click()
    expect(mo1_page).to_have_url(re.compile(re.escape(reverse("moderation:queue")) + "$"))
    expect(mo1_page.get_by_role("heading", level=1)).to_have_text(fr("Moderation queue"))
    axe_check(mo1_page)
    item = mo1_page.get_by_role("article").filter(has_text=REPLY_TEXT)
    expect(item).to_have_count(1)
    expect(item).to_contain_text(GROUP_NAME)
    expect(item.get_by_role("link", name=fr("Article %(number)s", number=ARTICLE))).to_be_visible()
    expect(item).to_contain_text(ARTICLE_TITLE)
    expect(item).to_contain_text(REPORT_COMMENT)
    # Moderators, and they alone, see who reported.
    expect(item).to_contain_text(reporter.public_name)

    # She opens the decision form and hides the reply.
    item.get_by_role("link", name=fr("Decide"), exact=True).click()
    expect(mo1_page).to_have_url(
        re.compile(re.escape(reverse("moderation:decide", args=["post", reply.pk])) + "$")
    )
    expect(mo1_page.get_by_role("heading", level=1)).to_have_text(
        fr("Decision to take — %(what)s", what=reply_label)
    )
    main = mo1_page.get_by_role("main")
    expect(main).to_contain_text(REPLY_TEXT)
    expect(main).to_contain_text(REPORT_COMMENT)
    axe_check(mo1_page)
    mo1_page.get_by_role("radio", name=fr("Hide the content, with its reason in place")).check()
    mo1_page.get_by_label(fr("Article of the charter"), exact=True).select_option(
        label=article_label
    )
    mo1_page.get_by_label(fr("Public reason"), exact=True).fill(REASON)
    mo1_page.get_by_role("button", name=fr("Record the decision"), exact=True).click()

    expect(mo1_page.get_by_role("status")).to_contain_text(
        fr("Decision recorded: %(action)s. It is in the public log.", action=hidden_label)
    )
    expect(mo1_page).to_have_url(re.compile(re.escape(reverse("moderation:queue")) + "$"))
    expect(mo1_page.get_by_role("main")).to_contain_text(fr("Nothing to look at: no open report."))
    hide = Decision.objects.get(action=Action.HIDE)
    assert (hide.moderator, hide.author, hide.article, hide.reason) == (
        mo1,
        author,
        ARTICLE,
        REASON,
    )
    reply.refresh_from_db()
    assert reply.moderation_state == ModerationState.HIDDEN

    # A visitor now sees only the reason in place of the reply.
    visitor_page = open_page()
    visitor_page.goto(thread_url)
    masked = visitor_page.locator(f"#post-{reply.pk}")
    expect(masked.get_by_role("note")).to_contain_text(hidden_notice())
    expect(masked.get_by_role("link", name=fr("See the decision"))).to_have_attribute(
        "href", reverse("moderation:decision", args=[hide.pk])
    )
    expect(masked).not_to_contain_text(REPLY_TEXT)
    expect(
        masked.get_by_role("link", name=fr("Appeal", "verb: contest a decision"), exact=True)
    ).to_have_count(0)

    # Nadia is told (header count), and sees the reason above her text, which
    # she still reads, with a link to appeal.
    author_page.goto(thread_url)
    expect(unread_link(author_page, 1)).to_be_visible()
    own = author_page.locator(f"#post-{reply.pk}")
    notice = own.get_by_role("note")
    expect(notice).to_contain_text(hidden_notice())
    expect(notice).to_contain_text(
        fr("Others see only this notice; you and the moderators still see the text.")
    )
    expect(own).to_contain_text(REPLY_TEXT)
    axe_check(author_page)
    notice.get_by_role("link", name=fr("Appeal", "verb: contest a decision"), exact=True).click()

    expect(author_page).to_have_url(
        re.compile(re.escape(reverse("moderation:appeal", args=[hide.pk])) + "$")
    )
    expect(author_page.get_by_role("heading", level=1)).to_have_text(
        fr("Appeal a moderation decision")
    )
    main = author_page.get_by_role("main")
    expect(main).to_contain_text(REASON)
    expect(main).to_contain_text(REPLY_TEXT)
    # Her author is never told who reported.
    expect(author_page.locator("body")).not_to_contain_text(reporter.public_name)
    axe_check(author_page)
    author_page.get_by_label(fr("Why should the decision change?")).fill(APPEAL_TEXT)
    author_page.get_by_role("button", name=fr("Send the appeal")).click()

    # The decision's page, with her appeal waiting.
    expect(author_page.get_by_role("status")).to_contain_text(
        fr(
            "Your appeal is sent: a moderator other than the one who decided will answer it, "
            "and you will be told."
        )
    )
    expect(author_page).to_have_url(
        re.compile(re.escape(reverse("moderation:decision", args=[hide.pk])) + "$")
    )
    expect(author_page.get_by_role("heading", level=1)).to_have_text(fr("Moderation decision"))
    main = author_page.get_by_role("main")
    expect(main).to_contain_text(capfirst(in_french(Appeal.Status.PENDING.label)))
    expect(main).to_contain_text(APPEAL_TEXT)
    expect(main).to_contain_text(REASON)
    expect(author_page.locator("body")).not_to_contain_text(reporter.public_name)
    axe_check(author_page)
    appeal = Appeal.objects.get(decision=hide)
    appeal_decide_path = reverse("moderation:appeal_decide", args=[appeal.pk])

    # Sophie took the decision: she is not offered the appeal, in her queue…
    mo1_page.reload()
    appeals = mo1_page.get_by_role("region", name=fr("Appeals you may decide"))
    expect(appeals).to_contain_text(fr("No appeal waits for you."))
    expect(appeals).not_to_contain_text(APPEAL_TEXT)
    expect(appeals.get_by_role("link", name=fr("Decide the appeal"))).to_have_count(0)
    # …nor on the decision's page, and its address refuses her, saying why.
    mo1_page.goto(live_server.url + reverse("moderation:decision", args=[hide.pk]))
    expect(mo1_page.get_by_role("heading", level=1)).to_have_text(fr("Moderation decision"))
    expect(mo1_page.get_by_role("link", name=fr("Decide the appeal"))).to_have_count(0)
    response = mo1_page.goto(live_server.url + appeal_decide_path)
    assert response is not None and response.status == 403
    expect(mo1_page.get_by_role("heading", level=1)).to_have_text(
        fr("You cannot decide this appeal")
    )
    expect(mo1_page.get_by_role("alert")).to_have_text(
        fr("You took the decision under appeal: another moderator decides the appeal.")
    )
    expect(
        mo1_page.get_by_role("button", name=fr("Record the decision on the appeal"))
    ).to_have_count(0)
    axe_check(mo1_page)

    # Yann, the group's animator, finds the appeal in his queue and overturns it.
    mo2_page = open_page()
    log_in(mo2_page, live_server, mo2)
    header(mo2_page).get_by_role("link", name=fr("Moderation"), exact=True).click()
    expect(mo2_page.get_by_role("heading", level=1)).to_have_text(fr("Moderation queue"))
    appeals = mo2_page.get_by_role("region", name=fr("Appeals you may decide"))
    pending = appeals.get_by_role("article").filter(has_text=APPEAL_TEXT)
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text(GROUP_NAME)
    pending.get_by_role("link", name=fr("Decide the appeal")).click()

    expect(mo2_page).to_have_url(re.compile(re.escape(appeal_decide_path) + "$"))
    expect(mo2_page.get_by_role("heading", level=1)).to_have_text(fr("Decide an appeal"))
    main = mo2_page.get_by_role("main")
    expect(main).to_contain_text(APPEAL_TEXT)
    expect(main).to_contain_text(REASON)
    expect(main).to_contain_text(REPLY_TEXT)
    axe_check(mo2_page)
    mo2_page.get_by_role(
        "radio", name=fr("Overturn the decision: the content is restored, the mute or ban lifted")
    ).check()
    mo2_page.get_by_label(fr("Public answer"), exact=True).fill(ANSWER)
    mo2_page.get_by_role("button", name=fr("Record the decision on the appeal")).click()

    expect(mo2_page.get_by_role("status")).to_contain_text(
        fr(
            "The appeal is decided: %(outcome)s. The author and the first moderator are told.",
            outcome=in_french(Appeal.Status.OVERTURNED.label),
        )
    )
    expect(mo2_page).to_have_url(re.compile(re.escape(reverse("moderation:queue")) + "$"))
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decided_by, appeal.answer) == (
        Appeal.Status.OVERTURNED,
        mo2,
        ANSWER,
    )
    restore = Decision.objects.get(action=Action.RESTORE)
    assert (restore.revisits, restore.moderator, restore.reason) == (hide, mo2, ANSWER)

    # The reply is back in place, for its author and for everyone.
    for page in (author_page, visitor_page):
        page.goto(thread_url)
        restored = page.locator(f"#post-{reply.pk}")
        expect(restored).to_contain_text(REPLY_TEXT)
        expect(restored.get_by_role("note")).to_have_count(0)
        expect(restored).not_to_contain_text(hidden_notice())

    # The public log, from the footer: both decisions, their article and reason,
    # what became of the appeal; never who reported, who wrote, who decided, nor what.
    visitor_page.get_by_role("contentinfo").get_by_role("link", name=fr("Moderation log")).click()
    expect(visitor_page).to_have_url(re.compile(re.escape(reverse("moderation:log")) + "$"))
    expect(visitor_page.get_by_role("heading", level=1)).to_have_text(fr("Public moderation log"))
    axe_check(visitor_page)
    rows = visitor_page.get_by_role("table").locator("tbody").get_by_role("row")
    expect(rows).to_have_count(2)
    on_appeal = fr("on appeal")
    hide_row = rows.filter(has_not_text=on_appeal)
    restore_row = rows.filter(has_text=on_appeal)
    article_cell = re.compile(
        rf"^\s*{re.escape(fr('Article %(number)s', number=ARTICLE))}\s*—\s*{ARTICLE_TITLE}\s*$"
    )
    expect(hide_row.get_by_role("cell")).to_have_text(
        [
            re.compile(r"\d"),
            GROUP_NAME,
            capfirst(reply_label),
            article_cell,
            capfirst(hidden_label),
            REASON,
            re.compile(
                re.escape(capfirst(in_french(Appeal.Status.OVERTURNED.label)))
                + r"\s*—\s*"
                + re.escape(ANSWER)
            ),
        ]
    )
    expect(restore_row.get_by_role("cell")).to_have_text(
        [
            re.compile(r"\d"),
            GROUP_NAME,
            capfirst(reply_label),
            article_cell,
            re.compile(
                rf"^\s*{re.escape(capfirst(in_french(Action.RESTORE.label)))}\s+"
                rf"{re.escape(on_appeal)}\s*$"
            ),
            ANSWER,
            "—",
        ]
    )
    page_text = visitor_page.locator("body")
    for secret in (
        reporter.public_name,
        author.public_name,
        mo1.public_name,
        mo2.public_name,
        REPLY_TEXT,
        REPORT_COMMENT,
        APPEAL_TEXT,
    ):
        expect(page_text).not_to_contain_text(secret)

    # Paul was told the outcome of his report, in the notification centre.
    reporter_page.goto(live_server.url + "/")
    unread_link(reporter_page, 1).click()
    expect(reporter_page.get_by_role("heading", level=1)).to_have_text(fr("Notifications"))
    outcome = fr(
        "The moderators decided on what you reported (%(what)s): %(action)s",
        what=reply_label,
        action=hidden_label,
    )
    told = (
        reporter_page.get_by_role("list", name=fr("Your notifications, newest first"))
        .get_by_role("listitem")
        .filter(has_text=outcome)
    )
    expect(told).to_have_count(1)
    expect(told.get_by_text(fr("new"), exact=True)).to_be_visible()
    axe_check(reporter_page)
    assert Notification.objects.filter(recipient=reporter, kind=Kind.REPORT_OUTCOME).count() == 1

    # Nadia was told of the decision on her appeal too…
    author_page.goto(live_server.url + reverse("notifications:list"))
    overturned = fr(
        "The appeal against a moderation decision (%(action)s) is accepted: "
        "the decision is overturned",
        action=hidden_label,
    )
    expect(
        author_page.get_by_role("list", name=fr("Your notifications, newest first"))
        .get_by_role("listitem")
        .filter(has_text=overturned)
    ).to_have_count(1)

    # …and, once the worker has run, by email (as Sophie, who decided first),
    # nothing having been sent within the requests.
    assert [m for m in mail_folder.messages() if author.email in str(m["To"])] == []
    run_worker()
    upheld = fr(
        "The appeal against a moderation decision (%(action)s) is rejected: the decision stands",
        action=hidden_label,
    )
    subjects = {}
    for person in (author, mo1):
        emails = [
            m
            for m in mail_folder.messages()
            if person.email in str(m["To"])
            and any(same_words(s) in same_words(m["Subject"]) for s in (overturned, upheld))
        ]
        assert len(emails) == 1, [m["Subject"] for m in mail_folder.messages()]
        text = mail_folder.text(emails[0])
        assert re.search(
            r"https?://\S+" + re.escape(reverse("moderation:decision", args=[hide.pk])) + r"(\s|$)",
            text,
        ), text
        assert reporter.public_name not in text and REPORT_COMMENT not in text
        subjects[person.public_name] = same_words(emails[0]["Subject"])
    assert not [m for m in mail_folder.messages() if reporter.email in str(m["To"])]
    # The email says what the notification centre says: the appeal was accepted.
    for name, subject in subjects.items():
        assert same_words(overturned) in subject, (
            f"the email to {name} about the overturned appeal says: {subject!r}"
        )
