"""The conversations part of the demo (issue 3): ~40 groups, hundreds of threads
and posts in French, heavy-tailed as in real communities, consistent with what
the services would have written, and loaded once only.

The demo is loaded once for the module (inside a transaction rolled back at
the end); each test runs in its own savepoint, so tests that change the data
(re-runs) leave nothing behind."""

import math
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.test import override_settings
from django.utils import timezone

from membrane.accounts.models import Follow, User
from membrane.conversations.models import (
    Mention,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    Thread,
)
from membrane.conversations.selectors import unread_thread_count
from membrane.conversations.services import render_post_body
from membrane.core.demo_conversations import GROUPS
from membrane.core.markdown import mentions_in
from membrane.core.text import normalize_for_search
from membrane.moderation.models import ModerationState
from membrane.notifications.models import Kind, Notification
from membrane.spaces.models import Invitation, JoinRequest, Membership, Role, Space
from membrane.spaces.permissions import space_role

pytestmark = pytest.mark.django_db

DOMAIN = "demo.membrane.localhost"
CONVERSATION_MODELS = [
    Space,
    Membership,
    JoinRequest,
    Invitation,
    Thread,
    Post,
    PostRevision,
    Reaction,
    Mention,
    ReadState,
    Follow,
    Notification,
]


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module and rolled back after it."""
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        output = load_demo()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def persona(local: str) -> User:
    return User.objects.get(email=f"{local}@{DOMAIN}")


def largest_group() -> Space:
    return Space.objects.groups().annotate(n=Count("memberships")).order_by("-n").first()


def test_about_40_groups_with_hundreds_of_threads_and_posts(demo):
    groups = Space.objects.groups()

    assert 35 <= groups.count() <= 45
    assert Thread.objects.count() >= 150
    assert Post.objects.count() >= 800
    assert Thread.objects.filter(space__kind=Space.Kind.GROUP).count() >= 100
    for kind in (Space.Kind.SECTION, Space.Kind.FEDERATION, Space.Kind.NATIONAL):
        assert Thread.objects.filter(space__kind=kind).exists(), kind
    assert Reaction.objects.count() >= 500
    assert Mention.objects.exists()
    assert Post.objects.exclude(quoted=None).exists()
    assert "Conversations loaded" in demo
    assert "Pour le droit de vote des étrangers résidents aux élections locales" in set(
        groups.values_list("name", flat=True)
    )


def test_groups_mix_visibility_and_joining_modes(demo):
    groups = Space.objects.groups()
    total = groups.count()
    private = groups.filter(visibility=Space.Visibility.PRIVATE).count()

    assert 0.1 <= private / total <= 0.3
    joining = Counter(groups.values_list("joining", flat=True))
    assert joining[Space.Joining.OPEN] > total / 2
    assert joining[Space.Joining.REQUEST] >= 3
    assert joining[Space.Joining.INVITATION] >= 1
    assert not groups.filter(search_key="").exists()
    for group in groups:
        assert group.search_key == normalize_for_search(f"{group.name} {group.description}")
        assert group.description


def test_every_group_has_its_creator_as_animator_and_some_have_moderators(demo):
    for group in Space.objects.groups():
        assert group.created_by is not None
        assert group.created_by.email.endswith(f"@{DOMAIN}")
        assert Membership.objects.filter(
            space=group, user=group.created_by, role=Role.ANIMATOR
        ).exists(), group
    assert Membership.objects.filter(role=Role.MODERATOR).count() >= 10


def test_group_sizes_are_heavy_tailed(demo):
    sizes = sorted(
        Space.objects.groups().annotate(n=Count("memberships")).values_list("n", flat=True),
        reverse=True,
    )

    assert sum(size >= 100 for size in sizes) >= 2
    assert sum(5 <= size <= 20 for size in sizes) >= len(sizes) / 2
    assert min(sizes) >= 5
    assert sizes[0] >= 10 * sizes[-1]


def test_a_few_people_write_most_posts_of_the_largest_group(demo):
    group = largest_group()
    members = Membership.objects.filter(space=group).count()
    by_author = Counter(Post.objects.filter(thread__space=group).values_list("author", flat=True))
    posts = sum(by_author.values())
    ranked = [count for _author, count in by_author.most_common()]

    # As in La Coopol (2 of 2,357 members wrote 215 of 337 posts).
    top = max(1, math.ceil(0.02 * len(by_author)))
    assert sum(ranked[:top]) / posts > 0.4
    assert sum(ranked[: max(1, math.ceil(0.02 * members))]) / posts > 0.4
    assert 0.5 <= sum(ranked[:2]) / posts <= 0.8
    assert len(by_author) < members / 2  # more than half never post
    assert posts >= 100


def test_many_people_never_post_anywhere(demo):
    people = User.objects.filter(email__endswith=f"@{DOMAIN}").count()
    by_author = Counter(Post.objects.values_list("author", flat=True))
    top_ten = sum(count for _author, count in by_author.most_common(10))

    assert len(by_author) < 0.7 * people
    assert top_ten / sum(by_author.values()) > 0.3


def test_thread_counters_and_dates_match_their_posts(demo):
    now = timezone.now()
    # A message held for review neither counts nor moves its thread until a
    # moderator approves it.
    published = ~Q(posts__moderation_state=ModerationState.HELD)
    threads = Thread.objects.annotate(
        n=Count("posts", filter=published),
        first=Min("posts__created_at"),
        last=Max("posts__created_at", filter=published),
    )
    for thread in threads:
        assert thread.post_count == thread.n, thread
        assert thread.created_at == thread.first, thread
        assert thread.last_activity_at == thread.last, thread
        assert thread.search_key == normalize_for_search(thread.title)
    assert not Post.objects.filter(created_at__gt=now).exists()
    assert not Post.objects.filter(created_at__lt=now - timedelta(days=190)).exists()
    assert not Post.objects.filter(created_at__lt=F("author__date_joined")).exists()
    span = Post.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert span["last"] - span["first"] >= timedelta(days=150)
    assert Post.objects.filter(created_at__gte=now - timedelta(days=30)).count() >= 50


def test_posts_are_rendered_and_normalised_as_the_services_do(demo):
    people = {u.handle: u for u in User.objects.exclude(handle=None)}

    assert not Post.objects.filter(body_html__icontains="<script").exists()
    assert not PostRevision.objects.filter(body_html__icontains="<script").exists()
    assert not Post.objects.filter(deleted_at=None, body_html="").exists()
    for post in Post.objects.filter(deleted_at=None).order_by("pk")[::7]:
        mentioned = {h: people[h] for h in mentions_in(post.body) if h in people}
        assert post.body_html == render_post_body(post.body, mentioned), post.pk
        assert post.search_key == normalize_for_search(post.body)
    assert Post.objects.filter(body_html__contains="<strong>").exists()
    assert Post.objects.filter(body_html__contains="<li>").exists()
    assert Post.objects.filter(body_html__contains="<blockquote>").exists()
    assert Post.objects.filter(body_html__contains='href="https://').exists()
    assert Post.objects.filter(body_html__contains='class="mention"').exists()


def test_mentions_are_the_handles_written(demo):
    expected = set()
    for pk, body in Post.objects.filter(deleted_at=None).values_list("pk", "body"):
        for handle in mentions_in(body):
            expected.add((pk, handle))
    assert expected
    assert set(Mention.objects.values_list("post_id", "user__handle")) == expected


def test_edits_keep_their_history_and_deletions_leave_a_blank_mark(demo):
    edited = Post.objects.exclude(edited_at=None)
    deleted = Post.objects.exclude(deleted_at=None)

    assert 5 <= edited.count() <= Post.objects.count() * 0.1
    assert set(PostRevision.objects.values_list("post", flat=True)) == set(
        edited.values_list("pk", flat=True)
    )
    for post in edited.prefetch_related("revisions"):
        revision = post.revisions.get()
        assert revision.body != post.body
        assert revision.written_at == post.created_at < post.edited_at
    assert 3 <= deleted.count() <= Post.objects.count() * 0.05
    assert not deleted.exclude(body="", body_html="", search_key="").exists()
    assert not Reaction.objects.filter(post__in=deleted).exists()
    assert not Mention.objects.filter(post__in=deleted).exists()
    assert not deleted.filter(created_at__gt=F("deleted_at")).exists()


def test_a_few_threads_are_pinned_and_one_or_two_locked(demo):
    assert 3 <= Thread.objects.filter(pinned=True).count() <= 15
    assert 1 <= Thread.objects.filter(locked=True).count() <= 2


def test_reactions_are_never_on_ones_own_post_and_come_after_it(demo):
    assert not Reaction.objects.filter(user=F("post__author")).exists()
    assert not Reaction.objects.filter(created_at__lt=F("post__created_at")).exists()
    assert not Reaction.objects.filter(created_at__gt=timezone.now()).exists()
    per_post = Counter(Reaction.objects.values_list("post", flat=True))
    assert max(per_post.values()) >= 5  # some posts are much liked, most not at all


def test_people_write_only_where_they_belong(demo):
    joined = {
        (m.space_id, m.user_id): m.joined_at
        for m in Membership.objects.filter(space__kind=Space.Kind.GROUP)
    }
    group_posts = Post.objects.filter(thread__space__kind=Space.Kind.GROUP)
    for space_id, author_id, at in group_posts.values_list("thread__space", "author", "created_at"):
        assert joined[(space_id, author_id)] <= at
    group_reactions = Reaction.objects.filter(post__thread__space__kind=Space.Kind.GROUP)
    for space_id, user_id, at in group_reactions.values_list(
        "post__thread__space", "user", "created_at"
    ):
        assert joined[(space_id, user_id)] <= at
    territorial = Post.objects.exclude(thread__space__kind=Space.Kind.GROUP).select_related(
        "author__section", "thread__space__unit"
    )
    for post in territorial:
        assert space_role(post.author, post.thread.space) is not None, post.pk


def test_follows_a_few_hundred_with_mutual_contacts(demo):
    follows = set(Follow.objects.values_list("follower", "followed"))
    mutual = {(a, b) for a, b in follows if a < b and (b, a) in follows}

    assert 200 <= len(follows) <= 2000
    assert len(mutual) >= 30
    assert not any(a == b for a, b in follows)


def test_read_markers_leave_recent_threads_unread_for_the_demo_logins(demo):
    assert ReadState.objects.count() >= 200
    adherent = persona("adherent")
    assert ReadState.objects.filter(user=adherent).exists()
    assert unread_thread_count(adherent) >= 1


def test_the_demo_logins_belong_to_a_few_groups(demo):
    for local in ("staff", "animatrice", "adherent", "sympathisant", "a-verifier"):
        count = Membership.objects.filter(user=persona(local)).count()
        assert 2 <= count <= 6, local


def test_the_animatrice_animates_a_group_with_a_request_to_decide(demo):
    animatrice = persona("animatrice")
    animated = Space.objects.groups().filter(
        memberships__user=animatrice, memberships__role=Role.ANIMATOR
    )

    assert animated.count() == 1
    group = animated.get()
    assert group.joining == Space.Joining.REQUEST
    pending = JoinRequest.objects.filter(space=group, status=JoinRequest.Status.PENDING)
    assert pending.filter(user=persona("a-verifier")).exists()
    assert Notification.objects.filter(
        recipient=animatrice, kind=Kind.JOIN_REQUEST, space=group, read_at=None
    ).exists()


def test_the_demo_logins_find_unread_notifications_about_real_posts(demo):
    for local in ("adherent", "animatrice"):
        person = persona(local)
        unread = Notification.objects.filter(recipient=person, read_at=None)
        assert unread.filter(kind__in=[Kind.MENTION, Kind.REPLY]).count() >= 2, local
        assert unread.filter(kind=Kind.MENTION).exists(), local
        for notification in Notification.objects.filter(recipient=person).exclude(post=None):
            post = notification.post
            assert post.author_id == notification.actor_id != person.pk
            assert notification.created_at == post.created_at
            if notification.kind == Kind.MENTION:
                assert f"@{person.handle}" in post.body
    assert Notification.objects.filter(
        recipient=persona("sympathisant"), kind=Kind.INVITATION, read_at=None
    ).exists()
    # Only the demo logins have notifications: none is sent for the demo data.
    assert (
        Notification.objects.exclude(
            recipient__email__in=[
                f"{p}@{DOMAIN}" for p in ("animatrice", "adherent", "sympathisant")
            ]
        ).count()
        == 0
    )


def test_a_second_run_creates_nothing(demo):
    before = {model: model.objects.count() for model in CONVERSATION_MODELS}

    output = load_demo()

    assert "already loaded" in output
    assert {model: model.objects.count() for model in CONVERSATION_MODELS} == before


def test_people_loaded_before_the_conversations_get_them_on_the_next_run(demo):
    # Comments on ideas come with the ideas, which are not loaded again.
    Thread.objects.filter(idea__isnull=False).delete()
    counts = {model: model.objects.count() for model in CONVERSATION_MODELS}
    Space.objects.groups().delete()
    for model in (Thread, Follow, Notification):
        model.objects.all().delete()
    people = User.objects.count()

    output = load_demo()

    assert "adding the groups and conversations" in output
    assert User.objects.count() == people
    assert Space.objects.groups().count() == len(GROUPS)
    # The same demo again (dates are relative to the run: a post planned a
    # few seconds from "now" may fall on the other side of it).
    for model, count in counts.items():
        assert abs(model.objects.count() - count) <= count * 0.02, model
