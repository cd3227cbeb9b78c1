"""The API of polls: a space's polls, one poll and its results, creating one
and voting — under the same rules as the poll pages, every error a JSON
{"detail"} with a 4xx status."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from membrane.accounts.tokens import access_token_create
from membrane.polls.models import Ballot, Poll
from membrane.polls.services import ballot_cast, poll_create
from membrane.spaces.services import territorial_space_ensure
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, ThreadFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def bearer(user):
    return {"Authorization": f"Bearer {access_token_create(user=user, name='test')[1]}"}


def send(client, method, path, data=None, user=None):
    headers = bearer(user) if user is not None else {}
    body = json.dumps(data) if data is not None else ""
    return getattr(client, method)(
        f"{API}{path}", data=body, content_type="application/json", headers=headers
    )


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail"} and body["detail"]
    return body["detail"]


def make_poll(space, *, options=("Oui", "Non"), opens=-1, closes=24, **fields):
    now = timezone.now()
    return poll_create(
        creator=None,
        space=space,
        question="Faut-il une fête de la section ?",
        options=list(options),
        opens_at=now + timedelta(hours=opens),
        closes_at=now + timedelta(hours=closes),
        **fields,
    )


def ids(poll, *labels):
    return [option.pk for option in poll.options.all() if option.label in labels]


@pytest.fixture
def space(section):
    return territorial_space_ensure(section)


def poll_payload(**overrides):
    return {
        "question": "Quel thème pour la fête ?",
        "options": ["Écologie", "Logement", "Services publics"],
        "closes_at": (timezone.now() + timedelta(days=3)).isoformat(),
        **overrides,
    }


# -- Creating ---------------------------------------------------------------


def test_an_animator_creates_a_poll(client, space, section_animator):
    thread = ThreadFactory(space=space)

    response = send(
        client,
        "post",
        f"/spaces/{space.slug}/polls",
        poll_payload(multiple=True, results_shown="after_close", thread_id=thread.pk),
        user=section_animator,
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "open" and body["multiple"] and body["results_shown"] == "after_close"
    assert body["thread"] == {"id": thread.pk, "title": thread.title}
    assert [o["label"] for o in body["options"]] == ["Écologie", "Logement", "Services publics"]
    assert body["results"] is None and body["can_vote"] is True
    assert Poll.objects.get().created_by == section_animator


def test_a_member_cannot_create_a_poll(client, space, member):
    response = send(client, "post", f"/spaces/{space.slug}/polls", poll_payload(), user=member)
    assert "moderators and animators" in assert_json_error(response, 403)


def test_bad_polls_are_refused_with_a_reason(client, space, section_animator):
    path = f"/spaces/{space.slug}/polls"
    past = (timezone.now() - timedelta(days=1)).isoformat()

    duplicate = send(client, "post", path, poll_payload(options=["Oui", "oui"]), section_animator)
    backwards = send(client, "post", path, poll_payload(closes_at=past), section_animator)
    other_thread = send(
        client, "post", path, poll_payload(thread_id=ThreadFactory().pk), section_animator
    )
    single = send(client, "post", path, poll_payload(options=["Oui"]), section_animator)

    assert "the same" in assert_json_error(duplicate, 400)
    assert "close after" in assert_json_error(backwards, 400)
    assert "not in this space" in assert_json_error(other_thread, 400)
    assert single.status_code == 422
    assert not Poll.objects.exists()


# -- Reading ----------------------------------------------------------------


def test_the_list_of_a_space_polls_says_which_the_caller_voted_in(client, space, member):
    first = make_poll(space)
    make_poll(space, opens=-2)
    ballot_cast(poll=first, voter=member, option_ids=ids(first, "Oui"))

    response = send(client, "get", f"/spaces/{space.slug}/polls", user=member)

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["voted"] for item in items] == [True, False]
    assert items[0]["ballot_count"] == 1


def test_a_private_space_polls_are_not_found_by_outsiders(client, space, other_section):
    poll = make_poll(space)
    outsider = UserFactory(section=other_section)

    assert_json_error(send(client, "get", f"/polls/{poll.pk}", user=outsider), 404)
    assert_json_error(send(client, "get", f"/spaces/{space.slug}/polls", user=outsider), 404)
    assert_json_error(send(client, "get", f"/polls/{poll.pk}"), 404)


def test_anyone_reads_a_public_group_poll_but_must_log_in_to_vote(client):
    poll = make_poll(GroupFactory())

    body = send(client, "get", f"/polls/{poll.pk}").json()

    assert body["can_vote"] is False and body["results"] is None
    assert_json_error(send(client, "post", f"/polls/{poll.pk}/ballot", {"option_ids": []}), 401)


def test_the_poll_detail_queries_do_not_grow_with_options(client, space, member):
    counts = []
    for size in (3, 10):
        poll = make_poll(space, options=[f"Option {n}" for n in range(size)])
        for _ in range(size):
            ballot_cast(poll=poll, voter=UserFactory(), option_ids=ids(poll, "Option 1"))
        ballot_cast(poll=poll, voter=member, option_ids=ids(poll, "Option 0"))
        headers = bearer(member)
        client.get(f"{API}/polls/{poll.pk}", headers=headers)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/polls/{poll.pk}", headers=headers).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# -- Voting -----------------------------------------------------------------


def test_a_member_votes_and_sees_the_results_but_nobody_s_choice(client, space, member):
    poll = make_poll(space, options=["Oui", "Non", "Blanc"])

    response = send(
        client, "post", f"/polls/{poll.pk}/ballot", {"option_ids": ids(poll, "Oui")}, member
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["voted"] is True and body["can_vote"] is False and body["ballot_count"] == 1
    assert [(r["label"], r["votes"], r["percent"]) for r in body["results"]] == [
        ("Oui", 1, 100),
        ("Non", 0, 0),
        ("Blanc", 0, 0),
    ]


def test_results_after_closing_are_null_until_the_poll_closes(client, space, member):
    poll = make_poll(space, results=Poll.Results.AFTER_CLOSE)

    body = send(
        client, "post", f"/polls/{poll.pk}/ballot", {"option_ids": ids(poll, "Oui")}, member
    ).json()

    assert body["voted"] is True and body["results"] is None
    Poll.objects.filter(pk=poll.pk).update(
        opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(hours=1)
    )
    closed = send(client, "get", f"/polls/{poll.pk}", user=member).json()
    assert closed["state"] == "closed" and closed["results"][0]["votes"] == 1


def test_a_second_ballot_is_a_409(client, space, member):
    poll = make_poll(space)
    path = f"/polls/{poll.pk}/ballot"
    send(client, "post", path, {"option_ids": ids(poll, "Oui")}, member)

    again = send(client, "post", path, {"option_ids": ids(poll, "Non")}, member)

    assert "already voted" in assert_json_error(again, 409)
    assert Ballot.objects.count() == 1


def test_a_ballot_that_lost_a_race_is_a_409(client, space, member):
    """A ballot of the same person written between this request's checks and
    its write: the database constraint answers, not a 500."""
    poll = make_poll(space)
    Ballot.objects.create(poll=poll, voter=member)

    response = send(
        client, "post", f"/polls/{poll.pk}/ballot", {"option_ids": ids(poll, "Oui")}, member
    )

    assert "already voted" in assert_json_error(response, 409)


@pytest.mark.parametrize(
    ("opens", "closes", "message"), [(-48, -1, "closed"), (1, 24, "not open yet")]
)
def test_no_ballot_outside_the_voting_period(client, space, member, opens, closes, message):
    poll = make_poll(space, opens=opens, closes=closes)

    response = send(
        client, "post", f"/polls/{poll.pk}/ballot", {"option_ids": ids(poll, "Oui")}, member
    )

    assert message in assert_json_error(response, 409)


def test_bad_ballots_are_400s_with_a_reason(client, space, member):
    poll = make_poll(space)
    other = make_poll(space, options=["Rouge", "Vert"])
    path = f"/polls/{poll.pk}/ballot"

    for chosen, message in [
        ([], "Choose an option"),
        (ids(poll, "Oui", "Non"), "one choice only"),
        (ids(other, "Rouge"), "not one of this poll"),
    ]:
        response = send(client, "post", path, {"option_ids": chosen}, member)
        assert message in assert_json_error(response, 400)
    assert send(client, "post", path, {"option_ids": "oui"}, member).status_code == 422
    assert not Ballot.objects.exists()


def test_a_members_only_poll_refuses_supporters(client, space, supporter, member):
    poll = make_poll(space, members_only=True)
    path = f"/polls/{poll.pk}/ballot"

    refused = send(client, "post", path, {"option_ids": ids(poll, "Oui")}, supporter)
    accepted = send(client, "post", path, {"option_ids": ids(poll, "Oui")}, member)

    assert "verified members" in assert_json_error(refused, 403)
    assert accepted.status_code == 201


def test_out_of_range_ids_are_refused_not_crashed(client, space, member, section_animator):
    poll = make_poll(space)
    huge = 10**30

    ballot = send(client, "post", f"/polls/{poll.pk}/ballot", {"option_ids": [huge]}, member)
    created = send(
        client,
        "post",
        f"/spaces/{space.slug}/polls",
        poll_payload(thread_id=huge),
        section_animator,
    )

    assert ballot.status_code in (400, 422)
    assert created.status_code in (400, 422)
    assert_json_error(send(client, "get", f"/polls/{huge}", user=member), 404)
