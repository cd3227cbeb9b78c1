"""Reads of notifications. What a person is shown follows what they may see
*now*: a notification about a thread or space they can no longer read (they
left the private group, the group turned private) is filtered out, never shown."""

from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

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
    # Likewise an idea or an event hidden or held: the sentences quote its title.
    idea_ok = Q(idea__isnull=True) | (
        Q(idea__box__space__in=readable)
        & (Q(idea__moderation_state=ModerationState.VISIBLE) | Q(idea__author=user))
    )
    event_ok = Q(event__isnull=True) | (
        Q(event__space__in=readable)
        & (Q(event__moderation_state=ModerationState.VISIBLE) | Q(event__organiser=user))
    )
    poll_ok = Q(poll__isnull=True) | Q(poll__space__in=readable)
    return thread_ok & post_ok & space_ok & actor_ok & idea_ok & event_ok & poll_ok


def notifications_of(user: Any) -> QuerySet[Notification]:
    """A person's notifications that they may see, newest first, with what
    the sentence and the avatar need."""
    return (
        Notification.objects.filter(recipient=user)
        .filter(visible_notifications_q(user))
        .select_related("actor", "space", "thread", "decision__appeal", "idea", "event", "poll")
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


def target_url(notification: Notification) -> str:
    """Where a notification leads: its message (which sends on to the right
    page of its thread), else its thread, else its space, else the person who
    acted (a new follower); an event, a poll, a badge (the
    person's own profile) lead to themselves; else the notification centre. A moderation
    notification leads to its decision's public page."""
    if notification.decision_id is not None:
        return reverse("moderation:decision", args=[notification.decision_id])
    if notification.idea_id is not None:
        return reverse("ideas:idea", args=[notification.idea_id])
    if notification.event_id is not None:
        return reverse("events:event", args=[notification.event_id])
    if notification.poll_id is not None:
        return reverse("polls:poll", args=[notification.poll_id])
    if notification.kind == Kind.BADGE:
        return reverse("accounts:profile", args=[notification.recipient_id])
    if notification.post_id is not None:
        return reverse("conversations:post", args=[notification.post_id])
    if notification.thread_id is not None:
        return reverse("conversations:thread", args=[notification.thread_id])
    if notification.space is not None:
        name = "spaces:group" if notification.space.is_group else "spaces:space"
        return reverse(name, args=[notification.space.slug])
    if notification.actor_id is not None:
        return reverse("accounts:profile", args=[notification.actor_id])
    return reverse("notifications:list")
