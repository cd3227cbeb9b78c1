"""A poll in a real browser, in French: a group's animator creates a poll
through the form; a member, on a phone-sized screen and with the keyboard
only, votes and sees the results (the poll shows them after voting); a
second ballot from another tab is refused; a poll that shows its results
only once closed keeps them hidden from the voter. axe-core checks each
page."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from membrane.polls.models import Ballot, BallotChoice, Poll
from membrane.polls.services import poll_create
from membrane.spaces.models import Role
from tests.browser.test_conversations_flow import PHONE_WIDTH, fr, fr_plural, log_in
from tests.browser.test_signup_flow import assert_fits_width
from tests.spaces_factories import GroupFactory, MembershipFactory, PostFactory, ThreadFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "Quel jour pour la fête du quartier ?"
OPTIONS = ["Samedi 14 juin", "Dimanche 15 juin", "Samedi 21 juin"]


@pytest.fixture
def people(member_named) -> dict[str, Any]:
    return {"animator": member_named("Amina", "Diallo"), "member": member_named("Bastien", "Morel")}


@pytest.fixture
def group(people) -> Any:
    group = GroupFactory(name="Vie du quartier", slug="vie-du-quartier")
    MembershipFactory(space=group, user=people["animator"], role=Role.ANIMATOR)
    MembershipFactory(space=group, user=people["member"], role=Role.MEMBER)
    return group


def new_context_page(browser: Any, **options: Any) -> Page:
    context = browser.new_context(locale="fr-FR", **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_an_animator_creates_a_poll_and_a_member_votes_once_and_sees_the_results(
    page: Page, browser: Any, live_server, people, group, axe_check
):
    # The animator creates the poll from the group's polls.
    log_in(page, live_server, people["animator"])
    page.goto(live_server.url + reverse("polls:list", args=[group.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        fr("Polls of %(name)s", name=group.name)
    )
    axe_check(page)
    page.get_by_role("link", name=fr("New poll")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        fr("New poll in %(name)s", name=group.name)
    )
    axe_check(page)
    main = page.get_by_role("main")
    main.get_by_label(fr("Question"), exact=True).fill(QUESTION)
    main.get_by_label(fr("Options"), exact=True).fill("\n".join(OPTIONS))
    # Opens now and closes in a week: the form's own dates.
    main.get_by_role("button", name=fr("Create the poll")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)
    poll = Poll.objects.get(question=QUESTION)
    assert poll.space == group and poll.results == Poll.Results.AFTER_VOTE
    poll_url = reverse("polls:poll", args=[poll.pk])
    expect(page).to_have_url(re.compile(re.escape(poll_url) + "$"))
    axe_check(page)

    # The member, on a phone, opens the poll twice (two tabs).
    member = new_context_page(browser, viewport={"width": PHONE_WIDTH, "height": 844})
    try:
        log_in(member, live_server, people["member"])
        other_tab = member.context.new_page()
        other_tab.goto(live_server.url + poll_url)
        member.goto(live_server.url + reverse("polls:list", args=[group.slug]))
        member.get_by_role("link", name=QUESTION).click()
        expect(member.get_by_role("heading", level=1)).to_have_text(QUESTION)
        assert_fits_width(member, PHONE_WIDTH)
        axe_check(member)

        # Keyboard only: Tab to the options, an arrow to choose the second,
        # Tab to the button, Enter.
        first = member.get_by_label(OPTIONS[0])
        for _ in range(60):
            member.keyboard.press("Tab")
            if first.evaluate("el => el === document.activeElement"):
                break
        expect(first).to_be_focused()
        member.keyboard.press("ArrowDown")
        expect(member.get_by_label(OPTIONS[1])).to_be_checked()
        member.keyboard.press("Tab")
        vote = member.get_by_role("button", name=fr("Vote"))
        expect(vote).to_be_focused()
        member.keyboard.press("Enter")

        results = member.get_by_role("region", name=fr("Results"))
        expect(results).to_be_visible()
        expect(member.get_by_role("main")).to_contain_text(
            fr("Your ballot is counted. It is secret: nobody can see your choice.")
        )
        expect(results.get_by_role("listitem").nth(1)).to_contain_text(
            fr_plural(
                "%(counter)s vote (%(percent)s %%)",
                "%(counter)s votes (%(percent)s %%)",
                1,
                percent=100,
            )
        )
        expect(vote).to_have_count(0)
        assert_fits_width(member, PHONE_WIDTH)
        axe_check(member)

        # The other tab still shows the form: its ballot is refused.
        other_tab.get_by_label(OPTIONS[0]).check()
        other_tab.get_by_role("button", name=fr("Vote")).click()
        expect(other_tab.get_by_role("alert")).to_contain_text(
            fr("You have already voted in this poll: a ballot is final.")
        )
        axe_check(other_tab)
    finally:
        member.context.close()
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert list(BallotChoice.objects.filter(poll=poll).values_list("option__label", flat=True)) == [
        OPTIONS[1]
    ]


def test_results_shown_after_closing_stay_hidden_from_the_voter(
    page: Page, live_server, people, group, axe_check
):
    now = timezone.now()
    poll = poll_create(
        creator=people["animator"],
        space=group,
        question="Faut-il une buvette ?",
        options=["Oui", "Non"],
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=3),
        results=Poll.Results.AFTER_CLOSE,
    )
    log_in(page, live_server, people["member"])
    page.goto(live_server.url + reverse("polls:poll", args=[poll.pk]))
    page.get_by_label("Oui").check()
    page.get_by_role("button", name=fr("Vote")).click()

    expect(page.get_by_role("main")).to_contain_text(
        fr("You have voted. The results will be shown when the poll closes.")
    )
    expect(page.get_by_role("region", name=fr("Results"))).to_have_count(0)
    expect(page.get_by_role("button", name=fr("Vote"))).to_have_count(0)
    axe_check(page)


def test_a_poll_created_from_a_thread_is_listed_on_it(
    page: Page, live_server, people, group, axe_check
):
    thread = ThreadFactory(space=group, author=people["member"], title="La fête du quartier")
    PostFactory(thread=thread, author=people["member"])
    thread_url = reverse("conversations:thread", args=[thread.pk])
    log_in(page, live_server, people["animator"])
    page.goto(live_server.url + thread_url)
    polls = page.get_by_role("region", name=fr("Polls on this thread"))
    polls.get_by_role("link", name=fr("New poll in this thread")).click()
    main = page.get_by_role("main")
    main.get_by_label(fr("Question"), exact=True).fill(QUESTION)
    main.get_by_label(fr("Options"), exact=True).fill("\n".join(OPTIONS))
    main.get_by_role("button", name=fr("Create the poll")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)
    assert Poll.objects.get(question=QUESTION).thread == thread

    page.get_by_role("link", name=thread.title).click()
    expect(page).to_have_url(re.compile(re.escape(thread_url) + "$"))
    expect(polls.get_by_role("link", name=QUESTION)).to_be_visible()
    expect(polls).to_contain_text(fr("Open"))
    axe_check(page)
