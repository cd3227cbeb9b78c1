"""Polls: who creates, votes and sees results (a matrix of personas), the
secrecy and finality of ballots, bad ballots, the pages and their pinned
numbers of queries, and the person's data. The clock is controlled by
placing polls' dates around `timezone.now()` and by the `now` of the
services."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membrane.core.privacy import erase_personal_data, export_personal_data
from membrane.polls.models import Ballot, BallotChoice, Poll
from membrane.polls.permissions import (
    can_create_poll,
    can_see_results,
    can_vote,
    voter_refusal,
)
from membrane.polls.services import PollError, ballot_cast, poll_create
from membrane.spaces.models import Role
from membrane.spaces.services import territorial_space_ensure
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, MembershipFactory, ThreadFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "supporter",
    "member_to_verify",
    "member",
    "section_animator",
    "federation_animator",
    "staff",
    "outsider",
]


def make_poll(space, *, options=("Oui", "Non"), opens=-1, closes=24, **fields):
    """A poll opened `opens` hours from now and closing `closes` hours from now."""
    now = timezone.now()
    return poll_create(
        creator=None,
        space=space,
        question=fields.pop("question", "Faut-il une fête de la section ?"),
        options=list(options),
        opens_at=now + timedelta(hours=opens),
        closes_at=now + timedelta(hours=closes),
        **fields,
    )


def option_ids(poll, *labels):
    return [option.pk for option in poll.options.all() if option.label in labels]


@pytest.fixture
def space(section):
    return territorial_space_ensure(section)


@pytest.fixture
def people(
    request,
    supporter,
    member_to_verify,
    member,
    section_animator,
    federation_animator,
    staff,
    other_section,
):
    from django.contrib.auth.models import AnonymousUser

    return {
        "anonymous": AnonymousUser(),
        "supporter": supporter,
        "member_to_verify": member_to_verify,
        "member": member,
        "section_animator": section_animator,
        "federation_animator": federation_animator,
        "staff": staff,
        "outsider": UserFactory(section=other_section),
    }


# -- The matrix of rights ---------------------------------------------------

CREATORS = {"section_animator", "federation_animator", "staff"}
VOTERS = {
    "supporter",
    "member_to_verify",
    "member",
    "section_animator",
    "federation_animator",
    "staff",
}
# Verified members: the animators' factories make verified members; staff
# and supporters are not.
MEMBERS_ONLY_VOTERS = {"member", "section_animator", "federation_animator"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_space_moderators_and_animators_create_polls(people, space, persona):
    assert can_create_poll(people[persona], space) is (persona in CREATORS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_people_who_may_post_in_the_space_vote(people, space, persona):
    poll = make_poll(space)
    assert can_vote(people[persona], poll, now=timezone.now(), has_voted=False) is (
        persona in VOTERS
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_members_only_poll_takes_verified_members_only(people, space, persona):
    poll = make_poll(space, members_only=True)
    assert can_vote(people[persona], poll, now=timezone.now(), has_voted=False) is (
        persona in MEMBERS_ONLY_VOTERS
    )


def test_a_group_moderator_creates_polls_and_a_group_member_does_not():
    group = GroupFactory()
    moderator = MembershipFactory(space=group, role=Role.MODERATOR).user
    plain = MembershipFactory(space=group, role=Role.MEMBER).user

    assert can_create_poll(moderator, group)
    assert not can_create_poll(plain, group)
    assert not can_create_poll(UserFactory(), group)


@pytest.mark.parametrize("persona", PERSONAS)
def test_results_of_a_closed_poll_are_shown_to_everyone_who_may_read_the_space(
    people, space, persona
):
    poll = make_poll(space, opens=-48, closes=-1, results=Poll.Results.AFTER_CLOSE)
    seen = can_see_results(people[persona], poll, now=timezone.now(), has_voted=False)
    # The section's space is private to its people (and its animators, and staff).
    assert seen is (persona in VOTERS)


@pytest.mark.parametrize("results", [Poll.Results.AFTER_VOTE, Poll.Results.AFTER_CLOSE])
def test_results_while_open_follow_the_poll_setting(space, member, section_animator, results):
    poll = make_poll(space, results=results)
    now = timezone.now()

    assert not can_see_results(member, poll, now=now, has_voted=False)
    # Its animators get no early look either.
    assert not can_see_results(section_animator, poll, now=now, has_voted=False)
    voted = can_see_results(member, poll, now=now, has_voted=True)
    assert voted is (results == Poll.Results.AFTER_VOTE)
    # The controllable clock: the same poll, seen after it closes.
    later = poll.closes_at + timedelta(seconds=1)
    assert can_see_results(member, poll, now=later, has_voted=False)


def test_the_voter_refusals_say_why(space, supporter, people):
    poll = make_poll(space, members_only=True)

    assert "verified members" in voter_refusal(supporter, poll)
    assert "Log in" in voter_refusal(people["anonymous"], poll)
    assert "people of this space" in voter_refusal(people["outsider"], poll)


# -- Creating ---------------------------------------------------------------


def test_a_poll_needs_two_to_ten_different_options_and_to_close_after_it_opens(space):
    with pytest.raises(PollError, match="between 2 and 10"):
        make_poll(space, options=["Oui"])
    with pytest.raises(PollError, match="between 2 and 10"):
        make_poll(space, options=[f"Option {n}" for n in range(11)])
    with pytest.raises(PollError, match="the same"):
        make_poll(space, options=["Oui", "oui "])
    with pytest.raises(PollError, match="close after"):
        make_poll(space, opens=2, closes=1)
    poll = make_poll(space, options=["  Oui", "", "Non", "Peut-être"])
    assert [o.label for o in poll.options.all()] == ["Oui", "Non", "Peut-être"]


def test_a_poll_on_a_thread_must_be_on_a_thread_of_its_space(space):
    other = ThreadFactory()
    with pytest.raises(PollError, match="not in this space"):
        make_poll(space, thread=other)
    thread = ThreadFactory(space=space)
    assert make_poll(space, thread=thread).thread == thread


# -- Ballots ----------------------------------------------------------------


def test_a_ballot_records_who_voted_and_the_choices_apart_and_anonymous(space, member):
    poll = make_poll(space, options=["Oui", "Non", "Blanc"], multiple=True)

    ballot = ballot_cast(poll=poll, voter=member, option_ids=option_ids(poll, "Oui", "Blanc"))

    assert ballot.voter == member
    assert BallotChoice.objects.filter(poll=poll).count() == 2
    # Nothing on a choice leads back to a person or a ballot.
    fields = {field.name for field in BallotChoice._meta.get_fields()}
    assert fields == {"id", "poll", "option"}


def test_a_second_ballot_is_refused_as_a_conflict(space, member):
    poll = make_poll(space)
    ballot_cast(poll=poll, voter=member, option_ids=option_ids(poll, "Oui"))

    with pytest.raises(PollError, match="already voted") as refused:
        ballot_cast(poll=poll, voter=member, option_ids=option_ids(poll, "Non"))

    assert refused.value.code == "conflict"
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert BallotChoice.objects.filter(poll=poll).count() == 1


def test_the_database_refuses_two_ballots_of_the_same_person(space, member):
    """The unique constraint holds even when two requests pass every check
    at the same instant."""
    poll = make_poll(space)
    Ballot.objects.create(poll=poll, voter=member)

    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(poll=poll, voter=member)


def test_a_ballot_racing_another_one_keeps_no_choice(space, member):
    """The other request's ballot was written after this one's checks: the
    constraint refuses this one and its choices are rolled back."""
    poll = make_poll(space)
    Ballot.objects.create(poll=poll, voter=member)  # the concurrent request's

    with pytest.raises(PollError) as refused:
        ballot_cast(poll=poll, voter=member, option_ids=option_ids(poll, "Oui"))

    assert refused.value.code == "conflict"
    assert not BallotChoice.objects.filter(poll=poll).exists()


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [(-48, -1, "closed"), (1, 24, "not open yet")],
)
def test_no_ballot_outside_the_voting_period(space, member, opens, closes, message):
    poll = make_poll(space, opens=opens, closes=closes)

    with pytest.raises(PollError, match=message) as refused:
        ballot_cast(poll=poll, voter=member, option_ids=option_ids(poll, "Oui"))

    assert refused.value.code == "conflict"


def test_the_clock_of_a_ballot_can_be_given(space, member):
    poll = make_poll(space)
    with pytest.raises(PollError, match="closed"):
        ballot_cast(
            poll=poll,
            voter=member,
            option_ids=option_ids(poll, "Oui"),
            now=poll.closes_at,
        )


def test_bad_choices_are_refused_with_a_reason(space, member):
    poll = make_poll(space)
    other = make_poll(space, options=["Rouge", "Vert"])

    for chosen, message in [
        ([], "Choose an option"),
        (option_ids(poll, "Oui", "Non"), "one choice only"),
        (option_ids(other, "Rouge"), "not one of this poll"),
        ([999_999], "not one of this poll"),
    ]:
        with pytest.raises(PollError, match=message) as refused:
            ballot_cast(poll=poll, voter=member, option_ids=chosen)
        assert refused.value.code == "invalid"
    assert not Ballot.objects.exists()


# -- Pages ------------------------------------------------------------------


def poll_url(poll, name="polls:poll"):
    return reverse(name, args=[poll.pk])


def test_an_animator_creates_a_poll_from_the_form(client, space, section_animator):
    client.force_login(section_animator)
    url = reverse("polls:create", args=[space.slug])
    assert client.get(url).status_code == 200
    now = timezone.localtime()

    response = client.post(
        url,
        {
            "question": "Quel thème pour la fête ?",
            "options": "Écologie\nServices publics\n\nLogement",
            "multiple": "on",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "results": "after_close",
        },
    )

    poll = Poll.objects.get()
    assert response.status_code == 302
    assert response["Location"] == poll_url(poll)
    assert poll.multiple and poll.results == Poll.Results.AFTER_CLOSE
    assert poll.created_by == section_animator
    assert [o.label for o in poll.options.all()] == ["Écologie", "Services publics", "Logement"]


def test_the_form_says_what_is_wrong(client, space, section_animator):
    client.force_login(section_animator)
    now = timezone.localtime()

    response = client.post(
        reverse("polls:create", args=[space.slug]),
        {
            "question": "Une seule option ?",
            "options": "Oui",
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "results": "after_vote",
        },
    )

    assert response.status_code == 400
    assert "Give between 2 and 10 options." in response.text
    assert "The poll must close after it opens." in response.text
    assert not Poll.objects.exists()


def test_a_member_cannot_open_the_poll_form(client, space, member):
    client.force_login(member)
    assert client.get(reverse("polls:create", args=[space.slug])).status_code == 403


def test_a_member_votes_and_then_sees_the_results(client, space, member, supporter):
    poll = make_poll(space, options=["Oui", "Non", "Blanc"])
    ballot_cast(poll=poll, voter=supporter, option_ids=option_ids(poll, "Non"))
    client.force_login(member)

    page = client.get(poll_url(poll)).text
    assert "<fieldset" in page and "<legend>" in page
    assert "Results" not in page

    response = client.post(poll_url(poll, "polls:vote"), {"options": option_ids(poll, "Oui")})
    assert response.status_code == 302

    page = client.get(poll_url(poll)).text
    assert "Results" in page
    assert "1 vote (50 %)" in page and "0 votes (0 %)" in page
    assert 'class="poll-bar-fill" width="50%"' in page


def test_voting_twice_through_the_page_is_a_409(client, space, member):
    poll = make_poll(space)
    client.force_login(member)
    client.post(poll_url(poll, "polls:vote"), {"options": option_ids(poll, "Oui")})

    response = client.post(poll_url(poll, "polls:vote"), {"options": option_ids(poll, "Non")})

    assert response.status_code == 409
    assert "already voted" in response.text
    assert Ballot.objects.count() == 1


def test_a_closed_poll_takes_no_ballot_and_shows_its_results(client, space, member):
    poll = make_poll(space, opens=-48, closes=-1)
    client.force_login(member)

    response = client.post(poll_url(poll, "polls:vote"), {"options": option_ids(poll, "Oui")})

    assert response.status_code == 409
    assert "closed" in response.text
    assert "Results" in client.get(poll_url(poll)).text


def test_an_option_of_another_poll_or_none_is_a_400(client, space, member):
    poll = make_poll(space)
    other = make_poll(space, options=["Rouge", "Vert"])
    client.force_login(member)

    wrong = client.post(poll_url(poll, "polls:vote"), {"options": option_ids(other, "Rouge")})
    empty = client.post(poll_url(poll, "polls:vote"), {})

    assert wrong.status_code == 400 and "not one of this poll" in wrong.text
    assert empty.status_code == 400 and "Choose an option to vote." in empty.text
    assert not Ballot.objects.exists()


def test_a_supporter_is_refused_a_members_only_poll(client, space, supporter):
    poll = make_poll(space, members_only=True)
    client.force_login(supporter)

    assert "verified members" in client.get(poll_url(poll)).text
    response = client.post(poll_url(poll, "polls:vote"), {"options": option_ids(poll, "Oui")})

    assert response.status_code == 403
    assert not Ballot.objects.exists()


def test_results_after_closing_are_hidden_from_voters_until_then(client, space, member):
    poll = make_poll(space, results=Poll.Results.AFTER_CLOSE)
    client.force_login(member)
    client.post(poll_url(poll, "polls:vote"), {"options": option_ids(poll, "Oui")})

    page = client.get(poll_url(poll)).text

    assert "You have voted. The results will be shown when the poll closes." in page
    assert "1 vote (100 %)" not in page


def test_a_private_space_polls_are_not_found_by_outsiders(client, space, other_section):
    poll = make_poll(space)
    client.force_login(UserFactory(section=other_section))

    assert client.get(poll_url(poll)).status_code == 404
    assert client.get(reverse("polls:list", args=[space.slug])).status_code == 404


def test_anonymous_visitors_of_a_public_group_are_asked_to_log_in(client):
    group = GroupFactory()
    poll = make_poll(group)

    page = client.get(poll_url(poll)).text

    assert "Log in to vote." in page
    assert client.post(poll_url(poll, "polls:vote"), {}).status_code == 302  # to the login


def test_the_space_lists_its_polls(client, space, member, section_animator):
    make_poll(space, question="Une fête ?")
    voted = make_poll(space, question="Un pique-nique ?")
    ballot_cast(poll=voted, voter=member, option_ids=option_ids(voted, "Oui"))
    client.force_login(member)

    page = client.get(reverse("polls:list", args=[space.slug])).text

    assert "Une fête ?" in page and "Un pique-nique ?" in page
    assert page.count("You voted") == 1
    assert "New poll" not in page
    assert (
        reverse("polls:list", args=[space.slug])
        in client.get(reverse("spaces:space", args=[space.slug])).text
    )
    client.force_login(section_animator)
    assert "New poll" in client.get(reverse("polls:list", args=[space.slug])).text


def _queries(client, url):
    client.get(url)  # warm the caches (session, charter)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("results", [Poll.Results.AFTER_VOTE, Poll.Results.AFTER_CLOSE])
def test_the_poll_page_queries_do_not_grow_with_options_or_ballots(client, space, member, results):
    client.force_login(member)
    counts = []
    for size in (3, 10):
        poll = make_poll(space, options=[f"Option {n}" for n in range(size)], multiple=True)
        poll.results = results
        poll.save()
        for _ in range(size):
            ballot_cast(poll=poll, voter=UserFactory(), option_ids=option_ids(poll, "Option 1"))
        ballot_cast(poll=poll, voter=member, option_ids=option_ids(poll, "Option 0", "Option 2"))
        counts.append(_queries(client, poll_url(poll)))
    assert counts[0] == counts[1]


def test_the_poll_list_queries_do_not_grow_with_polls(client, space, member):
    client.force_login(member)
    url = reverse("polls:list", args=[space.slug])
    make_poll(space)
    few = _queries(client, url)
    for _ in range(5):
        poll = make_poll(space)
        ballot_cast(poll=poll, voter=member, option_ids=option_ids(poll, "Oui"))
    assert _queries(client, url) == few


# -- Personal data ----------------------------------------------------------


def test_the_export_lists_ballots_without_the_choices(space, member):
    poll = make_poll(space, question="Une fête ?")
    ballot_cast(poll=poll, voter=member, option_ids=option_ids(poll, "Oui"))

    part = export_personal_data(member)["polls"]

    assert part["ballots"] == [
        {
            "poll": "Une fête ?",
            "poll_id": poll.pk,
            "space": space.name,
            "cast_at": Ballot.objects.get().cast_at.isoformat(),
            "choices": None,
        }
    ]


def test_erasure_deletes_the_ballots_and_keeps_the_counts(space, member, supporter):
    poll = make_poll(space)
    ballot_cast(poll=poll, voter=member, option_ids=option_ids(poll, "Oui"))
    ballot_cast(poll=poll, voter=supporter, option_ids=option_ids(poll, "Non"))

    erase_personal_data(member, keep_contributions=True)

    assert list(Ballot.objects.values_list("voter", flat=True)) == [supporter.pk]
    assert BallotChoice.objects.filter(poll=poll).count() == 2


def test_an_out_of_range_thread_is_not_found(client, space, section_animator):
    client.force_login(section_animator)
    url = reverse("polls:create", args=[space.slug])

    assert client.get(url, {"thread": "9" * 30}).status_code == 404
    assert client.get(url, {"thread": "abc"}).status_code == 404


def test_an_out_of_range_poll_is_not_found(client, member):
    client.force_login(member)
    assert client.get(f"/sondages/{'9' * 30}/").status_code == 404


def test_staff_find_polls_in_the_admin_without_ballots(client, space):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    poll = make_poll(space)
    client.force_login(admin_user)

    assert client.get(reverse("admin:polls_poll_changelist")).status_code == 200
    assert client.get(reverse("admin:polls_poll_change", args=[poll.pk])).status_code == 200
