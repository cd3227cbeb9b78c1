"""The first events of a list, picked part by part (issue 8): the events
already started, then the future ones at the postcode, in its département
and elsewhere, each read in start order and cut, must give exactly the
first events of the whole list sorted at once, whatever the cut."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from membrane.events import views
from membrane.events.models import Event
from membrane.events.selectors import first_in_order, upcoming_event_order, upcoming_events
from membrane.moderation.models import ModerationState
from tests.test_events_fixtures import (  # noqa: F401
    group_fixture,
    make_event_fixture,
    soon,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"
PLACES = [("33130", "Bègles"), ("33000", "Bordeaux"), ("69003", "Lyon"), ("", "")]


@pytest.fixture
def mixed_events(make_event, group):
    """In each place (and online): one event being held now, two starting
    at the same time (the id breaks the tie), one later, one over, one
    hidden by moderation."""
    now = timezone.now()
    made = []
    for i, (code, town) in enumerate(PLACES):
        online = {"online_url": "https://visio.example.org/r", "address": ""} if not code else {}
        place = {"space": group, "postcode": code, "commune": town, **online}
        held_now = make_event(title=f"En cours {i}", starts_at=soon(1), **place)
        over = make_event(title=f"Passé {i}", starts_at=soon(1), **place)
        Event.objects.filter(pk=held_now.pk).update(
            starts_at=now - timedelta(hours=1 + i), ends_at=now + timedelta(hours=1)
        )
        Event.objects.filter(pk=over.pk).update(
            starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1)
        )
        twins = [make_event(title=f"Jumeau {i}", starts_at=soon(2), **place) for _ in range(2)]
        later = make_event(title=f"Plus tard {i}", starts_at=soon(5 - i), **place)
        hidden = make_event(title=f"Masqué {i}", starts_at=soon(3), **place)
        Event.objects.filter(pk=hidden.pk).update(moderation_state=ModerationState.HIDDEN)
        made += [held_now, *twins, later]
    return made


@pytest.mark.parametrize("postcode", [None, "33130", "33000", "69003", "75011"])
def test_every_cut_gives_the_first_events_of_the_whole_sorted_list(mixed_events, postcode):
    whole = [e.pk for e in upcoming_events(AnonymousUser(), postcode=postcode)]
    assert sorted(whole) == sorted(e.pk for e in mixed_events)

    events = upcoming_event_order(AnonymousUser(), postcode=postcode)
    for count in range(1, len(whole) + 2):
        first = [e.pk for e in first_in_order(events, postcode, count)[:count]]
        assert first == whole[:count], count


def test_near_a_postcode_the_ones_held_now_come_first_in_their_part(mixed_events):
    whole = list(upcoming_events(AnonymousUser(), postcode="33000"))

    assert [e.title for e in whole[:4]] == ["En cours 1", "Jumeau 1", "Jumeau 1", "Plus tard 1"]
    assert whole[4].title == "En cours 0"  # the same département, then the others


def test_the_api_pages_near_a_postcode_hold_the_whole_list(client, mixed_events):
    whole = [e.pk for e in upcoming_events(AnonymousUser(), postcode="33130")]

    paged, cursor = [], None
    while True:
        params = {"postcode": "33130", "limit": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get(f"{API}/events", params).json()
        paged += [e["id"] for e in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break

    assert paged == whole


def test_the_pages_of_the_list_hold_the_whole_list(client, mixed_events, monkeypatch):
    monkeypatch.setattr(views, "EVENTS_PER_PAGE", 5)
    whole = [e.pk for e in upcoming_events(AnonymousUser(), postcode="69003")]

    paged = []
    for number in (1, 2, 3, 4):
        response = client.get(reverse("events:list"), {"postcode": "69003", "page": number})
        paged += [e.pk for e in response.context["events"]]

    assert paged == whole
