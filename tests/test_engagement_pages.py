"""Pages of engagement: the invitation link through the real sign-up, "My
invitations", "My points", the rankings and the choice to appear in them,
badges on profiles; the permission matrix and the query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from membrane.accounts.models import ProfileVisibility, User
from membrane.engagement.models import PointAward, RankingOptIn, Referral
from membrane.engagement.permissions import can_invite, can_view_badges, can_view_rankings
from membrane.engagement.services import award, invite_code_for, ranking_opt_in_set
from membrane.moderation.models import ModerationState
from tests.factories import SectionFactory, UserFactory
from tests.test_signup import signup_data

pytestmark = pytest.mark.django_db

PERSONAS = [
    "supporter",
    "member_to_verify",
    "member",
    "section_animator",
    "federation_animator",
    "outsider_animator",
    "staff",
]


def _client_for(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    return client


# -- Invitation link and sign-up -----------------------------------------------


def test_a_person_who_signs_up_through_a_link_counts_as_invited(client, charter, member):
    code = invite_code_for(member)
    response = client.get(reverse("engagement:invitation", args=[code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_signup")

    response = client.post(reverse("account_signup"), signup_data())

    assert response.status_code == 302
    person = User.objects.get(email="camille.durand@example.org")
    assert Referral.objects.get(invitee=person).inviter == member
    assert "invitation_code" not in client.session


def test_an_unknown_code_is_ignored_silently(client, charter):
    client.get(reverse("engagement:invitation", args=["nobody-has-this"]))
    response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 302
    assert not Referral.objects.exists()


def test_a_link_shared_with_a_page_leads_to_that_page(client, member):
    url = reverse("engagement:invitation", args=[invite_code_for(member)])
    response = client.get(url, {"next": "/classements/"})
    assert response["Location"] == "/classements/"
    assert client.session["invitation_code"] == invite_code_for(member)
    response = client.get(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("account_signup")


def test_a_signed_in_person_following_a_link_is_not_referred(client, supporter, member):
    client.force_login(supporter)
    response = client.get(reverse("engagement:invitation", args=[invite_code_for(member)]))
    assert response.status_code == 302
    assert "invitation_code" not in client.session


# -- Permission matrix -----------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
@pytest.mark.parametrize(
    "name", ["engagement:invitations", "engagement:points", "engagement:rankings"]
)
def test_own_pages_need_a_sign_in(client, request, persona, name):
    response = _client_for(client, request, persona).get(reverse(name))
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
def test_predicates_over_the_personas(request, persona):
    from django.contrib.auth.models import AnonymousUser

    viewer = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    signed_in = persona != "anonymous"
    assert can_invite(viewer) is signed_in
    assert can_view_rankings(viewer) is signed_in
    private = UserFactory(profile_visibility=ProfileVisibility.STAFF)
    public = UserFactory(profile_visibility=ProfileVisibility.PUBLIC)
    assert can_view_badges(viewer, public) is True
    assert can_view_badges(viewer, private) is (persona == "staff")


def test_the_choice_needs_a_sign_in_and_a_post(client, supporter):
    url = reverse("engagement:ranking_choice")
    assert client.post(url, {"opted_in": "1"}).status_code == 302
    assert not RankingOptIn.objects.exists()
    client.force_login(supporter)
    assert client.get(url).status_code == 405


# -- My invitations, my points ---------------------------------------------------


def test_my_invitations_shows_the_link_and_the_counts(client, member):
    for person in (UserFactory(), UserFactory()):
        Referral.objects.create(inviter=member, invitee=person)
    client.force_login(member)
    response = client.get(reverse("engagement:invitations"))
    content = response.content.decode()
    assert f"/invitation/{invite_code_for(member)}/" in content
    assert "2 people joined through your link" in content
    assert "0 of them have already contributed" in content


def test_the_share_kit_is_generic_and_encodes_its_link():
    from django.template.loader import render_to_string

    html = render_to_string(
        "engagement/_share.html",
        {"link": "https://example.org/evenements/12/?a=1&b=2", "text": "Venez & partagez"},
    )

    assert "https://wa.me/?text=Venez%20%26%20partagez%20https%3A//example.org" in html
    assert "b%3D2" in html
    assert "mailto:?subject=Venez%20%26%20partagez" in html
    assert 'value="https://example.org/evenements/12/?a=1&amp;b=2"' in html
    assert "<script" not in html


def test_my_points_explains_the_weekly_returns(client, supporter):
    start = timezone.now() - timedelta(days=1)
    for i in range(4):
        award(supporter, "field_action", f"action:{i}", at=start + timedelta(minutes=i))
    client.force_login(supporter)
    response = client.get(reverse("engagement:points"))
    content = response.content.decode()
    assert "17 points in all" in content  # 5 + 5 + 5 + 2
    assert "the first 3 actions of a kind earn full points" in content
    assert "In the field" in content


def test_opting_in_and_out_is_one_click_each(client, supporter):
    client.force_login(supporter)
    url = reverse("engagement:ranking_choice")
    response = client.post(url, {"opted_in": "1", "next": reverse("engagement:invitations")})
    assert response["Location"] == reverse("engagement:invitations")
    assert RankingOptIn.objects.filter(user=supporter).exists()
    assert (
        "Stop appearing in the rankings"
        in client.get(reverse("engagement:points")).content.decode()
    )
    client.post(url, {"opted_in": "0"})
    assert not RankingOptIn.objects.filter(user=supporter).exists()


def test_a_bad_choice_is_a_400_with_a_message(client, supporter):
    client.force_login(supporter)
    response = client.post(reverse("engagement:ranking_choice"), {"opted_in": "maybe"})
    assert response.status_code == 400
    assert "Choose whether to appear in the rankings." in response.content.decode()


# -- Rankings --------------------------------------------------------------------


def _ranked(section, points, *, opted_in=True, **fields):
    person = UserFactory(section=section, **fields)
    if opted_in:
        ranking_opt_in_set(user=person, opted_in=True)
    PointAward.objects.create(
        user=person, rule="field_action", key="x", points=points, created_at=timezone.now()
    )
    return person


def test_only_people_who_opted_in_and_are_visible_appear(client, supporter, section):
    shown = _ranked(section, 10, first_name="Shown", last_name="Person")
    _ranked(section, 20, opted_in=False, first_name="Shy", last_name="Person")
    _ranked(
        section,
        30,
        first_name="Hidden",
        last_name="Person",
        moderation_state=ModerationState.HIDDEN,
    )
    _ranked(section, 40, first_name="Gone", last_name="Person", is_active=False)
    _ranked(
        section,
        50,
        first_name="Private",
        last_name="Person",
        profile_visibility=ProfileVisibility.STAFF,
    )
    client.force_login(supporter)
    content = client.get(reverse("engagement:rankings")).content.decode()
    assert shown.public_name in content
    for name in ("Shy", "Hidden", "Gone", "Private"):
        assert name not in content
    # The section counts its visible people's points, opted in or not.
    assert "80 points" in content


def test_the_all_time_ranking_counts_old_points(client, supporter, section):
    person = _ranked(section, 10)
    PointAward.objects.filter(user=person).update(created_at=timezone.now() - timedelta(days=90))
    client.force_login(supporter)
    assert (
        "Nobody to show in this period."
        in client.get(reverse("engagement:rankings")).content.decode()
    )
    content = client.get(reverse("engagement:rankings"), {"period": "all"}).content.decode()
    assert person.public_name in content


def _rankings_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("engagement:rankings"))
    assert response.status_code == 200
    return len(queries)


def test_the_rankings_page_query_count_does_not_grow(client, supporter):
    client.force_login(supporter)
    sections = [SectionFactory() for _i in range(3)]
    for unit in sections:
        _ranked(unit, 5)
    _rankings_queries(client)  # caches warm (the instance's settings)
    few = _rankings_queries(client)
    for _i in range(9):
        unit = SectionFactory()
        _ranked(unit, 5)
        _ranked(unit, 7)
    assert _rankings_queries(client) == few


# -- Badges on profiles ----------------------------------------------------------


def test_badges_show_on_the_profile_in_one_query(client, supporter, member):
    award(member, "event_attended", "event:1")
    client.force_login(supporter)
    client.get(reverse("accounts:profile", args=[member.pk]))  # caches warm
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("accounts:profile", args=[member.pk]))
    content = response.content.decode()
    assert "First steps" in content
    assert "In the field" in content
    for i in range(2, 12):
        award(member, "event_attended", f"event:{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accounts:profile", args=[member.pk]))
    assert len(many) == len(few)


def test_my_own_profile_links_to_my_points(client, supporter):
    client.force_login(supporter)
    content = client.get(reverse("accounts:profile", args=[supporter.pk])).content.decode()
    assert reverse("engagement:points") in content
    assert "No badge yet." in content


def _page_queries(client, name):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(name))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["engagement:points", "engagement:invitations"])
def test_my_pages_query_counts_do_not_grow(client, member, name):
    client.force_login(member)
    for i in range(3):
        award(member, "field_action", f"action:{i}")
        Referral.objects.create(inviter=member, invitee=UserFactory())
    _page_queries(client, name)  # caches warm, code made
    few = _page_queries(client, name)
    for i in range(3, 30):
        award(member, "event_attended", f"event:{i}")
        Referral.objects.create(inviter=member, invitee=UserFactory())
    assert _page_queries(client, name) == few
