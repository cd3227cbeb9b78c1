"""Events, RSVPs, attendees, check-in and calendar addresses: the rules of
the event pages (events/permissions.py) and the same services.

Times are ISO 8601. With an offset (`2026-03-29T10:00:00+02:00`, `…Z`) they
are taken as given; without one, as local times in the event's
`time_zone`. Outputs are in UTC, with the event's zone to show them in."""

from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, field_validator

from membrane.api.common import (
    ANONYMOUS_ALLOWED,
    AnyApiRequest,
    ApiRequest,
    AuthenticatedApiRequest,
    PageFilters,
    PersonRef,
    SpaceRef,
    error_responses,
    keyset_page_by,
    optional_auth,
    person_ref,
    reject_null,
    space_ref,
    validation_error,
)
from membrane.events.forms import localize
from membrane.events.models import DEFAULT_TIME_ZONE, Event, Rsvp
from membrane.events.permissions import (
    access_event,
    can_cancel_event,
    can_check_in,
    can_create_event,
    can_edit_event,
    can_manage_event,
    can_see_attendees,
    rsvp_refusal,
    rsvp_refusal_message,
)
from membrane.events.places import is_postcode, normalise_departement
from membrane.events.selectors import (
    attendees,
    counts_of,
    events_in_order,
    first_in_order,
    my_events,
    upcoming_event_order,
    with_counts,
)
from membrane.events.services import (
    EventError,
    attendance_check,
    calendar_token_get,
    calendar_token_reset,
    check_time_zone,
    event_cancel,
    event_create,
    event_update,
    rsvp_set,
    rsvp_withdraw,
)
from membrane.spaces.permissions import access_space, can_view_space

router = Router(tags=["events"])

type RsvpStatus = Literal["going", "waiting", "interested", "not_going"]
type RsvpAnswer = Literal["going", "interested", "not_going"]


# -- Schemas ----------------------------------------------------------------


class EventOut(Schema):
    id: int
    title: str
    space: SpaceRef
    organiser: PersonRef | None
    starts_at: datetime
    ends_at: datetime
    time_zone: str = Field(description="The zone the event is held in, to show its times.")
    address: str
    postcode: str
    commune: str
    departement: str
    online_url: str
    capacity: int | None
    going_count: int
    waiting_count: int
    cancelled: bool
    my_status: RsvpStatus | None = Field(description="The caller's answer, if any.")
    url: str
    ics_url: str


class EventPage(Schema):
    items: list[EventOut]
    next: str | None


class EventDetailOut(EventOut):
    description: str
    description_html: str
    attendees_visible: bool
    interested_count: int
    cancellation_reason: str
    sequence: int
    rsvp_refusal: str | None = Field(description="Why the caller may not answer, if so.")
    can_edit: bool
    can_cancel: bool
    can_see_attendees: bool
    can_check_in: bool


class EventIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=160)
    description: str = Field("", max_length=10_000)
    starts_at: datetime
    ends_at: datetime
    time_zone: str = DEFAULT_TIME_ZONE
    address: str = Field("", max_length=200)
    postcode: str = Field("", max_length=5)
    commune: str = Field("", max_length=120)
    online_url: str = Field("", max_length=200)
    capacity: int | None = Field(None, ge=1)
    attendees_visible: bool = False


class EventPatch(Schema):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=160)
    description: str | None = Field(None, max_length=10_000)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    time_zone: str | None = None
    address: str | None = Field(None, max_length=200)
    postcode: str | None = Field(None, max_length=5)
    commune: str | None = Field(None, max_length=120)
    online_url: str | None = Field(None, max_length=200)
    capacity: int | None = Field(None, ge=1, description="null: no limit.")
    attendees_visible: bool | None = None

    _not_null = field_validator(
        "title",
        "description",
        "starts_at",
        "ends_at",
        "time_zone",
        "address",
        "postcode",
        "commune",
        "online_url",
        "attendees_visible",
    )(reject_null)


class CancelIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field("", max_length=2000)


class RsvpIn(Schema):
    model_config = ConfigDict(extra="forbid")

    status: RsvpAnswer


class RsvpOut(Schema):
    status: RsvpStatus
    waitlisted: bool = Field(description="The event was full: the caller waits for a seat.")


class AttendeeOut(Schema):
    person: PersonRef | None
    status: RsvpStatus
    answered_at: datetime
    attended: bool | None


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    present: list[int] = Field(
        max_length=5000, description="The ids of the people who came; the others are absent."
    )


class CalendarOut(Schema):
    url: str = Field(description="The secret address of the caller's calendar feed.")


class EventFilters(PageFilters):
    departement: str | None = Field(None, description="A département code: 75, 2A, 974…")
    postcode: str | None = Field(
        None, description="Events at this postcode first, then in its département, then others."
    )
    space: str | None = Field(None, description="The slug of a space.")


# -- Helpers ----------------------------------------------------------------


def event_out(request: HttpRequest, event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "title": event.title,
        "space": space_ref(event.space),
        "organiser": person_ref(request, event.organiser),
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "time_zone": event.time_zone,
        "address": event.address,
        "postcode": event.postcode,
        "commune": event.commune,
        "departement": event.departement,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "going_count": event.going_count,  # type: ignore[attr-defined]
        "waiting_count": event.waiting_count,  # type: ignore[attr-defined]
        "cancelled": event.cancelled_at is not None,
        "my_status": event.my_status,  # type: ignore[attr-defined]
        "url": request.build_absolute_uri(reverse("events:event", args=[event.pk])),
        "ics_url": request.build_absolute_uri(reverse("events:ics", args=[event.pk])),
    }


def event_detail_out(request: AnyApiRequest, event_id: int) -> dict[str, Any]:
    user = request.auth
    access_event(user, event_id)  # 404 for a forged id or an event one may not see
    event = with_counts(Event.objects.filter(pk=event_id), user).get()
    counts = counts_of(event)
    my_status = event.my_status  # type: ignore[attr-defined]
    return {
        **event_out(request, event),
        "description": event.description,
        "description_html": event.description_html,
        "attendees_visible": event.attendees_visible,
        "interested_count": counts[Rsvp.Status.INTERESTED],
        "cancellation_reason": event.cancellation_reason,
        "sequence": event.sequence,
        "rsvp_refusal": rsvp_refusal(user, event),
        "can_edit": can_edit_event(user, event),
        "can_cancel": can_cancel_event(user, event),
        "can_see_attendees": can_see_attendees(user, event, my_status=my_status or ""),
        "can_check_in": can_check_in(user, event),
    }


def _fail(error: EventError) -> Exception:
    if error.field and error.status == 400:
        return validation_error(error.field, error.message, "invalid")
    return HttpError(error.status, error.message)


def _aware(value: datetime, zone_name: str, field: str) -> datetime:
    """A time with an offset as given; without one, local to the event."""
    if value.tzinfo is not None:
        return value
    result = localize(value, ZoneInfo(zone_name))
    if result is None:
        raise validation_error(
            field,
            _("This time does not exist in this time zone: the clocks change then."),
            "invalid",
        )
    return result


def _check_zone(name: str) -> None:
    try:
        check_time_zone(name)
    except EventError as error:
        raise _fail(error) from None


# -- Events -------------------------------------------------------------------


@router.get(
    "/events",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: EventPage, **error_responses(400, 401, 404, 422)},
    summary="The upcoming events one may see",
    description="Soonest first; with `postcode`, the nearest first. Held or hidden "
    "events are not listed; cancelled ones are, marked.",
)
def event_index(request: ApiRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    departement = None
    if filters.departement:
        departement = normalise_departement(filters.departement)
        if departement is None:
            raise validation_error(
                "departement",
                _("A département code such as 75, 2A or 974."),
                "invalid",
                where=("query",),
            )
    if filters.postcode and not is_postcode(filters.postcode):
        raise validation_error(
            "postcode", _("A postcode has five digits, such as 69003."), "invalid", where=("query",)
        )
    space = access_space(filters.space) if filters.space else None
    if space is not None and not can_view_space(request.auth, space):
        raise PermissionDenied(_("Only the people of this space see its events."))
    events = upcoming_event_order(
        request.auth, space=space, departement=departement, postcode=filters.postcode or None
    )
    order = ("nearness", "starts_at", "id") if filters.postcode else ("starts_at", "id")
    keys, next_cursor = keyset_page_by(
        events,
        order=order,
        cursor=filters.cursor,
        limit=filters.limit,
        first=lambda events, count: first_in_order(events, filters.postcode or None, count),
    )
    items = events_in_order([event.pk for event in keys], request.auth)
    return {"items": [event_out(request, event) for event in items], "next": next_cursor}


@router.get(
    "/me/events",
    response={200: list[EventOut], **error_responses(401)},
    summary="My events: organised or answered, not yet over",
)
def event_mine(request: AuthenticatedApiRequest) -> list[dict[str, Any]]:
    return [event_out(request, event) for event in my_events(request.auth)[:200]]


@router.get(
    "/events/{event_id}",
    auth=optional_auth,
    openapi_extra=ANONYMOUS_ALLOWED,
    response={200: EventDetailOut, **error_responses(401, 404)},
    summary="One event",
)
def event_detail(request: ApiRequest, event_id: int) -> dict[str, Any]:
    return event_detail_out(request, event_id)


@router.post(
    "/spaces/{slug}/events",
    response={201: EventDetailOut, **error_responses(401, 403, 404, 422)},
    summary="Create an event in a space",
    description="The space's animators; in a thematic group, also its members.",
)
def event_new(
    request: AuthenticatedApiRequest, slug: str, payload: EventIn
) -> Status[dict[str, Any]]:
    space = access_space(slug)
    if not can_create_event(request.auth, space):
        raise PermissionDenied(_("Only the animators of this space can create events in it."))
    values = payload.model_dump()
    _check_zone(values["time_zone"])
    values["starts_at"] = _aware(values["starts_at"], values["time_zone"], "starts_at")
    values["ends_at"] = _aware(values["ends_at"], values["time_zone"], "ends_at")
    try:
        event = event_create(organiser=request.auth, space=space, **values)
    except EventError as error:
        raise _fail(error) from None
    return Status(201, event_detail_out(request, event.pk))


@router.patch(
    "/events/{event_id}",
    response={200: EventDetailOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Change an event",
    description="A change of time or place raises its SEQUENCE and tells the people who answered.",
)
def event_change(
    request: AuthenticatedApiRequest, event_id: int, payload: EventPatch
) -> dict[str, Any]:
    event = access_event(request.auth, event_id)
    if not can_manage_event(request.auth, event):
        raise PermissionDenied(_("Only the organisers of this event can change it."))
    changes = payload.model_dump(exclude_unset=True)
    zone = changes.get("time_zone", event.time_zone)
    _check_zone(zone)
    for name in ("starts_at", "ends_at"):
        if name in changes:
            changes[name] = _aware(changes[name], zone, name)
    try:
        event_update(by=request.auth, event=event, **changes)
    except EventError as error:
        raise _fail(error) from None
    return event_detail_out(request, event.pk)


@router.post(
    "/events/{event_id}/cancel",
    response={200: EventDetailOut, **error_responses(401, 403, 404, 409, 422)},
    summary="Cancel an event",
    description="The people who answered are told; calendars show it cancelled.",
)
def event_cancel_op(
    request: AuthenticatedApiRequest, event_id: int, payload: CancelIn
) -> dict[str, Any]:
    event = access_event(request.auth, event_id)
    if not can_manage_event(request.auth, event):
        raise PermissionDenied(_("Only the organisers can cancel this event."))
    if event.cancelled_at is not None:
        raise HttpError(409, _("This event is already cancelled."))
    if not can_cancel_event(request.auth, event):
        raise HttpError(409, _("This event is over: it can no longer be cancelled."))
    try:
        event_cancel(by=request.auth, event=event, reason=payload.reason)
    except EventError as error:
        raise _fail(error) from None
    return event_detail_out(request, event.pk)


# -- Answers --------------------------------------------------------------------


@router.put(
    "/events/{event_id}/rsvp",
    response={200: RsvpOut, **error_responses(401, 404, 409, 422)},
    summary="Answer an event (going, interested, not going)",
    description="Going to a full event puts the caller on the waiting list (`waitlisted`); "
    "they are told when a seat frees up.",
)
def rsvp_put(request: AuthenticatedApiRequest, event_id: int, payload: RsvpIn) -> dict[str, Any]:
    event = access_event(request.auth, event_id)
    refusal = rsvp_refusal(request.auth, event)
    if refusal is not None:
        raise HttpError(409, rsvp_refusal_message(refusal))
    try:
        answer = rsvp_set(user=request.auth, event=event, status=payload.status)
    except EventError as error:
        raise _fail(error) from None
    return {"status": answer.rsvp.status, "waitlisted": answer.waitlisted}


@router.delete(
    "/events/{event_id}/rsvp",
    response={204: None, **error_responses(401, 404)},
    summary="Withdraw one's answer",
)
def rsvp_delete(request: AuthenticatedApiRequest, event_id: int) -> Status[None]:
    event = access_event(request.auth, event_id)
    if not rsvp_withdraw(user=request.auth, event=event):
        raise Http404("No answer to withdraw.")
    return Status(204, None)


@router.get(
    "/events/{event_id}/attendees",
    response={200: list[AttendeeOut], **error_responses(401, 403, 404)},
    summary="Who answered: going, waiting (in line order), interested",
    description="For the organisers; for the people going, if the organiser allows it.",
)
def attendee_list(request: AuthenticatedApiRequest, event_id: int) -> list[dict[str, Any]]:
    event = access_event(request.auth, event_id)
    if not can_see_attendees(request.auth, event):
        raise PermissionDenied(_("Only the organisers see who answered this event."))
    manages = can_manage_event(request.auth, event)
    return [
        {
            "person": person_ref(request, rsvp.user),
            "status": rsvp.status,
            "answered_at": rsvp.created_at,
            "attended": rsvp.attended if manages else None,
        }
        for rsvp in attendees(event)
    ]


@router.put(
    "/events/{event_id}/attendance",
    response={200: list[AttendeeOut], **error_responses(401, 403, 404, 422)},
    summary="Record who attended (organisers, once the event started)",
    description="Each person present earns the points of an event attended, once; "
    "unmarking them later takes nothing back.",
)
def attendance_put(
    request: AuthenticatedApiRequest, event_id: int, payload: AttendanceIn
) -> list[dict[str, Any]]:
    event = access_event(request.auth, event_id)
    if not can_check_in(request.auth, event):
        raise PermissionDenied(
            _("Attendance is checked by the organisers, once the event started.")
        )
    try:
        attendance_check(by=request.auth, event=event, present=payload.present)
    except EventError as error:
        raise validation_error("present", error.message, "unknown_person") from None
    return attendee_list(request, event_id)


# -- Calendar address -----------------------------------------------------------


def _calendar_out(request: HttpRequest, token: str) -> dict[str, Any]:
    return {"url": request.build_absolute_uri(reverse("events:feed", args=[token]))}


@router.get(
    "/me/calendar",
    response={200: CalendarOut, **error_responses(401)},
    summary="The secret address of my calendar feed (iCalendar)",
)
def calendar_get(request: AuthenticatedApiRequest) -> dict[str, Any]:
    return _calendar_out(request, calendar_token_get(user=request.auth).token)


@router.post(
    "/me/calendar/reset",
    response={200: CalendarOut, **error_responses(401)},
    summary="A new address for my calendar feed; the old one stops working",
)
def calendar_reset(request: AuthenticatedApiRequest) -> dict[str, Any]:
    return _calendar_out(request, calendar_token_reset(user=request.auth).token)
