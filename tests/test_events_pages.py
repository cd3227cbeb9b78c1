"""The event pages: lists and their filters (with pinned query counts),
creating with bad input kept, answering up to the waiting list, the share kit
(with the person's invitation), cancelling,
checking attendance, and the iCalendar files and feeds."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from membrane.engagement.models import InviteCode, PointAward
from membrane.engagement.services import invite_url
from membrane.events.models import CalendarToken, Event, Rsvp
from membrane.events.services import calendar_token_get, event_cancel, rsvp_set
from membrane.moderation.models import ModerationState
from membrane.spaces.services import territorial_space_ensure
from tests.factories import MemberFactory, UserFactory
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


def count_queries(client, url):
    client.get(url)  # warm the caches (session, charter)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def new_event_data(**values):
    start = soon(days=4)
    data = {
        "title": "Porte-à-porte dans le quartier Terres Neuves",
        "description": "Rendez-vous devant la **médiathèque**.",
        "time_zone": "Europe/Paris",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "address": "Place du 14 Juillet",
        "postcode": "33130",
        "commune": "Bègles",
        "capacity": "",
    }
    return {**data, **values}


# Lists -----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["list", "space", "mine"])
def test_the_lists_make_as_many_queries_for_3_events_as_for_30(
    client, make_event, spaces, section, charter, member, page
):
    client.force_login(member)
    crowd = people(section, charter, 2)

    def add(n):
        for i in range(n):
            event = make_event(title=f"Réunion {i}", capacity=1)
            for person in [member, *crowd]:
                rsvp_set(user=person, event=event, status="going")

    url = {
        "list": reverse("events:list"),
        "space": reverse("events:space", args=[spaces["section"].slug]),
        "mine": reverse("events:mine"),
    }[page]
    add(3)
    few = count_queries(client, url)
    add(27)
    many = count_queries(client, url)
    assert few == many


def test_the_list_filters_by_departement_and_puts_the_nearest_postcode_first(
    client, make_event, other_section, staff
):
    far = make_event(title="Réunion à Lyon", postcode="69003", commune="Lyon", starts_at=soon(2))
    near = make_event(title="Réunion à Bègles", starts_at=soon(3))
    same_dep = make_event(
        title="Réunion à Bordeaux", postcode="33000", commune="Bordeaux", starts_at=soon(4)
    )
    client.force_login(staff)
    response = client.get(reverse("events:list"), {"postcode": "33130"})
    assert [e.pk for e in response.context["events"]] == [near.pk, same_dep.pk, far.pk]
    response = client.get(reverse("events:list"), {"departement": "69"})
    assert [e.pk for e in response.context["events"]] == [far.pk]


def test_a_bad_filter_is_a_400_with_its_message_and_the_value_kept(client):
    response = client.get(reverse("events:list"), {"departement": "99", "postcode": "123"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "A département code such as 75, 2A or 974." in content
    assert "A postcode has five digits" in content
    assert 'value="99"' in content


def test_held_hidden_and_private_events_are_not_listed(
    client, make_event, private_group, staff, supporter
):
    shown = make_event(title="Visible")
    hidden = make_event(title="Cachée")
    Event.objects.filter(pk=hidden.pk).update(moderation_state=ModerationState.HIDDEN)
    private = make_event(title="Privée", space=private_group, organiser=staff)
    client.force_login(supporter)
    listed = [e.pk for e in client.get(reverse("events:list")).context["events"]]
    assert listed == [shown.pk]
    assert client.get(reverse("events:event", args=[private.pk])).status_code == 404
    assert client.get(reverse("events:event", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("events:event", args=[999999])).status_code == 404


# Creating ------------------------------------------------------------------------------


def test_the_section_animator_creates_an_event_read_in_its_time_zone(
    client, spaces, section_animator
):
    client.force_login(section_animator)
    url = reverse("events:create", args=[spaces["section"].slug])
    assert client.get(url).status_code == 200
    response = client.post(url, new_event_data())
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:event", args=[event.pk])
    assert event.organiser == section_animator and event.departement == "33"
    assert event.starts_at == soon(days=4)
    assert "<strong>médiathèque</strong>" in event.description_html
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_a_plain_member_cannot_create_an_event_in_the_section(client, spaces, member):
    client.force_login(member)
    url = reverse("events:create", args=[spaces["section"].slug])
    assert client.get(url).status_code == 403
    assert client.post(url, new_event_data()).status_code == 403
    assert not Event.objects.exists()


def test_a_group_member_creates_an_event_in_their_group(client, group, member):
    client.force_login(member)
    response = client.post(reverse("events:create", args=[group.slug]), new_event_data())
    assert response.status_code == 302
    assert Event.objects.get().space == group


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"ends_at": "2099-01-01T08:00", "starts_at": "2099-01-01T10:00"}, "must end after"),
        ({"starts_at": "2001-01-01T10:00", "ends_at": "2001-01-01T12:00"}, "in the past"),
        ({"commune": "", "address": "", "postcode": ""}, "online link"),
        ({"postcode": "3313"}, "five digits"),
        ({"capacity": "0"}, "greater than or equal to 1"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_400_with_its_message_and_what_was_typed_kept(
    client, spaces, section_animator, values, message
):
    client.force_login(section_animator)
    data = new_event_data(**values)
    response = client.post(reverse("events:create", args=[spaces["section"].slug]), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    assert "Porte-à-porte dans le quartier Terres Neuves" in content
    assert not Event.objects.exists()


def test_the_organiser_changes_the_time_and_the_form_shows_local_times(
    client, event, section_animator
):
    client.force_login(section_animator)
    url = reverse("events:edit", args=[event.pk])
    local = event.starts_at.astimezone(timezone.get_current_timezone())
    assert local.strftime("%Y-%m-%dT%H:%M") in client.get(url).content.decode()
    later = soon(days=5)
    data = new_event_data(
        title=event.title,
        starts_at=later.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(later + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.starts_at == later and event.sequence == 1


# Answering --------------------------------------------------------------------------------


def test_answering_up_to_the_waiting_list(client, make_event, section, charter):
    event = make_event(capacity=1)
    first, second = people(section, charter, 2)
    url = reverse("events:rsvp", args=[event.pk])
    client.force_login(first)
    response = client.post(url, {"status": "going"}, follow=True)
    assert "Your answer is saved." in response.content.decode()
    client.force_login(second)
    response = client.post(url, {"status": "going"}, follow=True)
    assert "waiting list" in response.content.decode()
    assert Rsvp.objects.get(user=second).status == "waiting"
    client.post(url, {"action": "withdraw"})
    assert not Rsvp.objects.filter(user=second).exists()


def test_a_forged_answer_is_a_400_and_a_cancelled_event_a_409(
    client, event, member, section_animator
):
    client.force_login(member)
    url = reverse("events:rsvp", args=[event.pk])
    assert client.post(url, {"status": "waiting"}).status_code == 400
    client.force_login(section_animator)
    client.post(reverse("events:cancel", args=[event.pk]), {"reason": "Grève"})
    client.force_login(member)
    response = client.post(url, {"status": "going"})
    assert response.status_code == 409
    assert "cancelled" in response.content.decode()
    assert not Rsvp.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, event):
    response = client.post(reverse("events:rsvp", args=[event.pk]), {"status": "going"})
    assert response.status_code == 302 and "login" in response["Location"]


# Sharing ------------------------------------------------------------------------------------


def test_the_event_page_shares_the_persons_invitation_link(client, event, member):
    client.force_login(member)

    page = client.get(reverse("events:event", args=[event.pk])).content.decode()

    shared = invite_url(member, reverse("events:event", args=[event.pk]))
    assert f'value="http://testserver{shared}"' in page
    assert "https://wa.me/?text=" in page and "mailto:?subject=" in page


def test_a_visitor_shares_the_page_itself(client, make_event, group, member):
    event = make_event(space=group, organiser=member)  # a public group's event

    page = client.get(reverse("events:event", args=[event.pk])).content.decode()

    assert f'value="http://testserver/evenements/{event.pk}/"' in page
    assert not InviteCode.objects.exists()


def test_a_cancelled_event_has_no_share_kit(client, event, member, section_animator):
    event_cancel(by=section_animator, event=event, reason="Salle fermée")
    client.force_login(member)

    page = client.get(reverse("events:event", args=[event.pk])).content.decode()

    assert "share-kit" not in page


# Cancelling, attendees, check-in ------------------------------------------------------------


def test_only_the_organisers_cancel_and_the_reason_is_kept_when_refused(
    client, event, member, section_animator
):
    client.force_login(member)
    url = reverse("events:cancel", args=[event.pk])
    response = client.post(url, {"reason": "Je préfère annuler"})
    assert response.status_code == 403
    assert "Je préfère annuler" in response.content.decode()
    client.force_login(section_animator)
    assert client.post(url, {"reason": "Salle fermée"}).status_code == 302
    event.refresh_from_db()
    assert event.cancelled_at is not None and event.cancellation_reason == "Salle fermée"
    page = client.get(reverse("events:event", args=[event.pk])).content.decode()
    assert "This event is cancelled." in page


def test_the_attendee_list_is_for_organisers_and_for_people_going_if_allowed(
    client, make_event, member, supporter, section_animator
):
    event = make_event()
    rsvp_set(user=member, event=event, status="going")
    url = reverse("events:event", args=[event.pk])
    client.force_login(section_animator)
    assert client.get(url).context["attendees"] is not None
    client.force_login(member)
    assert client.get(url).context["attendees"] is None
    Event.objects.filter(pk=event.pk).update(attendees_visible=True)
    assert client.get(url).context["attendees"] is not None
    client.force_login(supporter)
    assert client.get(url).context["attendees"] is None


def test_attendance_is_checked_after_the_start_and_earns_points(
    client, event, member, supporter, section_animator
):
    rsvp_set(user=member, event=event, status="going")
    rsvp_set(user=supporter, event=event, status="going")
    url = reverse("events:attendance", args=[event.pk])
    client.force_login(section_animator)
    assert client.post(url, {"present": [member.pk]}).status_code == 403
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    page = client.get(reverse("events:event", args=[event.pk])).content.decode()
    assert "Who attended" in page
    assert client.post(url, {"present": ["x"]}).status_code == 400
    assert client.post(url, {"present": [member.pk]}).status_code == 302
    assert Rsvp.objects.get(user=member).attended is True
    assert Rsvp.objects.get(user=supporter).attended is False
    assert PointAward.objects.filter(user=member, rule="event_attended").count() == 1
    client.force_login(member)
    assert client.post(url, {"present": [member.pk]}).status_code == 403


# iCalendar -----------------------------------------------------------------------------------


def test_the_ics_of_an_event_parses_and_follows_the_rule_of_its_space(client, event, member):
    assert client.get(reverse("events:ics", args=[event.pk])).status_code == 404
    client.force_login(member)
    response = client.get(reverse("events:ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    [vevent] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title


def test_the_space_feed_lists_its_events_and_a_private_spaces_is_not_served(
    client, make_event, spaces, group, private_group, staff
):
    make_event(title="Première", space=group)
    make_event(title="Seconde", space=group)
    response = client.get(reverse("events:space_ics", args=[group.slug]))
    summaries = [str(v["SUMMARY"]) for v in Calendar.from_ical(response.content).walk("VEVENT")]
    assert summaries == ["Première", "Seconde"]
    make_event(title="Privée", space=private_group, organiser=staff)
    assert client.get(reverse("events:space_ics", args=[private_group.slug])).status_code == 404
    # A section's space is private to its people: a calendar app has no session.
    assert client.get(reverse("events:space_ics", args=[spaces["section"].slug])).status_code == 404


def test_the_personal_feed_lists_my_events_and_a_reset_retires_the_old_address(
    client, make_event, member
):
    going = make_event(title="J'y vais")
    make_event(title="Pas moi")
    rsvp_set(user=member, event=going, status="going")
    client.force_login(member)
    page = client.get(reverse("events:calendar"))
    token = CalendarToken.objects.get(user=member).token
    assert token in page.content.decode()
    client.logout()
    feed = client.get(reverse("events:feed", args=[token]))
    summaries = [str(v["SUMMARY"]) for v in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert summaries == ["J'y vais"]
    client.force_login(member)
    client.post(reverse("events:calendar"))
    assert client.get(reverse("events:feed", args=[token])).status_code == 404
    assert client.get(reverse("events:feed", args=["forged"])).status_code == 404


def test_the_feed_of_an_erased_or_inactive_person_is_gone(client, charter):
    person = UserFactory(is_active=False)
    token = calendar_token_get(user=person).token
    assert client.get(reverse("events:feed", args=[token])).status_code == 404


def test_the_space_page_links_to_its_events(client, spaces, member):
    client.force_login(member)
    page = client.get(reverse("spaces:space", args=[spaces["section"].slug])).content.decode()
    assert reverse("events:space", args=[spaces["section"].slug]) in page


def test_a_territorial_space_without_events_shows_none(client, other_section, staff):
    space = territorial_space_ensure(other_section)
    page = client.get(reverse("events:space", args=[space.slug]))
    assert "Only the people of this space see its events." in page.content.decode()
    client.force_login(staff)
    page = client.get(reverse("events:space", args=[space.slug]))
    assert "No upcoming event here." in page.content.decode()


def test_the_event_page_makes_as_many_queries_for_3_attendees_as_for_30(
    client, make_event, section, charter, section_animator
):
    event = make_event(capacity=20)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() + timedelta(minutes=5), ends_at=timezone.now() + timedelta(hours=2)
    )
    client.force_login(section_animator)
    url = reverse("events:event", args=[event.pk])

    def add(n):
        for person in people(section, charter, n):
            rsvp_set(user=person, event=event, status="going")

    add(3)
    few = count_queries(client, url)
    add(27)  # beyond the capacity: some wait
    many = count_queries(client, url)
    assert few == many
    # Once started, the check-in form lists them all, in as many queries.
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    page = client.get(url).content.decode()
    assert page.count('name="present"') == 30
    assert count_queries(client, url) == many
