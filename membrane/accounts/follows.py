"""Follows and contacts: a person follows another; two people who follow
each other are contacts (*coopains*). The rule, the writes and the reads of
follows, and what a profile shows of a person's life on the platform."""

from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from membrane.accounts.models import Follow, User
from membrane.accounts.permissions import can_view_profile
from membrane.conversations.models import Post
from membrane.conversations.selectors import readable_posts
from membrane.notifications.models import Kind, Notification
from membrane.notifications.services import notify
from membrane.spaces.models import Membership, Space
from membrane.spaces.selectors import readable_spaces_q

RECENT_CONTRIBUTIONS = 10


class FollowError(ValueError):
    """A follow the rules refuse; the message says why."""


# Rule -------------------------------------------------------------------------


def can_follow(user: Any, person: User) -> bool:
    """An active signed-in person may follow anyone else whose profile they
    may see (hidden profiles cannot be followed: they do not show they exist)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.erased_at is None
        and user.pk != person.pk
        and person.is_active
        and person.erased_at is None
        and can_view_profile(user, person)
    )


# Writes -----------------------------------------------------------------------


def follow(*, follower: Any, followed: User) -> Follow:
    """Follow a person. Following again changes nothing (no second
    notification). The person followed is told once the change commits,
    unless an unread notice of this very follow is still waiting."""
    if follower.pk == followed.pk:
        raise FollowError(_("You cannot follow yourself."))
    if not can_follow(follower, followed):
        raise FollowError(_("You cannot follow this person."))
    with transaction.atomic():
        relation, created = Follow.objects.get_or_create(follower=follower, followed=followed)
    if created:
        transaction.on_commit(lambda: _notify_new_follower(follower=follower, followed=followed))
    return relation


def _notify_new_follower(*, follower: Any, followed: User) -> None:
    # Follow, unfollow, follow again: one notice, not three.
    waiting = Notification.objects.filter(
        recipient=followed, actor=follower, kind=Kind.NEW_FOLLOWER, read_at=None
    ).exists()
    if not waiting:
        notify(recipients=[followed], kind=Kind.NEW_FOLLOWER, actor=follower)


def unfollow(*, follower: Any, followed: User) -> bool:
    """Stop following a person. Returns True if they were followed."""
    deleted, _by_model = Follow.objects.filter(follower=follower, followed=followed).delete()
    return bool(deleted)


# Reads ------------------------------------------------------------------------


def follow_counts(person: User) -> dict[str, int]:
    """How many active people follow the person, whom they follow, and how
    many of those follow them back (contacts), in one query."""
    follows_back = Exists(Follow.objects.filter(follower=OuterRef("followed"), followed=person))
    as_follower = Q(follower=person, followed__is_active=True)
    return Follow.objects.filter(Q(followed=person) | Q(follower=person)).aggregate(
        followers=Count("pk", filter=Q(followed=person, follower__is_active=True)),
        following=Count("pk", filter=as_follower),
        contacts=Count("pk", filter=as_follower & Q(follows_back)),
    )


def is_following(*, follower: Any, followed: User) -> bool:
    if not follower.is_authenticated:
        return False
    return Follow.objects.filter(follower=follower, followed=followed).exists()


def contacts_of(person: User) -> QuerySet[User]:
    """The person's contacts: the active people they follow and who follow
    them back, by name. Filter with selectors.people_visible_to for a viewer."""
    return User.objects.filter(
        followers__follower=person,
        following__followed=person,
        is_active=True,
        erased_at=None,
    ).order_by("last_name", "first_name", "pk")


# What a profile shows -----------------------------------------------------------


def groups_of(*, person: User, viewer: Any) -> QuerySet[Membership]:
    """The person's groups that the viewer may see: public groups, and
    private ones the viewer belongs to. Animated groups first."""
    return (
        Membership.objects.filter(
            user=person,
            space__kind=Space.Kind.GROUP,
            space__in=Space.objects.filter(readable_spaces_q(viewer)).values("pk"),
        )
        .select_related("space")
        .order_by("-role", "space__name")
    )


def recent_contributions(
    *, person: User, viewer: Any, limit: int = RECENT_CONTRIBUTIONS
) -> QuerySet[Post]:
    """The person's latest live posts in spaces the viewer may read, each
    with its thread and space."""
    return (
        readable_posts(viewer)
        .filter(author=person)
        .select_related("thread__space")
        .order_by("-created_at", "-pk")[:limit]
    )
