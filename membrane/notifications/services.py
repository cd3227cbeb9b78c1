"""Notifications: in-app rows, and an email at once where the person wants it.

Callers call `notify` after their transaction commits (transaction.on_commit)
and should pass only recipients who may see what it is about; `notify` checks
again, so that a private thread never reaches someone outside it."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from membrane.core.instance import get_instance_settings
from membrane.core.mail import email_queue_from_templates
from membrane.notifications.models import DEFAULT_CHANNELS, Channel, Kind, Notification, Preference
from membrane.notifications.selectors import target_url, visible_notifications_q
from membrane.spaces.permissions import can_view_space


def channels_for(*, users: list[Any], kind: str) -> dict[int, str]:
    """Each person's channel for this kind: their choice, else the default."""
    chosen = dict(
        Preference.objects.filter(user__in=users, kind=kind).values_list("user_id", "channel")
    )
    default = DEFAULT_CHANNELS[Kind(kind)]
    return {user.pk: chosen.get(user.pk, default) for user in users}


def notify(
    *,
    recipients: Iterable[Any],
    kind: str,
    actor: Any = None,
    space: Any = None,
    thread: Any = None,
    post: Any = None,
    decision: Any = None,
    idea: Any = None,
    poll: Any = None,
    event: Any = None,
    badge: str = "",
) -> list[Notification]:
    """Notify each recipient (never the actor themselves, never twice), as
    their preferences say. Returns the notifications created."""
    seen: set[int] = set()
    people = []
    for person in recipients:
        if person is None or person.pk in seen or (actor is not None and person.pk == actor.pk):
            continue
        if not person.is_active or person.erased_at is not None:
            continue
        if not _may_see(
            person, kind=kind, space=space or _space_of(idea, poll, event), thread=thread
        ):
            continue
        seen.add(person.pk)
        people.append(person)
    if not people:
        return []
    channels = channels_for(users=people, kind=kind)
    wanted = [person for person in people if channels[person.pk] != Channel.OFF]
    with transaction.atomic():
        created = Notification.objects.bulk_create(
            Notification(
                recipient=person,
                kind=kind,
                actor=actor,
                space=space,
                thread=thread,
                post=post,
                decision=decision,
                idea=idea,
                poll=poll,
                event=event,
                badge=badge,
            )
            for person in wanted
        )
        by_email = [n for n in created if channels[n.recipient_id] == Channel.EMAIL]
        for notification in by_email:
            _email_notification(notification)
        if by_email:
            Notification.objects.filter(pk__in=[n.pk for n in by_email]).update(
                emailed_at=timezone.now()
            )
    return created


def _space_of(idea: Any, poll: Any, event: Any) -> Any:
    if idea is not None:
        return idea.box.space
    if poll is not None:
        return poll.space
    return event.space if event is not None else None


def _may_see(person: Any, *, kind: str, space: Any, thread: Any) -> bool:
    """The same rule as selectors.visible_notifications_q, for one person."""
    if thread is not None:
        return can_view_space(person, thread.space)
    if space is not None and kind != Kind.INVITATION:
        return can_view_space(person, space)
    return True


def _email_notification(notification: Notification) -> None:
    recipient = notification.recipient
    email_queue_from_templates(
        to=recipient.email,
        template_prefix="notifications/email/notification",
        context={
            "notification": notification,
            "recipient": recipient,
            "instance_name": get_instance_settings().name,
            "site_url": settings.SITE_URL,
            "target_url": target_url(notification),
        },
        language=recipient.language,
        purpose=f"notification:{notification.kind}",
    )


def notifications_mark_read(*, user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark some (or all) of a person's notifications read; returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def notifications_mark_hidden_read(*, user: Any) -> int:
    """Mark read the unread notifications the person may no longer see (they
    left the private group since), so that the header's count, which does not
    check visibility, matches the notification centre. Returns how many."""
    hidden = Notification.objects.filter(recipient=user, read_at=None).exclude(
        visible_notifications_q(user)
    )
    return Notification.objects.filter(pk__in=hidden.values("pk")).update(read_at=timezone.now())


def preference_set(*, user: Any, kind: str, channel: str) -> Preference:
    preference, _created = Preference.objects.update_or_create(
        user=user, kind=kind, defaults={"channel": channel}
    )
    return preference


def preferences_save(*, user: Any, channels: dict[str, str]) -> None:
    """Save a person's channel for each kind given (all at once or none)."""
    unknown = set(channels) - set(Kind.values)
    if unknown:
        raise ValueError(f"Not notification kinds: {sorted(unknown)}")
    with transaction.atomic():
        for kind, channel in channels.items():
            preference_set(user=user, kind=kind, channel=Channel(channel))
