"""The demo's events: over the coming six weeks in sections, the national
space and groups, answered by the demo people, one full with a waiting
list, one past with its attendance checked; loaded once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from membrane.engagement.models import PointAward
from membrane.events.demo import load_events
from membrane.events.models import Event, Rsvp
from membrane.spaces.models import Space

pytestmark = pytest.mark.django_db

DOMAIN = "demo.membrane.localhost"


def test_the_demo_events_are_spread_answered_and_one_was_checked(db):
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    # load_demo loaded the events.
    assert Event.objects.count() >= 10 and Rsvp.objects.count() > 30
    now = timezone.now()
    upcoming = Event.objects.filter(starts_at__gt=now)
    assert upcoming.filter(starts_at__lte=now + timedelta(weeks=6)).count() == upcoming.count()
    kinds = set(upcoming.values_list("space__kind", flat=True))
    assert {Space.Kind.SECTION, Space.Kind.NATIONAL, Space.Kind.GROUP} <= kinds
    assert len(set(upcoming.exclude(departement="").values_list("departement", flat=True))) >= 5
    assert Rsvp.objects.filter(status="waiting").exists()
    past = Event.objects.get(starts_at__lt=now)
    assert past.rsvps.filter(attended=True).exists()
    assert PointAward.objects.filter(rule="event_attended", key=f"event:{past.pk}").exists()
    # Loaded once.
    count = Event.objects.count()
    assert load_events(DOMAIN) == {"events": 0, "rsvps": 0, "attended": 0}
    assert Event.objects.count() == count


def test_without_the_demo_people_nothing_is_loaded(db):
    assert load_events(DOMAIN) is None
    assert not Event.objects.exists()
