"""Writes of events: creating, changing and cancelling an event, answering
it (with a capacity and a waiting list), checking attendance, and the
secret address of a person's calendar.

Each takes `now` so that delays can be tested with a controlled clock.
Notifications and the reminder's task go out after commit."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import available_timezones

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from membrane.core.markdown import render_markdown
from membrane.events.models import MAX_DURATION, CalendarToken, Event, Rsvp
from membrane.events.places import departement_of, is_postcode
from membrane.spaces.models import Space

REMINDER_BEFORE = timedelta(hours=24)
# The statuses told of a change or a cancellation.
CONCERNED = (Rsvp.Status.GOING, Rsvp.Status.WAITING, Rsvp.Status.INTERESTED)
# The answers that hold a place: a seat, or a place in line.
HOLDING = (Rsvp.Status.GOING, Rsvp.Status.WAITING)
# What a change of which raises the iCalendar SEQUENCE and tells the people.
TIME_FIELDS = ("starts_at", "ends_at", "time_zone")
PLACE_FIELDS = ("address", "postcode", "commune", "online_url")
EDITABLE_FIELDS = (
    "title",
    "description",
    *TIME_FIELDS,
    *PLACE_FIELDS,
    "capacity",
    "attendees_visible",
)


class EventError(Exception):
    """A request on events that cannot be done; the message says why and
    `field` names the input at fault, if one is."""

    def __init__(self, message: str, *, status: int = 400, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


# -- Checks shared by the forms and the API ---------------------------------


def check_time_zone(name: str) -> None:
    if name not in available_timezones():
        raise EventError(_("Choose a time zone from the list."), field="time_zone")


def check_times(*, starts_at: datetime, ends_at: datetime, now: datetime, new: bool) -> None:
    """An event ends after it starts, within MAX_DURATION; a new event (or a
    new start time) is not in the past."""
    if ends_at <= starts_at:
        raise EventError(_("The event must end after it starts."), field="ends_at")
    if ends_at - starts_at > MAX_DURATION:
        raise EventError(
            _("An event lasts %(days)d days at most: make one event per day or per week.")
            % {"days": MAX_DURATION.days},
            field="ends_at",
        )
    if new and starts_at <= now:
        raise EventError(_("The event cannot start in the past."), field="starts_at")


def check_place(*, address: str, postcode: str, commune: str, online_url: str) -> None:
    if postcode and not is_postcode(postcode):
        raise EventError(_("A postcode has five digits, such as 69003."), field="postcode")
    if not (commune.strip() or online_url.strip()):
        raise EventError(
            _("Give a place (at least the commune) or an online link."), field="commune"
        )


def _check(values: dict[str, Any], *, now: datetime, new_start: bool) -> None:
    check_time_zone(values["time_zone"])
    check_times(starts_at=values["starts_at"], ends_at=values["ends_at"], now=now, new=new_start)
    check_place(
        address=values["address"],
        postcode=values["postcode"],
        commune=values["commune"],
        online_url=values["online_url"],
    )
    capacity = values.get("capacity")
    if capacity is not None and capacity < 1:
        raise EventError(_("The capacity is at least 1, or empty for no limit."), field="capacity")


# -- Events -------------------------------------------------------------------


def event_create(
    *,
    organiser: Any,
    space: Space,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    time_zone: str = "Europe/Paris",
    description: str = "",
    address: str = "",
    postcode: str = "",
    commune: str = "",
    online_url: str = "",
    capacity: int | None = None,
    attendees_visible: bool = False,
    campaign: Any = None,
    now: datetime | None = None,
) -> Event:
    """Create an event (the caller checked `can_create_event`); its reminder
    is queued for 24 hours before it starts."""
    values: dict[str, Any] = {
        "title": " ".join(title.split()),
        "description": description.strip(),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "time_zone": time_zone,
        "address": address.strip(),
        "postcode": postcode.strip(),
        "commune": commune.strip(),
        "online_url": online_url.strip(),
        "capacity": capacity,
        "attendees_visible": attendees_visible,
    }
    when = _now(now)
    _check(values, now=when, new_start=True)
    with transaction.atomic():
        event = Event.objects.create(
            space=space,
            organiser=organiser,
            campaign=campaign,
            description_html=render_markdown(values["description"]),
            departement=departement_of(values["postcode"]),
            **values,
        )
        transaction.on_commit(lambda: schedule_reminder(event, now=when))
    return event


def event_update(*, by: Any, event: Event, now: datetime | None = None, **changes: Any) -> Event:
    """Change an event (the caller checked `can_edit_event`). A change of
    time or place raises its SEQUENCE and tells the people who answered; a
    change of time queues a new reminder; a larger capacity lets the first
    ones waiting in."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if event.cancelled_at is not None:
        raise EventError(_("A cancelled event cannot be changed."), status=409)
    when = _now(now)
    values: dict[str, Any] = {name: getattr(event, name) for name in EDITABLE_FIELDS}
    for name, value in changes.items():
        values[name] = value.strip() if isinstance(value, str) and name != "description" else value
    values["title"] = " ".join(values["title"].split())
    values["description"] = values["description"].strip()
    new_start = values["starts_at"] != event.starts_at
    _check(values, now=when, new_start=new_start)
    time_changed = any(values[name] != getattr(event, name) for name in TIME_FIELDS)
    place_changed = any(values[name] != getattr(event, name) for name in PLACE_FIELDS)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.description_html = render_markdown(locked.description)
        locked.departement = departement_of(locked.postcode)
        if time_changed or place_changed:
            locked.sequence += 1
        locked.save()
        promoted = _promote_waiting(locked)
        if time_changed or place_changed:
            transaction.on_commit(lambda: _tell_concerned(locked, actor=by))
        if time_changed:
            transaction.on_commit(lambda: schedule_reminder(locked, now=when))
        transaction.on_commit(lambda: _tell_promoted(locked, promoted))
    _copy(locked, event)
    return event


def event_cancel(*, by: Any, event: Event, reason: str = "", now: datetime | None = None) -> Event:
    """Cancel an event (the caller checked `can_cancel_event`): the people
    who answered are told, the calendars show it cancelled."""
    when = _now(now)
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.cancelled_at is not None:
            raise EventError(_("This event is already cancelled."), status=409)
        locked.cancelled_at = when
        locked.cancellation_reason = reason.strip()
        locked.sequence += 1
        locked.save(update_fields=["cancelled_at", "cancellation_reason", "sequence", "updated_at"])
        transaction.on_commit(lambda: _tell_concerned(locked, actor=by))
    _copy(locked, event)
    return event


def _copy(source: Event, target: Event) -> None:
    if source is not target:
        for field in source._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))


def _tell_concerned(event: Event, *, actor: Any) -> None:
    from membrane.notifications.models import Kind
    from membrane.notifications.services import notify

    people = [
        rsvp.user
        for rsvp in Rsvp.objects.filter(event=event, status__in=CONCERNED).select_related("user")
    ]
    notify(recipients=people, kind=Kind.EVENT_CANCELLED, actor=actor, event=event)


# -- Answers --------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    rsvp: Rsvp
    # The person asked to go but the event is full: they wait.
    waitlisted: bool
    changed: bool


def rsvp_set(*, user: Any, event: Event, status: str, now: datetime | None = None) -> Answer:
    """Answer an event (the caller checked `rsvp_refusal`). Going to a full
    event puts the person on the waiting list. The event row is locked, so
    two people asking for the last seat at once get one seat and one place
    in line. Leaving "going" lets the first one waiting in."""
    if status not in (Rsvp.Status.GOING, Rsvp.Status.INTERESTED, Rsvp.Status.NOT_GOING):
        raise EventError(_("Answer going, interested or not going."), field="status")
    when = _now(now)
    with transaction.atomic():
        locked = _lock(event)
        if locked.cancelled_at is not None:
            raise EventError(_("This event is cancelled: it takes no more answers."), status=409)
        if locked.starts_at <= when:
            raise EventError(
                _("This event has already started: it takes no more answers."), status=409
            )
        rsvp = Rsvp.objects.filter(event=locked, user=user).first()
        previous = rsvp.status if rsvp is not None else None
        wanted = status
        if status == Rsvp.Status.GOING and previous == Rsvp.Status.WAITING:
            wanted = Rsvp.Status.WAITING  # keeps their place in line
        elif status == Rsvp.Status.GOING and previous != Rsvp.Status.GOING and _full(locked):
            wanted = Rsvp.Status.WAITING
        if previous == wanted:
            assert rsvp is not None
            return Answer(rsvp=rsvp, waitlisted=wanted == Rsvp.Status.WAITING, changed=False)
        if rsvp is None:
            rsvp = Rsvp.objects.create(event=locked, user=user, status=wanted)
        else:
            rsvp.status = wanted
            if wanted == Rsvp.Status.WAITING:
                rsvp.created_at = when  # joins the end of the line
            rsvp.save(update_fields=["status", "created_at", "updated_at"])
        promoted = _promote_waiting(locked) if previous == Rsvp.Status.GOING else []
        gave_up = previous in HOLDING and wanted == Rsvp.Status.NOT_GOING
        transaction.on_commit(lambda: _tell_organiser(locked, user, gave_up=gave_up))
        transaction.on_commit(lambda: _tell_promoted(locked, promoted))
    return Answer(rsvp=rsvp, waitlisted=wanted == Rsvp.Status.WAITING, changed=True)


def rsvp_withdraw(*, user: Any, event: Event, now: datetime | None = None) -> bool:
    """Take back one's answer; True if there was one. A seat freed lets the
    first one waiting in. The organiser is told when a seat or a place in
    line is given up while the event still takes answers."""
    when = _now(now)
    with transaction.atomic():
        locked = _lock(event)
        rsvp = Rsvp.objects.filter(event=locked, user=user).first()
        if rsvp is None:
            return False
        was_going = rsvp.status == Rsvp.Status.GOING
        # Once the event is cancelled or started, there is no place to give back.
        takes_answers = locked.cancelled_at is None and locked.starts_at > when
        gave_up = rsvp.status in HOLDING and takes_answers
        rsvp.delete()
        promoted = _promote_waiting(locked) if was_going and locked.cancelled_at is None else []
        if gave_up:
            transaction.on_commit(lambda: _tell_organiser(locked, user, gave_up=True))
        transaction.on_commit(lambda: _tell_promoted(locked, promoted))
    return True


def _lock(event: Event) -> Event:
    """The event row, locked until the end of the transaction."""
    return Event.objects.select_for_update().select_related("space").get(pk=event.pk)


def going_count(event: Event) -> int:
    return Rsvp.objects.filter(event=event, status=Rsvp.Status.GOING).count()


def _full(event: Event) -> bool:
    return event.capacity is not None and going_count(event) >= event.capacity


def _promote_waiting(event: Event) -> list[Rsvp]:
    """Let the first ones waiting in while seats are free (call with the
    event row locked). Returns the RSVPs promoted."""
    if event.cancelled_at is not None:
        return []
    waiting = Rsvp.objects.filter(event=event, status=Rsvp.Status.WAITING).order_by(
        "created_at", "pk"
    )
    if event.capacity is not None:
        free = event.capacity - going_count(event)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_related("user"))
    if promoted:
        Rsvp.objects.filter(pk__in=[r.pk for r in promoted]).update(status=Rsvp.Status.GOING)
        for rsvp in promoted:
            rsvp.status = Rsvp.Status.GOING
    return promoted


def _tell_organiser(event: Event, person: Any, *, gave_up: bool = False) -> None:
    """Tell the organiser of an answer, or of a seat or place in line given
    up (`gave_up`). `notify` never tells organisers of their own answers."""
    from membrane.notifications.models import Kind
    from membrane.notifications.services import notify

    kind = Kind.EVENT_RSVP_WITHDRAWN if gave_up else Kind.EVENT_RSVP
    notify(recipients=[event.organiser], kind=kind, actor=person, event=event)


def _tell_promoted(event: Event, promoted: Iterable[Rsvp]) -> None:
    from membrane.notifications.models import Kind
    from membrane.notifications.services import notify

    people = [rsvp.user for rsvp in promoted]
    if people:
        notify(recipients=people, kind=Kind.WAITLIST_PROMOTED, event=event)


# -- Reminders --------------------------------------------------------------------


def schedule_reminder(event: Event, *, now: datetime | None = None) -> None:
    """Queue the reminder for 24 hours before the event (at once if it
    starts sooner). The task checks when it runs that the event still
    starts at that time and is not cancelled."""
    from membrane.events.tasks import send_event_reminder

    run_after = max(event.starts_at - REMINDER_BEFORE, _now(now))
    send_event_reminder.using(run_after=run_after).enqueue(event.pk, event.starts_at.isoformat())


def reminder_send(*, event_id: int, expected_starts_at: str, now: datetime | None = None) -> str:
    """Remind the people going, once per start time; "skipped" for an
    event gone, cancelled, moved since, moderated, or already started."""
    from membrane.moderation.models import ModerationState
    from membrane.notifications.models import Kind
    from membrane.notifications.services import notify

    when = _now(now)
    try:
        expected = datetime.fromisoformat(expected_starts_at)
    except ValueError:
        return "skipped"
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if (
            event is None
            or event.cancelled_at is not None
            or event.moderation_state != ModerationState.VISIBLE
            or event.starts_at != expected
            or event.starts_at <= when
            or event.reminded_for == event.starts_at
        ):
            return "skipped"
        Event.objects.filter(pk=event.pk).update(reminded_for=event.starts_at)
        event.reminded_for = event.starts_at
        people = [
            rsvp.user
            for rsvp in Rsvp.objects.filter(event=event, status=Rsvp.Status.GOING).select_related(
                "user"
            )
        ]
        transaction.on_commit(
            lambda: notify(recipients=people, kind=Kind.EVENT_REMINDER, event=event)
        )
    return "sent"


# -- Attendance -------------------------------------------------------------------


def attendance_check(
    *, by: Any, event: Event, present: Iterable[int], now: datetime | None = None
) -> list[Rsvp]:
    """Record who attended, among the people who answered going, waiting or
    interested (the caller checked `can_check_in`): `present` holds their
    user ids, the others are marked absent. Each person present earns the
    "event_attended" points once; unmarking them later takes nothing back."""
    from membrane.engagement.services import award

    when = _now(now)
    present_ids = set(present)
    with transaction.atomic():
        rsvps = list(Rsvp.objects.filter(event=event, status__in=CONCERNED).select_related("user"))
        known = {rsvp.user_id for rsvp in rsvps}
        if present_ids - known:
            raise EventError(_("Only the people who answered the event can be marked present."))
        Rsvp.objects.filter(pk__in=[r.pk for r in rsvps if r.user_id in present_ids]).update(
            attended=True, checked_at=when
        )
        Rsvp.objects.filter(pk__in=[r.pk for r in rsvps if r.user_id not in present_ids]).update(
            attended=False, checked_at=when
        )
        for rsvp in rsvps:
            rsvp.attended = rsvp.user_id in present_ids
            rsvp.checked_at = when
            if rsvp.attended:
                award(rsvp.user, "event_attended", f"event:{event.pk}", at=when)
    return rsvps


# -- Calendar address -------------------------------------------------------------


def calendar_token_get(*, user: Any) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return token


def calendar_token_reset(*, user: Any) -> CalendarToken:
    """A new secret: the old address of the feed stops working."""
    token, _created = CalendarToken.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return token
