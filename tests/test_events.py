"""Events: times and time zones (daylight-saving changes included), the
capacity and its waiting list (two people at once for the last seat), the
notifications, the reminder task, the check-in and its points, the
iCalendar files parsed by the icalendar library, the département rule,
and what privacy exports and erases."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from icalendar import Calendar

from membrane.engagement.models import PointAward
from membrane.events import privacy
from membrane.events.forms import EventForm
from membrane.events.ical import calendar_of
from membrane.events.models import CalendarToken, Event, Rsvp
from membrane.events.places import departement_of, normalise_departement
from membrane.events.services import (
    EventError,
    attendance_check,
    calendar_token_get,
    event_cancel,
    event_update,
    reminder_send,
    rsvp_set,
    rsvp_withdraw,
)
from membrane.events.tasks import send_event_reminder
from membrane.notifications.models import Kind, Notification
from tests.factories import MemberFactory
from tests.test_events_fixtures import (  # noqa: F401
    event_fixture,
    make_event_fixture,
    paris,
    soon,
)

pytestmark = pytest.mark.django_db


def people(section, charter, n):
    return [
        MemberFactory(section=section, charter_version_accepted=charter.number) for _ in range(n)
    ]


# -- Times and time zones ------------------------------------------------------


def form_data(**values):
    data = {
        "title": "Atelier d'écriture de tracts",
        "time_zone": "Europe/Paris",
        "starts_at": "2099-03-29T10:00",
        "ends_at": "2099-03-29T12:00",
        "commune": "Bègles",
        "postcode": "33130",
    }
    return {**data, **values}


@pytest.mark.parametrize(
    ("day", "offset_hours"),
    [
        ("2099-03-28", 1),  # the Saturday before summer time: UTC+1
        ("2099-03-29", 2),  # the last Sunday of March: clocks went forward at 2:00, UTC+2
        ("2099-10-25", 1),  # the last Sunday of October: clocks went back at 3:00, UTC+1
        ("2099-10-24", 2),  # the Saturday before: still summer time
    ],
)
def test_an_event_at_10_in_paris_has_the_right_utc_offset_around_the_clock_changes(
    day, offset_hours
):
    form = EventForm(form_data(starts_at=f"{day}T10:00", ends_at=f"{day}T12:00"))
    assert form.is_valid(), form.errors
    starts_at = form.cleaned_data["starts_at"]
    assert starts_at.utcoffset() == timedelta(hours=offset_hours)
    assert starts_at.astimezone(UTC).hour == 10 - offset_hours


def test_a_time_skipped_by_the_spring_change_of_clocks_is_refused():
    form = EventForm(form_data(starts_at="2099-03-29T02:30", ends_at="2099-03-29T04:00"))
    assert not form.is_valid()
    assert "clocks change" in str(form.errors["starts_at"])


def test_a_form_time_is_read_in_the_events_own_zone():
    form = EventForm(
        form_data(
            time_zone="America/Guadeloupe", starts_at="2099-06-01T10:00", ends_at="2099-06-01T11:00"
        )
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"].astimezone(UTC).hour == 14


def test_an_event_that_ends_before_it_starts_is_refused_with_the_typed_values_kept():
    form = EventForm(form_data(ends_at="2099-03-29T09:00"))
    assert not form.is_valid()
    assert "must end after it starts" in str(form.errors["ends_at"])
    assert form.data["title"] == "Atelier d'écriture de tracts"


def test_an_event_lasts_31_days_at_most_with_the_typed_values_kept():
    assert EventForm(form_data(ends_at="2099-04-29T10:00")).is_valid()
    form = EventForm(form_data(ends_at="2099-04-29T10:01"))
    assert not form.is_valid()
    assert "31 days at most" in str(form.errors["ends_at"])
    assert form.data["ends_at"] == "2099-04-29T10:01"


def test_an_event_in_the_past_is_refused_on_creation(make_event):
    with pytest.raises(EventError) as error:
        make_event(starts_at=timezone.now() - timedelta(hours=1))
    assert error.value.field == "starts_at"
    form = EventForm(form_data(starts_at="2001-01-01T10:00", ends_at="2001-01-01T12:00"))
    assert not form.is_valid() and "past" in str(form.errors["starts_at"])


def test_an_event_needs_a_place_or_a_link(make_event):
    with pytest.raises(EventError, match="online link"):
        make_event(address="", postcode="", commune="")
    online = make_event(address="", postcode="", commune="", online_url="https://visio.example")
    assert online.departement == ""


def test_the_departement_is_taken_from_the_postcode(make_event):
    assert make_event(postcode="33130").departement == "33"
    assert make_event(postcode="20090", commune="Ajaccio").departement == "2A"


@pytest.mark.parametrize(
    ("postcode", "departement"),
    [
        ("75011", "75"),
        ("01000", "01"),
        ("20000", "2A"),
        ("20137", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97110", "971"),
        ("97200", "972"),
        ("97300", "973"),
        ("97400", "974"),
        ("97600", "976"),
        ("98000", ""),
        ("7501", ""),
        ("ABCDE", ""),
    ],
)
def test_the_departement_of_a_postcode(postcode, departement):
    assert departement_of(postcode) == departement


def test_departement_codes_are_normalised():
    assert normalise_departement("2a") == "2A"
    assert normalise_departement("1") == "01"
    assert normalise_departement("974") == "974"
    assert normalise_departement("99") is None
    assert normalise_departement("20") is None


# -- Capacity and waiting list ---------------------------------------------------


def test_beyond_the_capacity_people_wait_and_the_first_is_promoted_when_a_seat_frees(
    make_event, section, charter, django_capture_on_commit_callbacks
):
    event = make_event(capacity=2)
    a, b, c, d = people(section, charter, 4)
    assert not rsvp_set(user=a, event=event, status="going").waitlisted
    assert not rsvp_set(user=b, event=event, status="going").waitlisted
    assert rsvp_set(user=c, event=event, status="going").waitlisted
    assert rsvp_set(user=d, event=event, status="going").waitlisted
    # Asking again keeps one's place in line.
    assert rsvp_set(user=c, event=event, status="going").changed is False

    with django_capture_on_commit_callbacks(execute=True):
        rsvp_set(user=a, event=event, status="not_going")
    statuses = dict(Rsvp.objects.filter(event=event).values_list("user_id", "status"))
    assert statuses == {a.pk: "not_going", b.pk: "going", c.pk: "going", d.pk: "waiting"}
    assert Notification.objects.filter(kind=Kind.WAITLIST_PROMOTED, recipient=c).exists()
    assert not Notification.objects.filter(kind=Kind.WAITLIST_PROMOTED, recipient=d).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert rsvp_withdraw(user=b, event=event)
    assert Rsvp.objects.get(event=event, user=d).status == "going"


def test_a_larger_capacity_lets_the_first_ones_waiting_in(
    make_event, section, charter, section_animator, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    a, b, c = people(section, charter, 3)
    for person in (a, b, c):
        rsvp_set(user=person, event=event, status="going")
    with django_capture_on_commit_callbacks(execute=True):
        event_update(by=section_animator, event=event, capacity=2)
    assert Rsvp.objects.get(event=event, user=b).status == "going"
    assert Rsvp.objects.get(event=event, user=c).status == "waiting"
    # Not a change of time or place: nobody is told of a change.
    assert not Notification.objects.filter(kind=Kind.EVENT_CANCELLED).exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_at_once_for_the_last_seat_one_gets_it_the_other_waits(
    make_event, section, charter
):
    event = make_event(capacity=2)
    first, a, b = people(section, charter, 3)
    rsvp_set(user=first, event=event, status="going")
    barrier = threading.Barrier(2)
    results, errors = {}, []

    def answer(person):
        try:
            barrier.wait(timeout=5)
            results[person.pk] = rsvp_set(user=person, event=event, status="going").waitlisted
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=answer, args=(p,)) for p in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    going = Rsvp.objects.filter(event=event, status="going").count()
    assert going == 2  # never overbooked
    if connection.vendor == "postgresql":
        assert not errors
    if not errors:
        assert sorted(results.values()) == [False, True]
        assert Rsvp.objects.filter(event=event, status="waiting").count() == 1
    else:
        # SQLite without row locks may refuse a writer, before its answer
        # (it can answer again) or after it, while notifying: either way one
        # answered and nothing is overbooked.
        assert len(results) == 1
        assert Rsvp.objects.filter(event=event, status="waiting").count() <= 1


def test_no_answer_once_the_event_started_or_is_cancelled(make_event, member, section_animator):
    event = make_event()
    with pytest.raises(EventError):
        rsvp_set(user=member, event=event, status="going", now=event.starts_at)
    event_cancel(by=section_animator, event=event)
    with pytest.raises(EventError) as error:
        rsvp_set(user=member, event=event, status="going")
    assert error.value.status == 409


def test_an_unknown_answer_is_refused(event, member):
    with pytest.raises(EventError):
        rsvp_set(user=member, event=event, status="waiting")


# -- Notifications -------------------------------------------------------------------


def test_the_organiser_is_told_of_each_answer(
    event, member, section_animator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rsvp_set(user=member, event=event, status="interested")
    notification = Notification.objects.get(kind=Kind.EVENT_RSVP)
    assert notification.recipient == section_animator and notification.actor == member
    assert notification.event == event


def test_a_change_of_time_raises_the_sequence_and_tells_the_people_who_answered(
    event, section, charter, section_animator, django_capture_on_commit_callbacks
):
    going, interested, declined = people(section, charter, 3)
    rsvp_set(user=going, event=event, status="going")
    rsvp_set(user=interested, event=event, status="interested")
    rsvp_set(user=declined, event=event, status="not_going")
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        event_update(
            by=section_animator,
            event=event,
            starts_at=event.starts_at + timedelta(hours=1),
            ends_at=event.ends_at + timedelta(hours=1),
        )
    event.refresh_from_db()
    assert event.sequence == 1
    told = set(
        Notification.objects.filter(kind=Kind.EVENT_CANCELLED).values_list("recipient", flat=True)
    )
    assert told == {going.pk, interested.pk}
    # A change of title alone changes nothing for calendars.
    with django_capture_on_commit_callbacks(execute=True):
        event_update(by=section_animator, event=event, title="Nouveau titre")
    event.refresh_from_db()
    assert event.sequence == 1 and event.title == "Nouveau titre"


def test_a_cancellation_tells_the_people_who_answered(
    event, section, charter, section_animator, django_capture_on_commit_callbacks
):
    going, waiting = people(section, charter, 2)
    rsvp_set(user=going, event=event, status="going")
    rsvp_set(user=waiting, event=event, status="interested")
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(by=section_animator, event=event, reason="Salle indisponible")
    event.refresh_from_db()
    assert event.cancelled_at is not None and event.sequence == 1
    assert Notification.objects.filter(kind=Kind.EVENT_CANCELLED).count() == 2
    with pytest.raises(EventError):
        event_cancel(by=section_animator, event=event)
    with pytest.raises(EventError):
        event_update(by=section_animator, event=event, title="Encore")


# -- Reminders -----------------------------------------------------------------------------


def test_creating_an_event_queues_its_reminder_24_hours_before(
    make_event, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        event = make_event(starts_at=soon(days=5))
    queued = DBTaskResult.objects.get(task_path__endswith="send_event_reminder")
    assert queued.run_after == event.starts_at - timedelta(hours=24)
    assert queued.args_kwargs["args"] == [event.pk, event.starts_at.isoformat()]


def test_the_reminder_reaches_the_people_going_once(
    event, section, charter, django_capture_on_commit_callbacks
):
    going, interested = people(section, charter, 2)
    rsvp_set(user=going, event=event, status="going")
    rsvp_set(user=interested, event=event, status="interested")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_event_reminder.call(event.pk, event.starts_at.isoformat()) == "sent"
    reminders = Notification.objects.filter(kind=Kind.EVENT_REMINDER)
    assert [n.recipient_id for n in reminders] == [going.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            reminder_send(event_id=event.pk, expected_starts_at=event.starts_at.isoformat())
            == "skipped"
        )
    assert reminders.count() == 1


def test_the_reminder_is_skipped_for_a_moved_or_cancelled_event(event, member, section_animator):
    rsvp_set(user=member, event=event, status="going")
    old_start = event.starts_at.isoformat()
    event_update(
        by=section_animator,
        event=event,
        starts_at=event.starts_at + timedelta(days=1),
        ends_at=event.ends_at + timedelta(days=1),
    )
    assert reminder_send(event_id=event.pk, expected_starts_at=old_start) == "skipped"
    event_cancel(by=section_animator, event=event)
    assert (
        reminder_send(event_id=event.pk, expected_starts_at=event.starts_at.isoformat())
        == "skipped"
    )
    assert reminder_send(event_id=0, expected_starts_at=old_start) == "skipped"
    assert not Notification.objects.filter(kind=Kind.EVENT_REMINDER).exists()


# -- Check-in ------------------------------------------------------------------------------------


def test_the_people_marked_present_earn_the_points_once(event, section, charter, section_animator):
    came, absent = people(section, charter, 2)
    rsvp_set(user=came, event=event, status="going")
    rsvp_set(user=absent, event=event, status="going")
    after = event.starts_at + timedelta(hours=1)
    attendance_check(by=section_animator, event=event, present={came.pk}, now=after)
    assert Rsvp.objects.get(event=event, user=came).attended is True
    assert Rsvp.objects.get(event=event, user=absent).attended is False
    awards = PointAward.objects.filter(rule="event_attended", key=f"event:{event.pk}")
    assert list(awards.values_list("user_id", flat=True)) == [came.pk]
    # Checked again, then unmarked: counted once, never taken back.
    attendance_check(by=section_animator, event=event, present={came.pk}, now=after)
    attendance_check(by=section_animator, event=event, present=set(), now=after)
    assert awards.count() == 1
    assert Rsvp.objects.get(event=event, user=came).attended is False


def test_only_people_who_answered_can_be_marked_present(event, section_animator, member):
    with pytest.raises(EventError):
        attendance_check(by=section_animator, event=event, present={member.pk})


# -- iCalendar ---------------------------------------------------------------------------------------


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def test_an_event_exports_as_valid_icalendar_with_its_zone_and_sequence(make_event, settings):
    settings.SITE_URL = "https://membrane.example"
    event = make_event(
        starts_at=paris(2099, 10, 25), ends_at=paris(2099, 10, 25, 12), description="Ordre du jour"
    )
    calendar = parse(calendar_of([event]))
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.pk}@membrane.example"
    start = vevent.decoded("DTSTART")
    assert start == paris(2099, 10, 25)
    assert start.utcoffset() == timedelta(hours=1)
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent.decoded("DTEND").astimezone(UTC) == datetime(2099, 10, 25, 11, tzinfo=UTC)
    assert str(vevent["SUMMARY"]) == event.title
    assert str(vevent["LOCATION"]) == "12 rue Jean Jaurès, 33130 Bègles"
    assert str(vevent["URL"]) == f"https://membrane.example/evenements/{event.pk}/"
    assert int(vevent["SEQUENCE"]) == 0
    assert str(vevent["STATUS"]) == "CONFIRMED"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"


def test_a_summer_event_keeps_its_local_time_in_icalendar(make_event):
    event = make_event(starts_at=paris(2099, 3, 29), ends_at=paris(2099, 3, 29, 12))
    [vevent] = parse(calendar_of([event])).walk("VEVENT")
    assert vevent.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert vevent.decoded("DTSTART").astimezone(UTC).hour == 8


def test_a_cancelled_event_is_cancelled_in_icalendar_with_a_higher_sequence(
    event, section_animator
):
    event_cancel(by=section_animator, event=event)
    event.refresh_from_db()
    [vevent] = parse(calendar_of([event])).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert int(vevent["SEQUENCE"]) == 1


def test_an_online_event_has_its_link_as_location(make_event):
    event = make_event(address="", postcode="", commune="", online_url="https://visio.example/r")
    [vevent] = parse(calendar_of([event])).walk("VEVENT")
    assert str(vevent["LOCATION"]) == "https://visio.example/r"


# -- Privacy -----------------------------------------------------------------------------------------


def test_privacy_exports_attendance_and_erases_the_calendar_address(
    event, member, section_animator
):
    rsvp_set(user=member, event=event, status="going")
    attendance_check(
        by=section_animator,
        event=event,
        present={member.pk},
        now=event.starts_at + timedelta(hours=1),
    )
    calendar_token_get(user=member)
    exported = privacy.export_personal_data(member)
    assert exported["rsvps"][0]["attended"] is True
    assert exported["rsvps"][0]["attendance_checked_at"]
    assert exported["calendar_feed"] is True
    assert "token" not in str(exported)
    privacy.erase_personal_data(member, keep_contributions=True)
    assert not CalendarToken.objects.filter(user=member).exists()
    assert not Rsvp.objects.filter(user=member).exists()
    assert Event.objects.filter(pk=event.pk).exists()
