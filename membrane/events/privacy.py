"""A person's events, RSVPs (with the attendance checked) and calendar
address in their export; on deletion, RSVPs and the calendar address go,
organised events stay (organiser emptied) or go."""

from typing import Any

from membrane.events.models import CalendarToken, Event, Rsvp


def export_personal_data(user: Any) -> dict[str, Any]:
    return {
        "organised": [
            {
                "id": e.pk,
                "title": e.title,
                "starts_at": e.starts_at.isoformat(),
                "cancelled": e.cancelled_at is not None,
            }
            for e in Event.objects.filter(organiser=user).order_by("starts_at")
        ],
        "rsvps": [
            {
                "event": r.event_id,
                "status": r.status,
                "answered_at": r.created_at.isoformat(),
                "attended": r.attended,
                "attendance_checked_at": r.checked_at.isoformat() if r.checked_at else None,
            }
            for r in Rsvp.objects.filter(user=user).order_by("created_at")
        ],
        # The address itself is a secret: the export says only that it exists.
        "calendar_feed": CalendarToken.objects.filter(user=user).exists(),
    }


def erase_personal_data(user: Any, *, keep_contributions: bool) -> None:
    CalendarToken.objects.filter(user=user).delete()
    Rsvp.objects.filter(user=user).delete()
    if not keep_contributions:
        Event.objects.filter(organiser=user).delete()
