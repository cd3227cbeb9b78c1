"""iCalendar (RFC 5545) with the `icalendar` library: one event, a space's
feed, a person's feed. Times go out with their TZID (and the VTIMEZONE it
needs), so that a calendar shows 10:00 in Paris on both sides of a change
of clocks; UIDs are stable (`event-<pk>@<host>`) and SEQUENCE rises with
each change of time or place, so calendar apps update rather than
duplicate; a cancelled event is STATUS:CANCELLED."""

from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from membrane.events.models import Event

PRODID = "-//Membrane//Events//FR"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "membrane.invalid"


def uid_of(event: Event) -> str:
    return f"event-{event.pk}@{_host()}"


def location_of(event: Event) -> str:
    place = ", ".join(
        part for part in (event.address, f"{event.postcode} {event.commune}".strip()) if part
    )
    return place or event.online_url


def _vevent(event: Event) -> VEvent:
    zone = ZoneInfo(event.time_zone)
    vevent = VEvent()
    vevent.add("uid", uid_of(event))
    vevent.add("dtstamp", event.updated_at or timezone.now())
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", event.title)
    if event.description:
        vevent.add("description", event.description)
    location = location_of(event)
    if location:
        vevent.add("location", location)
    vevent.add("url", settings.SITE_URL + reverse("events:event", args=[event.pk]))
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    if event.created_at:
        vevent.add("created", event.created_at)
    return vevent


def calendar_of(events: Iterable[Event], *, name: str = "") -> bytes:
    """A VCALENDAR of these events (with the VTIMEZONEs their TZIDs need)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_vevent(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()
