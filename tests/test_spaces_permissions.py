"""Who may do what in spaces: each rule over the matrix of personas, first
through the predicates of spaces/permissions.py, then through the pages.

Personas: the territorial ones of conftest.py (all in the Section de Bègles
but the outsider animator) and three people of the group under test: a
member, a moderator and an animator."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from membrane.spaces.models import Invitation, JoinRequest, Membership, Role, Space
from membrane.spaces.permissions import (
    can_create_group,
    can_join_space,
    can_leave_space,
    can_manage_space,
    can_request_to_join,
    can_view_space,
)
from membrane.spaces.selectors import readable_spaces
from membrane.spaces.services import (
    group_join,
    group_leave,
    membership_set_role,
    territorial_space_ensure,
)
from tests.factories import UserFactory
from tests.spaces_factories import (
    GroupFactory,
    InvitationFactory,
    JoinRequestFactory,
    MembershipFactory,
    ThreadFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "supporter",
    "member",
    "section_animator",
    "federation_animator",
    "outsider_animator",
    "staff",
    "group_member",
    "group_moderator",
    "group_animator",
]
IN_GROUP = {"group_member", "group_moderator", "group_animator"}
SIGNED_IN = set(PERSONAS) - {"anonymous"}
MANAGERS = {"staff", "group_animator"}


def row(allowed: set[str]) -> list[tuple[str, bool]]:
    return [(persona, persona in allowed) for persona in PERSONAS]


@pytest.fixture
def group_people(charter):
    return {
        name: UserFactory(charter_version_accepted=charter.number)
        for name in ("group_member", "group_moderator", "group_animator")
    }


@pytest.fixture
def make_group(group_people):
    """A group with the three group personas in it, in their roles."""

    def make(**fields):
        group = GroupFactory(**fields)
        roles = {
            "group_member": Role.MEMBER,
            "group_moderator": Role.MODERATOR,
            "group_animator": Role.ANIMATOR,
        }
        for name, role in roles.items():
            MembershipFactory(space=group, user=group_people[name], role=role)
        return group

    return make


@pytest.fixture
def persona(request, group_people):
    """The persona of this row of the matrix (None for anonymous)."""

    def get(name):
        if name == "anonymous":
            return None
        if name in group_people:
            return group_people[name]
        return request.getfixturevalue(name)

    return get


def as_user(person):
    return AnonymousUser() if person is None else person


def client_for(client, person):
    if person is not None:
        client.force_login(person)
    return client


# Reading


@pytest.mark.parametrize(("name", "allowed"), row(set(PERSONAS)))
def test_everyone_may_read_a_public_groups_threads(name, allowed, persona, make_group, client):
    group = make_group(visibility=Space.Visibility.PUBLIC)
    ThreadFactory(space=group, title="Le train de nuit revient")
    person = persona(name)

    assert can_view_space(as_user(person), group) is allowed
    response = client_for(client, person).get(reverse("spaces:group", args=[group.slug]))
    assert response.status_code == 200
    assert ("Le train de nuit revient" in response.text) is allowed


@pytest.mark.parametrize(("name", "allowed"), row(IN_GROUP | {"staff"}))
def test_only_members_and_staff_read_a_private_groups_threads(
    name, allowed, persona, make_group, client
):
    group = make_group(visibility=Space.Visibility.PRIVATE, name="Cercle discret")
    ThreadFactory(space=group, title="Notre stratégie secrète")
    person = persona(name)

    assert can_view_space(as_user(person), group) is allowed
    response = client_for(client, person).get(reverse("spaces:group", args=[group.slug]))
    assert response.status_code == 200
    assert "Cercle discret" in response.text
    assert ("Notre stratégie secrète" in response.text) is allowed
    assert ("This group is private" in response.text) is not allowed


@pytest.mark.parametrize(("name", "allowed"), row(IN_GROUP | {"staff"}))
def test_only_members_and_staff_see_who_belongs_to_a_private_group(
    name, allowed, persona, make_group, client, group_people
):
    group = make_group(visibility=Space.Visibility.PRIVATE)
    person = persona(name)

    response = client_for(client, person).get(reverse("spaces:members", args=[group.slug]))

    if allowed:
        assert response.status_code == 200
        assert group_people["group_moderator"].public_name in response.text
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("spaces:group", args=[group.slug])


# Joining, asking, leaving


@pytest.mark.parametrize(("name", "allowed"), row(SIGNED_IN - IN_GROUP))
def test_people_outside_an_open_group_may_join_it(name, allowed, persona, make_group, client):
    group = make_group(joining=Space.Joining.OPEN)
    person = persona(name)

    assert can_join_space(as_user(person), group) is allowed
    response = client_for(client, person).post(reverse("spaces:join", args=[group.slug]))
    if person is None:
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]
        return
    assert response.status_code == 302
    assert Membership.objects.filter(space=group, user=person).exists()


@pytest.mark.parametrize(("name", "allowed"), row(set()))
def test_nobody_joins_a_request_only_group_at_once(name, allowed, persona, make_group, client):
    group = make_group(joining=Space.Joining.REQUEST)
    person = persona(name)

    assert can_join_space(as_user(person), group) is allowed
    response = client_for(client, person).post(reverse("spaces:join", args=[group.slug]))
    if person is None:
        assert response.status_code == 302
    elif name in IN_GROUP:
        assert response.status_code == 302  # already a member: nothing to do
    else:
        assert response.status_code == 403
        assert "ask its animators to join" in response.text
        assert not Membership.objects.filter(space=group, user=person).exists()


@pytest.mark.parametrize(("name", "allowed"), row(SIGNED_IN - IN_GROUP))
def test_people_outside_a_request_only_group_may_ask_to_join(
    name, allowed, persona, make_group, client
):
    group = make_group(joining=Space.Joining.REQUEST)
    person = persona(name)

    assert can_request_to_join(as_user(person), group) is allowed
    response = client_for(client, person).post(
        reverse("spaces:request", args=[group.slug]), {"message": "Je voudrais aider."}
    )
    assert response.status_code == 302
    asked = person is not None and JoinRequest.objects.filter(space=group, user=person).exists()
    assert asked is allowed


@pytest.mark.parametrize(("name", "allowed"), row(set()))
def test_nobody_joins_an_invitation_only_group_without_an_invitation(
    name, allowed, persona, make_group, client
):
    group = make_group(joining=Space.Joining.INVITATION)
    person = persona(name)

    assert can_join_space(as_user(person), group) is allowed
    assert can_request_to_join(as_user(person), group) is False
    response = client_for(client, person).post(reverse("spaces:join", args=[group.slug]))
    if person is not None and name not in IN_GROUP:
        assert response.status_code == 403
        assert "on invitation only" in response.text
        assert not Membership.objects.filter(space=group, user=person).exists()


@pytest.mark.parametrize(("name", "allowed"), row(SIGNED_IN - IN_GROUP))
def test_invited_people_join_an_invitation_only_group(name, allowed, persona, make_group, client):
    group = make_group(joining=Space.Joining.INVITATION)
    person = persona(name)
    if person is not None and name not in IN_GROUP:
        InvitationFactory(space=group, user=person)

    assert can_join_space(as_user(person), group, invited=person is not None) is allowed
    if person is None:
        return
    page = client_for(client, person).get(reverse("spaces:group", args=[group.slug]))
    assert ("Accept the invitation" in page.text) is allowed
    client.post(reverse("spaces:join", args=[group.slug]))
    assert Membership.objects.filter(space=group, user=person).exists()
    if allowed:
        assert Invitation.objects.get(space=group, user=person).accepted_at is not None


@pytest.mark.parametrize(("name", "allowed"), row(IN_GROUP))
def test_only_members_may_leave_a_group(name, allowed, persona, make_group, client):
    group = make_group()
    # A second animator, so that the group animator is not the last one.
    MembershipFactory(space=group, role=Role.ANIMATOR)
    person = persona(name)

    assert can_leave_space(as_user(person), group) is allowed
    response = client_for(client, person).post(reverse("spaces:leave", args=[group.slug]))
    assert response.status_code == 302
    if person is not None:
        assert not Membership.objects.filter(space=group, user=person).exists()


# Running the group


@pytest.mark.parametrize(("name", "allowed"), row(MANAGERS))
def test_only_the_groups_animators_and_staff_edit_it(name, allowed, persona, make_group, client):
    group = make_group(name="Ruralité vivante")
    person = persona(name)

    assert can_manage_space(as_user(person), group) is allowed
    url = reverse("spaces:group_edit", args=[group.slug])
    response = client_for(client, person).post(
        url,
        {"name": "Ruralité debout", "description": "", "visibility": "public", "joining": "open"},
    )
    group.refresh_from_db()
    if person is None:
        assert response.status_code == 302
    else:
        assert response.status_code == (302 if allowed else 403)
    assert (group.name == "Ruralité debout") is allowed


@pytest.mark.parametrize(("name", "allowed"), row(MANAGERS))
def test_only_the_groups_animators_and_staff_decide_requests(
    name, allowed, persona, make_group, client
):
    group = make_group(joining=Space.Joining.REQUEST)
    join_request = JoinRequestFactory(space=group)
    person = persona(name)

    client = client_for(client, person)
    listing = client.get(reverse("spaces:requests", args=[group.slug]))
    response = client.post(
        reverse("spaces:request_decide", args=[group.slug, join_request.pk]),
        {"decision": "accept"},
    )
    join_request.refresh_from_db()
    if person is None:
        assert listing.status_code == response.status_code == 302
    else:
        assert listing.status_code == (200 if allowed else 403)
        assert response.status_code == (302 if allowed else 403)
    assert (join_request.status == JoinRequest.Status.ACCEPTED) is allowed
    assert Membership.objects.filter(space=group, user=join_request.user).exists() is allowed


@pytest.mark.parametrize(("name", "allowed"), row(MANAGERS))
def test_only_the_groups_animators_and_staff_change_roles(
    name, allowed, persona, make_group, client, group_people
):
    group = make_group()
    target = group_people["group_member"]
    person = persona(name)

    response = client_for(client, person).post(
        reverse("spaces:member_role", args=[group.slug, target.pk]), {"role": Role.MODERATOR}
    )
    if person is not None:
        assert response.status_code == (302 if allowed else 403)
    role = Membership.objects.get(space=group, user=target).role
    assert (role == Role.MODERATOR) is allowed


@pytest.mark.parametrize(("name", "allowed"), row(MANAGERS))
def test_only_the_groups_animators_and_staff_invite(name, allowed, persona, make_group, client):
    group = make_group(joining=Space.Joining.INVITATION)
    guest = UserFactory()
    person = persona(name)

    response = client_for(client, person).post(
        reverse("spaces:invite", args=[group.slug]), {"person": guest.pk}
    )
    if person is not None:
        assert response.status_code == (302 if allowed else 403)
    assert Invitation.objects.filter(space=group, user=guest).exists() is allowed


@pytest.mark.parametrize(("name", "allowed"), row(SIGNED_IN))
def test_any_signed_in_person_may_create_a_group(name, allowed, persona, client):
    person = persona(name)

    assert can_create_group(as_user(person)) is allowed
    response = client_for(client, person).get(reverse("spaces:group_create"))
    assert response.status_code == (200 if allowed else 302)


def test_a_deactivated_person_cannot_create_a_group(supporter):
    supporter.is_active = False
    assert can_create_group(supporter) is False


# The space of the section


SECTION_SPACE_READERS = {"supporter", "member", "section_animator", "federation_animator", "staff"}


@pytest.mark.parametrize(("name", "allowed"), row(SECTION_SPACE_READERS))
def test_the_section_space_is_for_its_people_its_animators_and_staff(
    name, allowed, persona, section, client
):
    space = territorial_space_ensure(section)
    ThreadFactory(space=space, title="Tractage au marché samedi")
    person = persona(name)

    space = Space.objects.select_related("unit__parent").get(pk=space.pk)
    assert can_view_space(as_user(person), space) is allowed
    response = client_for(client, person).get(reverse("spaces:space", args=[space.slug]))
    assert response.status_code == 200
    assert "Section de Bègles" in response.text
    assert ("Tractage au marché samedi" in response.text) is allowed
    assert ("This space is private" in response.text) is not allowed


@pytest.mark.parametrize(
    "name", ["supporter", "staff", "group_member", "outsider_animator", "anonymous"]
)
def test_nobody_joins_or_leaves_a_territorial_space_as_a_group(name, persona, section, client):
    space = territorial_space_ensure(section)
    person = persona(name)

    assert can_join_space(as_user(person), space, invited=True) is False
    assert can_request_to_join(as_user(person), space) is False
    assert can_leave_space(as_user(person), space) is False
    response = client_for(client, person).post(reverse("spaces:join", args=[space.slug]))
    assert response.status_code in {302, 404}
    assert not Membership.objects.filter(space=space).exists()


# Cached roles and erased accounts --------------------------------------------


def test_a_role_change_is_seen_by_the_same_request(supporter):
    group = GroupFactory(visibility=Space.Visibility.PRIVATE)
    animator = UserFactory()
    MembershipFactory(space=group, user=animator, role=Role.ANIMATOR)
    assert not can_view_space(supporter, group)

    group_join(group=group, user=supporter)
    assert can_view_space(supporter, group)
    assert not can_manage_space(supporter, group)

    membership_set_role(group=group, user=supporter, role=Role.ANIMATOR)
    assert can_manage_space(supporter, group)

    membership_set_role(group=group, user=animator, role=Role.MEMBER)
    group_leave(group=group, user=animator)
    assert not can_view_space(animator, group)


def test_an_erased_account_reads_only_public_spaces(member):
    private = GroupFactory(visibility=Space.Visibility.PRIVATE)
    public = GroupFactory()
    MembershipFactory(space=private, user=member)
    assert set(readable_spaces(member).filter(kind=Space.Kind.GROUP)) == {private, public}

    member.erased_at = timezone.now()
    assert set(readable_spaces(member).filter(kind=Space.Kind.GROUP)) == {public}
