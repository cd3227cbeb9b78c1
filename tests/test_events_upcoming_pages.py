"""The pages of upcoming events (issue 8): counted only a few pages ahead of
the one shown ("page 1 of more than 2"), each page picked on the events'
own columns and holding the same events, in the same order and with the
same counts, as the whole list."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from membrane.events import selectors, views
from membrane.events.selectors import upcoming_events, upcoming_events_page
from membrane.events.services import rsvp_set
from tests.test_events_fixtures import (  # noqa: F401
    group_fixture,
    make_event_fixture,
    soon,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven_events(make_event, group):
    """Seven events of a public group: two at Bègles, two elsewhere in
    Gironde, three in Lyon, on different days."""
    places = [("33130", "Bègles")] * 2 + [("33000", "Bordeaux")] * 2 + [("69003", "Lyon")] * 3
    return [
        make_event(
            space=group, title=f"Réunion {i}", postcode=code, commune=town, starts_at=soon(i + 1)
        )
        for i, (code, town) in enumerate(places)
    ]


@pytest.fixture
def two_a_page(monkeypatch):
    """Two events a page, counted one page ahead."""
    monkeypatch.setattr(views, "EVENTS_PER_PAGE", 2)
    monkeypatch.setattr(selectors, "PAGES_COUNTED_AHEAD", 1)


def listing(client, **params):
    return client.get(reverse("events:list"), params)


def test_the_count_stops_a_page_ahead_and_the_pager_says_more(client, seven_events, two_a_page):
    response = listing(client)

    page = response.context["events"]
    assert page.paginator.count == 4
    assert page.paginator.more_than_counted
    assert page.has_next()
    assert "Page 1 of more than 2" in response.text


def test_a_later_page_counts_further_and_the_last_one_is_exact(client, seven_events, two_a_page):
    third = listing(client, page=3).context["events"]
    assert third.paginator.count == 7
    assert not third.paginator.more_than_counted
    assert third.number == 3

    response = listing(client, page=4)
    assert "Page 4 of 4" in response.text
    assert [e.pk for e in response.context["events"]] == [seven_events[6].pk]


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("99", 4), ("9" * 40, 4)])
def test_a_page_number_out_of_range_shows_the_first_or_the_last(
    client, seven_events, two_a_page, asked, shown
):
    assert listing(client, page=asked).context["events"].number == shown


def test_the_pages_follow_the_whole_lists_order_nearest_first(client, seven_events, two_a_page):
    whole = [e.pk for e in upcoming_events(AnonymousUser(), postcode="33130")]

    paged = []
    for number in (1, 2, 3, 4):
        paged += [e.pk for e in listing(client, postcode="33130", page=number).context["events"]]

    assert paged == whole
    assert whole[:2] == [seven_events[0].pk, seven_events[1].pk]


def test_a_pages_events_carry_their_counts_and_the_viewers_answer(seven_events, member):
    first = seven_events[0]
    rsvp_set(user=member, event=first, status="going")

    page = upcoming_events_page(member, page=1, per_page=3, postcode="33130")

    event = page.object_list[0]
    assert event.pk == first.pk
    assert (event.going_count, event.waiting_count, event.my_status) == (1, 0, "going")
    assert event.space.name == "Climat et transports"
