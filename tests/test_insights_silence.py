"""Who the insights call silent: the newcomers of the last 30 days who never
wrote in the space (looked up post by post with NOT EXISTS, issue 8), and
the members who did nothing over a period, whatever the action."""

from datetime import timedelta

import pytest
from django.utils import timezone

from membrane.conversations.models import Post, Reaction
from membrane.insights.selectors import recent_silent_members, silent_member_count, space_people
from membrane.insights.services import last_days
from membrane.spaces.models import Membership, Space
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, MembershipFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def group() -> Space:
    return GroupFactory(name="Vélo en ville")


def newcomer(group: Space, **fields):
    person = UserFactory(**fields)
    MembershipFactory(space=group, user=person)
    return person


def old_member(group: Space):
    person = newcomer(group)
    Membership.objects.filter(user=person).update(joined_at=timezone.now() - timedelta(days=60))
    return person


def silent_ids(space: Space | None) -> list[int]:
    return list(recent_silent_members(space, end=timezone.now()).values_list("pk", flat=True))


def test_a_newcomer_who_wrote_here_is_not_silent_but_one_who_wrote_elsewhere_is(group):
    wrote_here, wrote_elsewhere, quiet = newcomer(group), newcomer(group), newcomer(group)
    old_member(group)  # arrived too long ago to be a newcomer
    PostFactory(thread=ThreadFactory(space=group), author=wrote_here)
    PostFactory(thread=ThreadFactory(space=GroupFactory()), author=wrote_elsewhere)

    assert silent_ids(group) == [quiet.pk, wrote_elsewhere.pk]  # newest first


def test_a_deleted_message_does_not_count_as_speaking(group):
    person = newcomer(group)
    PostFactory(thread=ThreadFactory(space=group), author=person, deleted_at=timezone.now())

    assert silent_ids(group) == [person.pk]


def test_a_message_without_author_hides_nobody(group):
    """A message whose author's row is gone (author NULL) once made NOT IN
    match nobody: every newcomer vanished from the list."""
    person = newcomer(group)
    PostFactory(thread=ThreadFactory(space=group), author=None)

    assert silent_ids(group) == [person.pk]


def test_the_platforms_silent_newcomers_never_wrote_anywhere(group):
    quiet = UserFactory()
    talker = UserFactory()
    PostFactory(thread=ThreadFactory(space=group), author=talker)

    silent = silent_ids(None)

    assert quiet.pk in silent
    assert talker.pk not in silent


def test_a_section_spaces_silent_newcomers_are_its_people_who_never_wrote_there(section):
    from membrane.spaces.services import territorial_space_ensure

    space = territorial_space_ensure(section)
    quiet, talker = UserFactory(section=section), UserFactory(section=section)
    PostFactory(thread=ThreadFactory(space=space), author=talker)

    assert silent_ids(space) == [quiet.pk]


def test_any_action_of_the_period_breaks_the_silence(group):
    writer, reactor, quiet = old_member(group), old_member(group), old_member(group)
    post = PostFactory(thread=ThreadFactory(space=group), author=writer)
    Reaction.objects.create(post=post, user=reactor)
    earlier = PostFactory(thread=ThreadFactory(space=group), author=quiet)
    Post.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - timedelta(days=90))
    start, end = last_days(30).bounds

    assert silent_member_count(space_people(group), group, start, end) == 1
