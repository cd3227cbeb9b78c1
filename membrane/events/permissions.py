"""Who may see, create, manage and answer events.

- An event is seen by whoever may read its space's content; held or hidden
  by moderation, by its organiser and the space's moderators alone.
- Creating one: the space's animators and staff; in a thematic group, also
  the members who may post there.
- Managing one (edit, cancel, attendee list, check-in): its organiser and
  the space's animators (staff included).
- Answering one: any active person who sees it, until it starts, unless it
  is cancelled or moderated.
- The attendee list: the managers; the people going, if the organiser
  allows it."""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from membrane.events.models import Event, Rsvp
from membrane.moderation.models import ModerationState
from membrane.spaces.models import Space
from membrane.spaces.permissions import (
    can_manage_space,
    can_moderate_space,
    can_post_in_space,
    can_view_space,
)


def _is_active_person(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.erased_at is None)


def can_view_event(user: Any, event: Event) -> bool:
    if not can_view_space(user, event.space):
        return False
    if event.moderation_state == ModerationState.VISIBLE:
        return True
    return _is_active_person(user) and (
        event.organiser_id == user.pk or can_moderate_space(user, event.space)
    )


def can_create_event(user: Any, space: Space) -> bool:
    if not _is_active_person(user):
        return False
    if can_manage_space(user, space):
        return True
    return space.is_group and can_post_in_space(user, space)


def can_manage_event(user: Any, event: Event) -> bool:
    """Edit, cancel, see the attendees and check attendance."""
    if not _is_active_person(user):
        return False
    return event.organiser_id == user.pk or can_manage_space(user, event.space)


def can_edit_event(user: Any, event: Event) -> bool:
    return can_manage_event(user, event) and event.cancelled_at is None


def can_cancel_event(user: Any, event: Event) -> bool:
    return can_edit_event(user, event) and event.ends_at > timezone.now()


def can_check_in(user: Any, event: Event) -> bool:
    """Mark who attended: once the event has started, if it was held."""
    return (
        can_manage_event(user, event)
        and event.cancelled_at is None
        and event.starts_at <= timezone.now()
    )


def rsvp_refusal(user: Any, event: Event) -> str | None:
    """Why the person may not answer the event (a reason code), or None."""
    if not _is_active_person(user):
        return "signed_out"
    if event.cancelled_at is not None:
        return "cancelled"
    if event.moderation_state != ModerationState.VISIBLE:
        return "moderated"
    if event.starts_at <= timezone.now():
        return "started"
    return None


def rsvp_refusal_message(code: str) -> str:
    return {
        "signed_out": _("Log in to answer this event."),
        "cancelled": _("This event is cancelled: it takes no more answers."),
        "moderated": _("This event is held or hidden by moderation: it takes no answers."),
        "started": _("This event has already started: it takes no more answers."),
    }.get(code, _("You cannot answer this event."))


def can_see_attendees(user: Any, event: Event, *, my_status: str | None = None) -> bool:
    """The managers; the people going, if the organiser allows it. Pass the
    viewer's RSVP status when it is known, to save a query."""
    if can_manage_event(user, event):
        return True
    if not event.attendees_visible or not _is_active_person(user):
        return False
    if my_status is None:
        my_status = (
            Rsvp.objects.filter(event=event, user=user).values_list("status", flat=True).first()
        )
    return my_status == Rsvp.Status.GOING


# Access: fetch and check


def access_event(user: Any, event_id: int) -> Event:
    """The event with its space and organiser, if the person may see it,
    else 404 (a forged id and an event one may not see look the same)."""
    event = get_object_or_404(
        Event.objects.select_related("space__unit__parent", "organiser"), pk=event_id
    )
    if not can_view_event(user, event):
        raise Http404("No such event.")
    return event
