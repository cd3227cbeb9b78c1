"""The API of events: lists and filters (with pinned query counts), one
event, creating and changing one with bad input refused (422), cancelling,
answering up to the waiting list, the attendees, the check-in and the
calendar address — under the rules of the event pages, every error a JSON
{"detail"} with a 4xx status."""

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from membrane.engagement.models import PointAward
from membrane.events.models import CalendarToken, Event, Rsvp
from membrane.events.services import rsvp_set
from membrane.notifications.models import Kind, Notification
from tests.api_helpers import API, assert_json_error, count_queries, send
from tests.factories import MemberFactory
from tests.test_events_fixtures import (  # noqa: F401
    event_fixture,
    group_fixture,
    make_event_fixture,
    private_group_fixture,
    soon,
)

pytestmark = pytest.mark.django_db


def people(section, charter, n):
    return [
        MemberFactory(section=section, charter_version_accepted=charter.number) for _ in range(n)
    ]


def new_event(**values):
    start = soon(days=6)
    data = {
        "title": "Assemblée générale de la section",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=3)).isoformat(),
        "address": "Salle des fêtes",
        "postcode": "33130",
        "commune": "Bègles",
        "capacity": 2,
    }
    return {**data, **values}


# Lists --------------------------------------------------------------------------------


def test_the_list_makes_as_many_queries_for_3_events_as_for_30(
    client, make_event, member, section, charter
):
    client.force_login(member)
    crowd = people(section, charter, 2)

    def add(n):
        for i in range(n):
            event = make_event(title=f"Réunion {i}", capacity=1)
            for person in crowd:
                rsvp_set(user=person, event=event, status="going")

    add(3)
    client.get(f"{API}/events")
    few = count_queries(client, "/events", {"limit": 100})
    add(27)
    many = count_queries(client, "/events", {"limit": 100})
    assert few == many
    body = client.get(f"{API}/events", {"limit": 100}).json()
    assert len(body["items"]) == 30
    first = body["items"][0]
    assert first["going_count"] == 1 and first["waiting_count"] == 1
    assert first["space"]["slug"] == "begles"


def test_the_list_pages_with_a_cursor_and_filters(client, make_event, staff):
    client.force_login(staff)
    lyon = make_event(title="Lyon", postcode="69003", commune="Lyon", starts_at=soon(2))
    begles = make_event(title="Bègles", starts_at=soon(3))
    bordeaux = make_event(title="Bordeaux", postcode="33000", commune="Bordeaux", starts_at=soon(4))
    page = client.get(f"{API}/events", {"limit": 2}).json()
    assert [e["id"] for e in page["items"]] == [lyon.pk, begles.pk]
    rest = client.get(f"{API}/events", {"limit": 2, "cursor": page["next"]}).json()
    assert [e["id"] for e in rest["items"]] == [bordeaux.pk] and rest["next"] is None
    near = client.get(f"{API}/events", {"postcode": "33130", "limit": 2}).json()
    assert [e["id"] for e in near["items"]] == [begles.pk, bordeaux.pk]
    near_rest = client.get(f"{API}/events", {"postcode": "33130", "cursor": near["next"]}).json()
    assert [e["id"] for e in near_rest["items"]] == [lyon.pk]
    dep = client.get(f"{API}/events", {"departement": "69"}).json()
    assert [e["id"] for e in dep["items"]] == [lyon.pk]


@pytest.mark.parametrize(
    "params",
    [{"departement": "99"}, {"postcode": "12"}, {"cursor": "forged"}, {"limit": 0}],
)
def test_bad_filters_are_refused(client, params):
    response = client.get(f"{API}/events", params)
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_the_list_of_a_space_one_may_not_read_is_refused(client, private_group, supporter):
    client.force_login(supporter)
    assert_json_error(client.get(f"{API}/events", {"space": private_group.slug}), 403)
    assert_json_error(client.get(f"{API}/events", {"space": "nowhere"}), 404)


def test_my_events(client, make_event, member):
    mine = make_event(title="La mienne")
    make_event(title="Pas la mienne")
    rsvp_set(user=member, event=mine, status="interested")
    client.force_login(member)
    body = client.get(f"{API}/me/events").json()
    assert [(e["id"], e["my_status"]) for e in body] == [(mine.pk, "interested")]
    client.logout()
    assert_json_error(client.get(f"{API}/me/events"), 401)


# One event, creating, changing, cancelling --------------------------------------------------


def test_an_event_is_seen_under_the_rule_of_its_space(client, event, member, outsider_animator):
    assert_json_error(client.get(f"{API}/events/{event.pk}"), 404)
    client.force_login(outsider_animator)
    assert_json_error(client.get(f"{API}/events/{event.pk}"), 404)
    client.force_login(member)
    body = client.get(f"{API}/events/{event.pk}").json()
    assert body["title"] == event.title and body["time_zone"] == "Europe/Paris"
    assert body["rsvp_refusal"] is None and body["can_edit"] is False
    assert body["ics_url"].endswith(f"/evenements/{event.pk}.ics")
    assert_json_error(client.get(f"{API}/events/999999"), 404)


def test_the_section_animator_creates_an_event_and_a_member_cannot(
    client, spaces, section_animator, member
):
    path = f"/spaces/{spaces['section'].slug}/events"
    client.force_login(member)
    assert_json_error(send(client, "post", path, new_event()), 403)
    client.force_login(section_animator)
    response = send(client, "post", path, new_event())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["capacity"] == 2 and body["can_edit"] and body["departement"] == "33"
    assert Event.objects.get().organiser == section_animator
    assert_json_error(send(client, "post", "/spaces/nowhere/events", new_event()), 404)


def test_a_time_without_offset_is_local_to_the_events_zone(client, spaces, section_animator):
    client.force_login(section_animator)
    data = new_event(
        starts_at="2099-03-29T10:00:00",
        ends_at="2099-03-29T12:00:00",
        time_zone="Europe/Paris",
    )
    response = send(client, "post", f"/spaces/{spaces['section'].slug}/events", data)
    assert response.status_code == 201, response.content
    assert Event.objects.get().starts_at.astimezone(UTC).hour == 8  # summer time


@pytest.mark.parametrize(
    ("values", "field"),
    [
        (
            {"ends_at": "2099-01-01T08:00:00+01:00", "starts_at": "2099-01-01T10:00:00+01:00"},
            "ends_at",
        ),
        ({"starts_at": "2001-01-01T10:00:00Z", "ends_at": "2001-01-01T12:00:00Z"}, "starts_at"),
        ({"starts_at": "2099-03-29T02:30:00", "ends_at": "2099-03-29T04:00:00"}, "starts_at"),
        # Longer than MAX_DURATION (31 days).
        ({"starts_at": "2099-01-01T10:00:00Z", "ends_at": "2099-02-01T10:00:01Z"}, "ends_at"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"postcode": "3313"}, "postcode"),
        ({"commune": "", "address": "", "postcode": ""}, "commune"),
        ({"capacity": 0}, "capacity"),
        ({"title": ""}, "title"),
        ({"starts_at": "demain"}, "starts_at"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, spaces, section_animator, values, field):
    client.force_login(section_animator)
    response = send(client, "post", f"/spaces/{spaces['section'].slug}/events", new_event(**values))
    assert response.status_code == 422, response.content
    assert field in str(response.json()["detail"])
    assert not Event.objects.exists()


def test_a_change_of_time_tells_the_people_who_answered(
    client, event, member, section_animator, django_capture_on_commit_callbacks
):
    rsvp_set(user=member, event=event, status="going")
    client.force_login(member)
    assert_json_error(send(client, "patch", f"/events/{event.pk}", {"title": "X"}), 403)
    client.force_login(section_animator)
    later = event.starts_at + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client,
            "patch",
            f"/events/{event.pk}",
            {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=2)).isoformat()},
        )
    assert response.status_code == 200, response.content
    assert response.json()["sequence"] == 1
    assert Notification.objects.filter(kind=Kind.EVENT_CANCELLED, recipient=member).exists()
    bad = send(client, "patch", f"/events/{event.pk}", {"ends_at": event.starts_at.isoformat()})
    assert bad.status_code == 422
    assert send(client, "patch", f"/events/{event.pk}", {"title": None}).status_code == 422


def test_cancelling_twice_is_a_conflict(client, event, member, section_animator):
    client.force_login(member)
    assert_json_error(send(client, "post", f"/events/{event.pk}/cancel", {}), 403)
    client.force_login(section_animator)
    response = send(client, "post", f"/events/{event.pk}/cancel", {"reason": "Pluie"})
    assert response.status_code == 200 and response.json()["cancelled"] is True
    assert_json_error(send(client, "post", f"/events/{event.pk}/cancel", {}), 409)
    assert_json_error(send(client, "patch", f"/events/{event.pk}", {"title": "Y"}), 409)


# Answers, attendees, check-in ---------------------------------------------------------------


def test_answering_up_to_the_waiting_list_and_withdrawing(
    client, make_event, section, charter, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    first, second = people(section, charter, 2)
    path = f"/events/{event.pk}/rsvp"
    client.force_login(first)
    assert send(client, "put", path, {"status": "going"}).json() == {
        "status": "going",
        "waitlisted": False,
    }
    client.force_login(second)
    assert send(client, "put", path, {"status": "going"}).json() == {
        "status": "waiting",
        "waitlisted": True,
    }
    assert send(client, "put", path, {"status": "waiting"}).status_code == 422
    client.force_login(first)
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, "delete", path).status_code == 204
    assert Rsvp.objects.get(user=second).status == "going"
    assert Notification.objects.filter(kind=Kind.WAITLIST_PROMOTED, recipient=second).exists()
    assert_json_error(send(client, "delete", path), 404)


def test_answering_is_refused_when_signed_out_cancelled_or_not_seen(
    client, event, member, outsider_animator, section_animator
):
    path = f"/events/{event.pk}/rsvp"
    assert_json_error(send(client, "put", path, {"status": "going"}), 401)
    client.force_login(outsider_animator)
    assert_json_error(send(client, "put", path, {"status": "going"}), 404)
    Event.objects.filter(pk=event.pk).update(cancelled_at=timezone.now())
    client.force_login(member)
    assert_json_error(send(client, "put", path, {"status": "going"}), 409)


def test_the_attendees_and_the_check_in(client, event, member, supporter, section_animator):
    rsvp_set(user=member, event=event, status="going")
    rsvp_set(user=supporter, event=event, status="interested")
    client.force_login(member)
    assert_json_error(client.get(f"{API}/events/{event.pk}/attendees"), 403)
    client.force_login(section_animator)
    body = client.get(f"{API}/events/{event.pk}/attendees").json()
    assert [(a["person"]["id"], a["status"]) for a in body] == [
        (member.pk, "going"),
        (supporter.pk, "interested"),
    ]
    path = f"/events/{event.pk}/attendance"
    assert_json_error(send(client, "put", path, {"present": [member.pk]}), 403)  # not started
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    assert send(client, "put", path, {"present": [999999]}).status_code == 422
    response = send(client, "put", path, {"present": [member.pk]})
    assert response.status_code == 200, response.content
    assert {a["person"]["id"]: a["attended"] for a in response.json()} == {
        member.pk: True,
        supporter.pk: False,
    }
    assert PointAward.objects.filter(user=member, rule="event_attended").exists()
    client.force_login(member)
    assert_json_error(send(client, "put", path, {"present": [member.pk]}), 403)


def test_the_calendar_address_and_its_reset(client, member):
    client.force_login(member)
    first = client.get(f"{API}/me/calendar").json()["url"]
    assert first == client.get(f"{API}/me/calendar").json()["url"]
    second = send(client, "post", "/me/calendar/reset").json()["url"]
    assert second != first
    assert second.endswith(CalendarToken.objects.get(user=member).token + ".ics")


def test_every_operation_is_in_the_openapi_schema(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    for path in (
        "/api/v1/events",
        "/api/v1/events/{event_id}",
        "/api/v1/spaces/{slug}/events",
        "/api/v1/events/{event_id}/cancel",
        "/api/v1/events/{event_id}/rsvp",
        "/api/v1/events/{event_id}/attendees",
        "/api/v1/events/{event_id}/attendance",
        "/api/v1/me/events",
        "/api/v1/me/calendar",
        "/api/v1/me/calendar/reset",
    ):
        assert path in paths, path
