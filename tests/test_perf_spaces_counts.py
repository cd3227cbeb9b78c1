"""The stored member counts of groups, the cached "most active" ranking, the
section's paginated members and the group members filter (issue 8)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.urls import reverse

from membrane.accounts.models import ProfileVisibility
from membrane.accounts.selectors import people_visible_to
from membrane.spaces.models import Space
from membrane.spaces.privacy import erase_personal_data
from membrane.spaces.selectors import group_members_visible_to, most_active_groups
from membrane.spaces.services import (
    group_create,
    group_join,
    group_leave,
    group_update,
    join_request_create,
    join_request_decide,
    member_counts_recount,
)
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, MembershipFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _count(group: Space) -> int:
    return Space.objects.get(pk=group.pk).active_member_count


def test_the_services_keep_a_groups_stored_member_count(member, supporter):
    group = group_create(creator=member, name="Compteurs")
    assert _count(group) == 1
    group_join(group=group, user=supporter)
    group_join(group=group, user=supporter)
    assert _count(group) == 2
    group_leave(group=group, user=supporter)
    assert _count(group) == 1


def test_an_accepted_request_counts_the_new_member(member, supporter):
    group = group_create(creator=member, name="Sur demande", joining=Space.Joining.REQUEST)
    request = join_request_create(group=group, user=supporter)
    join_request_decide(join_request=request, by=member, accept=True)
    assert _count(group) == 2


def test_an_erased_persons_memberships_leave_the_count(member, supporter):
    group = group_create(creator=member, name="Effacement")
    group_join(group=group, user=supporter)
    erase_personal_data(supporter, keep_contributions=False)
    assert _count(group) == 1


def test_a_recount_leaves_out_inactive_accounts():
    group = GroupFactory()
    MembershipFactory.create_batch(2, space=group)
    banned = MembershipFactory(space=group).user
    type(banned).objects.filter(pk=banned.pk).update(is_active=False)
    assert _count(group) == 3
    member_counts_recount(user=banned)
    assert _count(group) == 2


def test_the_directory_shows_the_stored_count(client):
    group = GroupFactory(name="Groupe compté")
    MembershipFactory.create_batch(3, space=group)
    response = client.get(reverse("spaces:groups"))
    assert [g.member_count for g in response.context["page"]] == [3]


def test_the_most_active_ranking_is_cached_but_a_group_made_private_leaves_it_at_once():
    group = GroupFactory(name="Vivant")
    PostFactory.create_batch(2, thread=ThreadFactory(space=group))
    assert [(g.name, g.recent_posts) for g in most_active_groups(limit=5)] == [("Vivant", 2)]
    PostFactory(thread=ThreadFactory(space=group))
    # Cached: the count is the one of a few minutes ago.
    assert [g.recent_posts for g in most_active_groups(limit=5)] == [2]
    group.visibility = Space.Visibility.PRIVATE
    group.save()
    assert most_active_groups(limit=5) == []
    group_update(group=group, visibility=Space.Visibility.PUBLIC)
    assert [g.recent_posts for g in most_active_groups(limit=5)] == [3]
    cache.clear()


@pytest.mark.parametrize("who", ["anonymous", "supporter", "staff"])
def test_group_members_visible_to_agrees_with_people_visible_to(who, request):
    viewer = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    group = GroupFactory()
    for visibility in ProfileVisibility.values:
        MembershipFactory(space=group, user=UserFactory(profile_visibility=visibility))
    MembershipFactory(space=group, user=UserFactory(is_active=False))
    shown = {m.user_id for m in group_members_visible_to(space=group, viewer=viewer)}
    expected = set(
        people_visible_to(viewer)
        .filter(space_memberships__space=group)
        .values_list("pk", flat=True)
    )
    assert shown == expected


def test_a_sections_members_come_fifty_a_page(client, section, staff):
    UserFactory.create_batch(55, section=section, listed_in_directory=True)
    client.force_login(staff)
    url = reverse("territory:section", args=[section.slug])
    first = client.get(url)
    second = client.get(url, {"page": 2})
    assert len(first.context["members"]) == 50
    assert len(second.context["members"]) >= 5
    assert "?page=2" in first.text
