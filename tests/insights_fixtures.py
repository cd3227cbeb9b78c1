"""Fixtures shared by the insights tests (pages and API): a group whose
participation is counted by hand, and the personas around it."""

import pytest

from membrane.conversations.models import Reaction
from membrane.spaces.models import Role
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, MembershipFactory, PostFactory, ThreadFactory


@pytest.fixture
def group_with_talk(charter):
    """Five members: Alice wrote 3 messages, Bruno 1, Chloé reacted, two are silent."""
    group = GroupFactory(name="Transports du quotidien")
    alice, bruno, chloe, dan, eve = (
        UserFactory(charter_version_accepted=charter.number) for _ in range(5)
    )
    for person in (alice, bruno, chloe, dan, eve):
        MembershipFactory(space=group, user=person)
    thread = ThreadFactory(space=group, author=alice)
    first = PostFactory(thread=thread, author=alice)
    PostFactory(thread=thread, author=alice)
    PostFactory(thread=thread, author=bruno)
    PostFactory(thread=ThreadFactory(space=group, author=alice), author=alice)
    Reaction.objects.create(post=first, user=chloe)
    return group, {"alice": alice, "bruno": bruno, "chloe": chloe, "dan": dan, "eve": eve}


@pytest.fixture
def group_roles(group_with_talk, member, staff, charter):
    group, people = group_with_talk
    animator = UserFactory(charter_version_accepted=charter.number)
    MembershipFactory(space=group, user=animator, role=Role.ANIMATOR)
    return group, {
        "anonymous": None,
        "outsider": member,
        "member": people["dan"],
        "animator": animator,
        "staff": staff,
    }
