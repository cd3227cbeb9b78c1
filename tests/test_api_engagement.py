"""The engagement API: my invitation link, my points and badges, a person's
badges (as visible as their profile), the rankings and the choice to appear
in them; the same permissions as the pages, JSON errors, pinned queries."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from membrane.accounts.models import ProfileVisibility
from membrane.accounts.tokens import access_token_create
from membrane.engagement.models import PointAward, RankingOptIn, Referral
from membrane.engagement.services import award, invite_code_for, ranking_opt_in_set
from membrane.moderation.models import ModerationState
from tests.api_helpers import count_queries
from tests.factories import SectionFactory, UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
PERSONAS = [
    "supporter",
    "member_to_verify",
    "member",
    "section_animator",
    "federation_animator",
    "outsider_animator",
    "staff",
]


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


# -- Permission matrix -----------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/me/invitation", None),
        ("get", "/me/points", None),
        ("get", "/rankings", None),
        ("put", "/me/rankings", {"in_rankings": True}),
    ],
)
def test_own_resources_need_a_sign_in(client, request, persona, method, path, data):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = send(client, method, path, data, user=user)
    if user is None:
        assert_json_error(response, 401)
    else:
        assert response.status_code == 200, response.content


@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
@pytest.mark.parametrize("visibility", list(ProfileVisibility))
def test_badges_are_as_visible_as_the_profile(client, request, persona, visibility):
    from membrane.accounts.permissions import can_view_profile

    person = UserFactory(profile_visibility=visibility)
    award(person, "event_attended", "event:1")
    viewer = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    response = send(
        client,
        "get",
        f"/people/{person.pk}/badges",
        user=None if persona == "anonymous" else viewer,
    )
    if can_view_profile(viewer, person):
        assert response.status_code == 200
        assert {b["badge"] for b in response.json()} == {"premier_pas", "sur_le_terrain"}
    else:
        assert_json_error(response, 404)


def test_a_profile_hidden_by_moderation_shows_no_badge(client, supporter, staff):
    person = UserFactory(
        profile_visibility=ProfileVisibility.PUBLIC, moderation_state=ModerationState.HIDDEN
    )
    award(person, "event_attended", "event:1")
    assert send(client, "get", f"/people/{person.pk}/badges", user=supporter).json() == []
    assert len(send(client, "get", f"/people/{person.pk}/badges", user=staff).json()) == 2
    assert len(send(client, "get", f"/people/{person.pk}/badges", user=person).json()) == 2


def test_a_missing_person_is_a_json_404(client, supporter):
    assert_json_error(send(client, "get", "/people/999999/badges", user=supporter), 404)


# -- Invitation, points ----------------------------------------------------------


def test_my_invitation_link_and_counts(client, member):
    Referral.objects.create(inviter=member, invitee=UserFactory())
    body = send(client, "get", "/me/invitation", user=member).json()
    assert body["code"] == invite_code_for(member)
    assert body["url"] == f"http://testserver/invitation/{body['code']}/"
    assert (body["joined"], body["contributed"]) == (1, 0)


def test_my_points_and_badges(client, supporter):
    for i in range(4):
        award(supporter, "field_action", f"action:{i}")
    body = send(client, "get", "/me/points", user=supporter).json()
    assert body["total"] == 17
    field = next(rule for rule in body["rules"] if rule["rule"] == "field_action")
    assert (field["count"], field["this_week"], field["next_points"]) == (4, 4, 2)
    steps = {badge["badge"]: badge for badge in body["badges"]}
    assert steps["premier_pas"]["level"] == 2
    assert steps["premier_pas"]["next_threshold"] == 10
    assert steps["batisseur"]["level"] == 0
    assert body["in_rankings"] is False


# -- Rankings --------------------------------------------------------------------


def _ranked(section, points, *, opted_in=True, **fields):
    person = UserFactory(section=section, profile_visibility=ProfileVisibility.PUBLIC, **fields)
    if opted_in:
        ranking_opt_in_set(user=person, opted_in=True)
    PointAward.objects.create(
        user=person, rule="field_action", key="x", points=points, created_at=timezone.now()
    )
    return person


def test_rankings_show_only_opted_in_visible_people(client, supporter, section):
    shown = _ranked(section, 10)
    _ranked(section, 20, opted_in=False)
    _ranked(section, 30, moderation_state=ModerationState.HIDDEN)
    body = send(client, "get", "/rankings", user=supporter).json()
    assert [entry["person"]["id"] for entry in body["people"]] == [shown.pk]
    assert body["sections"] == [
        {"id": section.pk, "slug": section.slug, "name": section.name, "points": 30}
    ]


def test_a_bad_period_is_a_422(client, supporter):
    response = send(client, "get", "/rankings?period=forever", user=supporter)
    assert response.status_code == 422


def test_the_rankings_queries_do_not_grow(client, supporter):
    client.force_login(supporter)
    for _i in range(3):
        _ranked(SectionFactory(), 5)
    count_queries(client, "/rankings")
    few = count_queries(client, "/rankings")
    for _i in range(20):
        _ranked(SectionFactory(), 5)
    assert count_queries(client, "/rankings") == few


def test_opting_in_and_out(client, supporter):
    assert send(client, "put", "/me/rankings", {"in_rankings": True}, user=supporter).json() == {
        "in_rankings": True
    }
    assert RankingOptIn.objects.filter(user=supporter).exists()
    send(client, "put", "/me/rankings", {"in_rankings": False}, user=supporter)
    assert not RankingOptIn.objects.filter(user=supporter).exists()


def test_a_bad_choice_is_a_422(client, supporter):
    response = send(client, "put", "/me/rankings", {"in_rankings": "perhaps"}, user=supporter)
    assert response.status_code == 422
    assert "detail" in response.json()


def test_a_session_needs_the_csrf_token_to_choose(supporter):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(supporter)
    response = client.put(
        f"{API}/me/rankings", data='{"in_rankings": true}', content_type="application/json"
    )
    assert_json_error(response, 403)
