"""The permission matrix of events: each persona and each action, on an event of the
section (a private territorial space), of a public thematic group and of a
private one."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from membrane.events.models import Event
from membrane.events.permissions import (
    can_cancel_event,
    can_check_in,
    can_create_event,
    can_edit_event,
    can_manage_event,
    can_see_attendees,
    can_view_event,
    rsvp_refusal,
)
from membrane.events.services import rsvp_set
from membrane.moderation.models import ModerationState
from tests.api_helpers import API, send
from tests.test_events_fixtures import (  # noqa: F401
    event_fixture,
    group_fixture,
    make_event_fixture,
    private_group_fixture,
)

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "supporter",
    "member_to_verify",
    "member",
    "section_animator",
    "federation_animator",
    "outsider_animator",
    "staff",
]


@pytest.fixture
def persona(request):
    def get(name):
        return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)

    return get


# Who may do what with an event of the section (private to its people).
SECTION_MATRIX = {
    #                      view   create manage rsvp
    "anonymous": (False, False, False, False),
    "supporter": (True, False, False, True),
    "member_to_verify": (True, False, False, True),
    "member": (True, False, False, True),
    "section_animator": (True, True, True, True),
    "federation_animator": (True, True, True, True),
    "outsider_animator": (False, False, False, False),
    "staff": (True, True, True, True),
}


@pytest.mark.parametrize("name", PERSONAS)
def test_the_section_event_matrix(name, persona, event, spaces):
    user = persona(name)
    view, create, manage, rsvp = SECTION_MATRIX[name]
    assert can_view_event(user, event) is view
    assert can_create_event(user, spaces["section"]) is create
    assert can_manage_event(user, event) is manage
    assert can_edit_event(user, event) is manage
    assert can_cancel_event(user, event) is manage
    assert can_see_attendees(user, event) is manage
    # Answering needs a person who sees it (the view is checked first).
    assert (view and rsvp_refusal(user, event) is None) is rsvp
    assert can_check_in(user, event) is False  # not started yet


@pytest.mark.parametrize("name", PERSONAS)
def test_check_in_is_for_the_managers_once_the_event_started(name, persona, event):
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    event.refresh_from_db()
    assert can_check_in(persona(name), event) is SECTION_MATRIX[name][2]
    assert rsvp_refusal(persona(name), event) in ("started", "signed_out")


@pytest.mark.parametrize("name", PERSONAS)
def test_in_a_public_group_its_members_create_and_everyone_sees(
    name, persona, group, make_event, staff
):
    user = persona(name)
    event = make_event(space=group, organiser=staff)
    assert can_view_event(user, event) is True
    # `member` belongs to the group; staff animate everything.
    assert can_create_event(user, group) is (name in ("member", "staff"))
    assert can_manage_event(user, event) is (name == "staff")


@pytest.mark.parametrize("name", PERSONAS)
def test_a_private_groups_events_are_seen_by_its_members_alone(
    name, persona, private_group, make_event, staff
):
    event = make_event(space=private_group, organiser=staff)
    assert can_view_event(persona(name), event) is (name == "staff")


def test_the_organiser_of_a_group_event_manages_it(group, make_event, member):
    event = make_event(space=group, organiser=member)
    assert can_manage_event(member, event)


def test_people_going_see_the_attendees_only_if_the_organiser_allows(make_event, member, supporter):
    event = make_event(attendees_visible=True)
    rsvp_set(user=member, event=event, status="going")
    rsvp_set(user=supporter, event=event, status="interested")
    assert can_see_attendees(member, event)
    assert not can_see_attendees(supporter, event)
    Event.objects.filter(pk=event.pk).update(attendees_visible=False)
    event.refresh_from_db()
    assert not can_see_attendees(member, event)


def test_a_held_event_is_seen_by_its_organiser_and_moderators_alone(
    event, member, section_animator, federation_animator
):
    Event.objects.filter(pk=event.pk).update(moderation_state=ModerationState.HELD)
    event.refresh_from_db()
    assert not can_view_event(member, event)
    assert can_view_event(section_animator, event)  # the organiser
    assert can_view_event(federation_animator, event)  # a moderator of the space
    assert rsvp_refusal(section_animator, event) == "moderated"


def test_a_cancelled_event_can_no_longer_be_edited_nor_answered(event, member, section_animator):
    Event.objects.filter(pk=event.pk).update(cancelled_at=timezone.now())
    event.refresh_from_db()
    assert not can_edit_event(section_animator, event)
    assert not can_cancel_event(section_animator, event)
    assert can_manage_event(section_animator, event)
    assert rsvp_refusal(member, event) == "cancelled"


# The same matrix through the pages and the API.


def log_in(client, user):
    if user.is_authenticated:
        client.force_login(user)


@pytest.mark.parametrize("name", PERSONAS)
def test_the_section_event_matrix_on_the_pages(name, persona, client, event, spaces):
    user = persona(name)
    log_in(client, user)
    view, create, manage, _rsvp = SECTION_MATRIX[name]
    detail = client.get(reverse("events:event", args=[event.pk]))
    assert detail.status_code == (200 if view else 404)
    create_page = client.get(reverse("events:create", args=[spaces["section"].slug]))
    expected_create = 200 if create else (302 if name == "anonymous" else 403)
    assert create_page.status_code == expected_create
    edit_page = client.get(reverse("events:edit", args=[event.pk]))
    if name == "anonymous":
        assert edit_page.status_code == 302
    else:
        assert edit_page.status_code == (200 if manage else 403 if view else 404)


@pytest.mark.parametrize("name", PERSONAS)
def test_the_section_event_matrix_in_the_api(name, persona, client, event, spaces):
    user = persona(name)
    log_in(client, user)
    view, create, manage, rsvp = SECTION_MATRIX[name]
    anonymous = name == "anonymous"
    assert client.get(f"{API}/events/{event.pk}").status_code == (200 if view else 404)
    attendees = client.get(f"{API}/events/{event.pk}/attendees").status_code
    assert attendees == (401 if anonymous else 200 if manage else 403 if view else 404)
    answer = send(client, "put", f"/events/{event.pk}/rsvp", {"status": "interested"})
    assert answer.status_code == (401 if anonymous else 200 if rsvp else 404)
    start = timezone.now() + timedelta(days=3)
    created = send(
        client,
        "post",
        f"/spaces/{spaces['section'].slug}/events",
        {
            "title": "Réunion",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "commune": "Bègles",
        },
    )
    assert created.status_code == (401 if anonymous else 201 if create else 403)
