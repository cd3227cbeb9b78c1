"""Reads of notifications. What a person is shown follows what they may see
*now*: a notification about a thread or space they can no longer read (they
left the private group, the group turned private) is filtered out, never shown."""

from typing import Any

from django.db.models import Q, QuerySet

from membrane.accounts.selectors import people_visible_to
from membrane.moderation.models import ModerationState
from membrane.notifications.models import DEFAULT_CHANNELS, Kind, Notification, Preference
from membrane.spaces.models import Space
from membrane.spaces.selectors import readable_spaces_q


def visible_notifications_q(user: Any) -> Q:
    """A filter on Notification: those whose subject `user` may still see.

    - about a thread: its space must be readable;
    - about a space only: readable, except invitations (a private group's
      name is public, so that people can be invited to it and ask to join);
    - about a new follower: their profile must be visible to the person."""
    readable = Space.objects.filter(readable_spaces_q(user)).values("pk")
    thread_ok = Q(thread__isnull=True) | Q(thread__space__in=readable)
    space_ok = (
        Q(space__isnull=True) | Q(space__in=readable) | Q(kind=Kind.INVITATION, thread__isnull=True)
    )
    actor_ok = ~Q(kind=Kind.NEW_FOLLOWER) | Q(actor__in=people_visible_to(user).values("pk"))
    # A thread or message hidden or held by moderation takes its notifications
    # with it (their sentences quote the thread's title), except for its author.
    thread_ok &= (
        Q(thread__isnull=True)
        | Q(thread__moderation_state=ModerationState.VISIBLE)
        | Q(thread__author=user)
    )
    post_ok = (
        Q(post__isnull=True)
        | Q(post__moderation_state=ModerationState.VISIBLE)
        | Q(post__author=user)
    )
    idea_ok = Q(idea__isnull=True) | Q(idea__box__space__in=readable)
    return thread_ok & post_ok & space_ok & actor_ok & idea_ok


def notifications_of(user: Any) -> QuerySet[Notification]:
    """A person's notifications that they may see, newest first, with what
    the sentence and the avatar need."""
    return (
        Notification.objects.filter(recipient=user)
        .filter(visible_notifications_q(user))
        .select_related("actor", "space", "thread", "decision__appeal", "idea")
        .order_by("-created_at", "-pk")
    )


def unread_count(user: Any) -> int:
    """Unread notifications, in one COUNT query (for the header's badge).
    Notifications that became hidden are marked read when the person opens
    their notification centre (services.notifications_mark_hidden_read)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()


def channels_of(user: Any) -> dict[str, str]:
    """The person's channel for every kind: their choice, else the default."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind.value: chosen.get(kind.value, DEFAULT_CHANNELS[kind].value) for kind in Kind}
