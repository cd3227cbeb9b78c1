"""The home feed read space by space and followed person by person (on
PostgreSQL, conversations/feed.py `_candidate_ids`) gives exactly the pages
of the former query, which walked the whole platform's newest posts: same
items, same order, over the whole cursor walk. And `Post.space` /
`Post.is_reply` are written as the feed expects them."""

import random
from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from membrane.accounts.models import Follow, ProfileVisibility
from membrane.accounts.selectors import people_visible_to
from membrane.conversations import feed
from membrane.conversations.models import Post
from membrane.conversations.selectors import readable_posts, readable_threads
from membrane.conversations.services import post_create, thread_create
from membrane.moderation.models import ModerationState, SpacePolicy
from membrane.spaces.models import Membership, Space
from membrane.spaces.services import territorial_space_ensure
from tests.factories import UserFactory
from tests.spaces_factories import GroupFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def old_feed_items(*, viewer: Any, cursor: str | None, limit: int) -> tuple[list[Any], Any]:
    """The feed as it was before Post.space and Post.is_reply: the oracle."""
    position = feed.decode_cursor(cursor) if cursor else None
    mine = feed._member_spaces(viewer)
    followed = Follow.objects.filter(follower=viewer).values("followed_id")
    threads = readable_threads(viewer).filter(Q(space__in=mine) | Q(author__in=followed))
    posts = readable_posts(viewer).filter(Q(thread__space__in=mine) | Q(author__in=followed))
    earlier = Post.objects.filter(thread_id=OuterRef("thread_id"), pk__lt=OuterRef("pk"))
    replies = posts.exclude(author=viewer).filter(Exists(earlier))
    sources = [
        (feed.THREAD, threads.exclude(author=viewer), "created_at"),
        (feed.POST, replies, "created_at"),
        (feed.MEMBER, old_new_members(viewer), "joined_at"),
    ]
    items = []
    for kind, queryset, time_field in sources:
        newest = feed._after(queryset, kind=kind, time_field=time_field, position=position)
        page = newest.order_by(f"-{time_field}", "-pk")[: limit + 1]
        items.extend(feed.FeedItem(kind, getattr(obj, time_field), obj.pk, obj) for obj in page)
    items.sort(key=lambda item: item.key, reverse=True)
    if len(items) > limit:
        items = items[:limit]
        return items, items[-1].cursor
    return items, None


def old_new_members(viewer: Any) -> Any:
    """People joining the viewer's groups, read from all their memberships."""
    my_groups = Membership.objects.filter(user=viewer).values("space_id")
    visible_people = people_visible_to(viewer).values("pk")
    return (
        Membership.objects.filter(space__in=my_groups, user__in=visible_people)
        .exclude(user=viewer)
        .select_related("user", "space")
    )


def walk(items_of: Any, viewer: Any, limit: int) -> list[list[tuple[str, int]]]:
    pages, cursor = [], None
    while True:
        items, cursor = items_of(viewer=viewer, cursor=cursor, limit=limit)
        pages.append([(item.kind, item.id) for item in items])
        if cursor is None:
            return pages


@pytest.fixture
def varied_world(supporter, member, section, federation, other_section, staff):
    """Several spaces (one private group the supporter is not in), a followed
    person, hidden, held and deleted posts and threads, the supporter's own,
    opening posts, authors gone, and many equal timestamps."""
    rng = random.Random(8)
    Follow.objects.create(follower=supporter, followed=member)
    my_group = GroupFactory(name="Mon groupe")
    my_private_group = GroupFactory(name="Mon cercle", visibility=Space.Visibility.PRIVATE)
    closed_group = GroupFactory(name="Cercle fermé", visibility=Space.Visibility.PRIVATE)
    public_group = GroupFactory(name="Groupe ouvert")
    for group in (my_group, my_private_group):
        Membership.objects.create(space=group, user=supporter)
    Membership.objects.create(space=closed_group, user=member)
    spaces = [
        territorial_space_ensure(section),
        territorial_space_ensure(federation),
        territorial_space_ensure(federation.parent),
        territorial_space_ensure(other_section),
        my_group,
        my_private_group,
        closed_group,
        public_group,
    ]
    people = [member, supporter, UserFactory(), UserFactory(), None]
    base = timezone.now() - timedelta(days=3)
    # Few distinct times: ties within and across kinds and spaces.
    times = [base + timedelta(minutes=rng.randrange(40)) for _ in range(400)]
    states = [ModerationState.VISIBLE] * 6 + [ModerationState.HIDDEN, ModerationState.HELD]
    dated: list[tuple[Any, Any]] = []  # created_at is set on save: redated after
    for number in range(45):
        author = rng.choice(people)
        thread = ThreadFactory(
            space=spaces[number % len(spaces)], author=author, moderation_state=rng.choice(states)
        )
        dated.append((thread, times[number]))
        for position in range(rng.randrange(1, 9)):
            post = PostFactory(
                thread=thread,
                author=author if position == 0 else rng.choice(people),
                moderation_state=rng.choice(states),
                deleted_at=base if rng.random() < 0.1 else None,
            )
            dated.append((post, rng.choice(times)))
    # A space whose newest replies are all unreadable to the supporter: a
    # per-space LIMIT counting them would hide the older readable ones.
    thread = ThreadFactory(space=my_group, author=member)
    older = PostFactory.create_batch(4, thread=thread, author=member)[1:]
    late = base + timedelta(hours=5)
    dated += [(thread, base), *((post, late - timedelta(minutes=1)) for post in older)]
    for extra in (
        {"moderation_state": ModerationState.HIDDEN},
        {"moderation_state": ModerationState.HELD},
        {"deleted_at": late},
        {"author": supporter},
    ):
        fields = {"author": member, **extra}
        dated += [(post, late) for post in PostFactory.create_batch(6, thread=thread, **fields)]
    # People joining the groups, some whose profile the viewer may not see,
    # gone or erased, with equal times; the newest ones hidden from most.
    for number in range(30):
        person = UserFactory(
            profile_visibility=rng.choice(list(ProfileVisibility)),
            is_active=rng.random() > 0.1,
            erased_at=base if rng.random() < 0.1 else None,
        )
        group = (my_group, my_private_group, closed_group)[number % 3]
        joined = Membership.objects.create(space=group, user=person)
        dated.append((joined, rng.choice(times)))
    # Newer than the "older" replies, and newest of their group but for
    # people the supporter may not see: a per-group LIMIT counting those
    # would hide them.
    newcomers = []
    for _ in range(2):
        joined = Membership.objects.create(space=my_group, user=UserFactory())
        newcomers.append(joined)
        dated.append((joined, late - timedelta(seconds=30)))
    for _ in range(5):
        hidden = UserFactory(profile_visibility=ProfileVisibility.STAFF)
        dated.append((Membership.objects.create(space=my_group, user=hidden), late))
    for obj, at in dated:
        time_field = "joined_at" if isinstance(obj, Membership) else "created_at"
        type(obj).objects.filter(pk=obj.pk).update(**{time_field: at})
    return {
        "supporter": supporter,
        "member": member,
        "staff": staff,
        "older": older,
        "newcomers": newcomers,
    }


@pytest.mark.parametrize("limit", [1, 3, 7, 20])
def test_the_feed_pages_are_those_of_the_former_query_over_the_whole_walk(varied_world, limit):
    for who in ("supporter", "member", "staff"):
        viewer = varied_world[who]
        expected = walk(old_feed_items, viewer, limit)

        assert walk(feed.feed_items, viewer, limit) == expected, who
    # Newer than all but unreadable posts and memberships of their space: on
    # the first page.
    first_page = walk(feed.feed_items, varied_world["supporter"], 5)[0]
    assert first_page == [
        *(("member", joined.pk) for joined in reversed(varied_world["newcomers"])),
        *(("post", post.pk) for post in reversed(varied_world["older"])),
    ]


def test_a_post_records_its_threads_space_and_whether_it_is_a_reply(member, section):
    space = territorial_space_ensure(section)
    SpacePolicy.objects.update_or_create(space=space, defaults={"posts_per_hour": 0})
    thread = thread_create(author=member, space=space, title="Fil", body="Début")
    reply = post_create(author=member, thread=thread, body="Suite")

    opening = Post.objects.get(thread=thread, is_reply=False)
    assert opening.pk != reply.pk
    assert (opening.space_id, reply.space_id) == (space.pk, space.pk)
    assert Post.objects.get(pk=reply.pk).is_reply
