"""A conversation in a real browser, in French: a member finds a group in the
directory, joins it, starts a thread and mentions another member in a reply;
the worker emails the mention; the other member sees the unread count, opens
the notification centre, follows the notification to the thread, and the
thread is no longer unread afterwards. axe-core checks every page; the
keyboard and a phone-sized screen get their own checks.

The texts looked for are the French catalogue's (`fr()`), so that the test
follows the translations instead of copying them."""

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from membrane.conversations.models import Post, Thread
from membrane.conversations.services import post_create, thread_create, thread_mark_read
from membrane.notifications.models import Channel, Kind
from membrane.notifications.services import preference_set
from membrane.spaces.models import Membership, Role
from tests.browser.test_signup_flow import assert_fits_width, run_worker
from tests.factories import TEST_PASSWORD, MemberFactory
from tests.spaces_factories import GroupFactory, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
THREAD_TITLE = "Des jardins partagés dans chaque quartier"
FIRST_MESSAGE = "Je propose qu'on recense les **friches** de la commune.\n\n- rue Carnot\n- le parc"
REPLY_START = "Bonne idée. Qu'en penses-tu "


def fr(message: str, context: str | None = None, **params: Any) -> str:
    """A text of the interface as a French reader sees it."""
    with translation.override("fr"):
        text = translation.pgettext(context, message) if context else translation.gettext(message)
    return text % params if params else text


def fr_plural(singular: str, plural: str, count: int, **params: Any) -> str:
    with translation.override("fr"):
        return translation.ngettext(singular, plural, count) % {"counter": count, **params}


def header(page: Page) -> Any:
    return page.get_by_role("navigation", name=fr("Main navigation"))


def log_in(page: Page, live_server: Any, person: Any, axe_check: Any = None) -> None:
    """Through the real login form, as a person would."""
    page.goto(live_server.url + reverse("account_login"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    if axe_check is not None:
        axe_check(page)
    main = page.get_by_role("main")
    main.get_by_label(fr("Email")).fill(person.email)
    main.get_by_label(fr("Password")).fill(TEST_PASSWORD)
    main.get_by_role("button", name=fr("Sign In")).click()
    expect(header(page).get_by_role("button", name=fr("Log out"))).to_be_visible()


@pytest.fixture
def people(member_named) -> tuple[Any, Any]:
    """Amina, who will write, and Bastien, a member of the group she mentions."""
    amina = member_named("Amina", "Diallo")
    bastien = member_named("Bastien", "Morel")
    # Bastien chose to be found in the directory: his handle is suggested.
    bastien.listed_in_directory = True
    bastien.save(update_fields=["listed_in_directory"])
    return amina, bastien


@pytest.fixture
def group(people, section, charter) -> Any:
    """A public group anyone may join, with its animator, Bastien among its members."""
    _amina, bastien = people
    group = GroupFactory(
        name="Écologie urbaine",
        slug="ecologie-urbaine",
        description="Jardins, mobilités douces et îlots de fraîcheur.",
    )
    animator = MemberFactory(section=section, charter_version_accepted=charter.number)
    MembershipFactory(space=group, user=animator, role=Role.ANIMATOR)
    MembershipFactory(space=group, user=bastien, role=Role.MEMBER)
    return group


def test_a_member_joins_a_group_starts_a_thread_and_a_mention_reaches_the_other(
    page: Page, live_server, people, group, mail_folder, axe_check
):
    amina, bastien = people
    # Bastien wants mentions by email.
    preference_set(user=bastien, kind=Kind.MENTION, channel=Channel.EMAIL)

    # Amina logs in and finds the group in the directory.
    log_in(page, live_server, amina, axe_check)
    header(page).get_by_role("link", name=fr("Groups"), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("spaces:groups")) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Groups"))
    axe_check(page)

    page.get_by_role("main").get_by_role("link", name=group.name).first.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("spaces:group", args=[group.slug]))))
    expect(page.get_by_role("heading", level=1)).to_have_text(group.name)
    axe_check(page)

    # She joins it, which lets her start a thread.
    page.get_by_role("button", name=fr("Join the group")).click()
    expect(page.get_by_role("status")).to_contain_text(fr("Welcome to %(name)s!", name=group.name))
    expect(page.get_by_role("button", name=fr("Leave the group"))).to_be_visible()
    assert Membership.objects.filter(space=group, user=amina, role=Role.MEMBER).exists()
    axe_check(page)

    page.get_by_role("link", name=fr("New thread")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        fr("Start a thread in %(name)s", name=group.name)
    )
    axe_check(page)
    page.get_by_label(fr("Title")).fill(THREAD_TITLE)
    page.get_by_label(fr("First message")).fill(FIRST_MESSAGE)
    page.get_by_role("button", name=fr("Start the thread")).click()

    # The thread, its Markdown rendered (the page first: the click does not wait
    # for the server).
    expect(page.get_by_role("heading", level=1)).to_have_text(THREAD_TITLE)
    thread = Thread.objects.get(space=group, title=THREAD_TITLE)
    expect(page).to_have_url(
        re.compile(re.escape(reverse("conversations:thread", args=[thread.pk])) + "$")
    )
    posts = page.get_by_role("main").locator("#posts > li")
    expect(posts).to_have_count(1)
    expect(posts.first.locator("strong")).to_have_text("friches")
    expect(posts.first.get_by_role("listitem")).to_have_text(["rue Carnot", "le parc"])
    axe_check(page)

    # She replies and mentions Bastien; typing "@bas" suggests his handle.
    reply_box = page.get_by_label(fr("Your reply"))
    reply_box.fill(REPLY_START)
    reply_box.press_sequentially("@bas")
    expect(page.locator("#mention-suggestions")).to_contain_text(f"@{bastien.handle}")
    reply_box.press_sequentially(bastien.handle.removeprefix("bas") + " ?")
    expect(reply_box).to_have_value(f"{REPLY_START}@{bastien.handle} ?")
    page.get_by_role("button", name=fr("Send")).click()

    expect(posts).to_have_count(2)
    reply = Post.objects.filter(thread=thread).latest("created_at")
    assert reply.author == amina and f"@{bastien.handle}" in reply.body
    expect(page).to_have_url(re.compile(rf"#post-{reply.pk}$"))
    mention = page.locator(f"#post-{reply.pk}").get_by_role("link", name=f"@{bastien.handle}")
    expect(mention).to_have_attribute("href", reverse("accounts:profile", args=[bastien.pk]))

    # The email is queued, not sent within the request; the worker sends it.
    assert [m for m in mail_folder.messages() if bastien.email in str(m["To"])] == []
    run_worker()
    emails = [m for m in mail_folder.messages() if bastien.email in str(m["To"])]
    assert len(emails) == 1, [m["Subject"] for m in mail_folder.messages()]
    subject = str(emails[0]["Subject"])
    assert amina.public_name in subject and THREAD_TITLE in subject, subject
    text = mail_folder.text(emails[0])
    assert re.search(
        r"https?://\S+" + re.escape(reverse("conversations:post", args=[reply.pk])) + r"(\s|$)",
        text,
    ), text

    # Amina logs out through the header; Bastien logs in.
    header(page).get_by_role("button", name=fr("Log out")).click()
    expect(header(page).get_by_role("link", name=fr("Log in"))).to_be_visible()
    log_in(page, live_server, bastien)

    # The header counts his unread notification, for the eyes and for screen readers.
    one_unread = fr_plural("(%(counter)s unread)", "(%(counter)s unread)", 1)
    notifications_link = header(page).get_by_role(
        "link", name=f"{fr('Notifications')} {one_unread}"
    )
    expect(notifications_link).to_be_visible()
    expect(notifications_link.locator(".count")).to_have_text("1")

    # The group's list of conversations shows the thread as unread.
    header(page).get_by_role("link", name=fr("Groups"), exact=True).click()
    page.get_by_role("main").get_by_role("link", name=group.name).first.click()
    thread_row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=THREAD_TITLE, exact=True)
    )
    expect(thread_row.get_by_text(fr("Unread"), exact=True)).to_be_visible()

    # The notification centre lists the mention as new.
    notifications_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(fr("Notifications"))
    axe_check(page)
    notification_list = page.get_by_role("list", name=fr("Your notifications, newest first"))
    sentence = fr(
        "%(actor)s mentioned you in “%(thread)s”", actor=amina.public_name, thread=THREAD_TITLE
    )
    item = notification_list.get_by_role("listitem").filter(has_text=sentence)
    expect(item).to_have_count(1)
    expect(item.get_by_text(fr("new"), exact=True)).to_be_visible()

    # Following it leads to the message in its thread.
    item.get_by_role("link", name=sentence).click()
    expect(page).to_have_url(
        re.compile(
            re.escape(reverse("conversations:thread", args=[thread.pk])) + rf"#post-{reply.pk}$"
        )
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(THREAD_TITLE)
    expect(page.locator(f"#post-{reply.pk}")).to_be_in_viewport()
    expect(page.locator(f"#post-{reply.pk}")).to_contain_text(REPLY_START.strip())
    axe_check(page)

    # Read: no more unread notification in the header, nor unread thread in the group.
    expect(header(page).get_by_role("link", name=fr("Notifications"), exact=True)).to_be_visible()
    page.get_by_role("navigation", name=fr("Breadcrumb")).get_by_role(
        "link", name=group.name
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(group.name)
    expect(thread_row).to_have_count(1)
    expect(thread_row.get_by_text(fr("Unread"), exact=True)).to_have_count(0)


@pytest.fixture
def conversation(people, group) -> tuple[Any, Post, Post]:
    """A thread of the group that Bastien read, then Amina's reply to it."""
    amina, bastien = people
    MembershipFactory(space=group, user=amina, role=Role.MEMBER)
    thread = thread_create(
        author=bastien,
        space=group,
        title="Réduire la place de la voiture devant les écoles",
        body="Les rues scolaires, où en sont les autres communes ? "
        "https://www.example.org/mobilites/rues_scolaires_retour_d_experience_2024_"
        "amenagements_temporaires_et_pietonnisation_aux_heures_d_entree_et_de_sortie.pdf",
    )
    first = thread.posts.get()
    thread.refresh_from_db()
    thread_mark_read(thread=thread, user=bastien)
    reply = post_create(author=amina, thread=thread, body="Lyon en a ouvert une cinquantaine.")
    return thread, first, reply


def test_the_thread_marks_the_messages_posted_since_the_last_visit(
    page: Page, live_server, people, conversation
):
    _amina, bastien = people
    thread, first, reply = conversation
    log_in(page, live_server, bastien)
    page.goto(live_server.url + reverse("conversations:thread", args=[thread.pk]))

    # A visible "new" badge on the reply, or a "new messages" separator before it,
    # whichever wording the catalogue settles on; the message read before is not marked.
    new_words = re.compile(
        r"^(new|nouveau|nouvelle|nouveaux|nouvelles)( messages?)?$|^" + re.escape(fr("new")) + "$",
        re.IGNORECASE,
    )
    expect(page.locator(f"#post-{reply.pk}")).to_be_visible()
    marker = page.get_by_role("main").get_by_text(new_words)
    expect(marker.first).to_be_visible()
    expect(page.locator(f"#post-{first.pk}").get_by_text(new_words)).to_have_count(0)


def test_the_thread_is_usable_with_the_keyboard_and_on_a_phone(
    page: Page, live_server, people, conversation, axe_check
):
    amina, _bastien = people
    thread, _first, _reply = conversation
    log_in(page, live_server, amina)
    page.goto(live_server.url + reverse("conversations:thread", args=[thread.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(thread.title)

    # Tab after Tab from the top of the page reaches the reply box, then the button.
    reply_box = page.get_by_label(fr("Your reply"))
    for _ in range(60):
        page.keyboard.press("Tab")
        if reply_box.evaluate("el => el === document.activeElement"):
            break
    expect(reply_box).to_be_focused()
    page.keyboard.type("Merci, je regarde leurs résultats.")
    page.keyboard.press("Tab")
    send = page.get_by_role("button", name=fr("Send"))
    expect(send).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#posts > li")).to_have_count(3)
    expect(page.locator("#posts > li").last).to_contain_text("Merci, je regarde leurs résultats.")

    # On a phone: no sideways scrolling, even with a long address in a message.
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_fits_width(page, PHONE_WIDTH)
    axe_check(page)
