"""Fixtures shared by the events tests (each file imports the `*_fixture`
functions, registered under the names without the suffix): the
Gironde spaces, a thematic group, and a factory of events through the
service, starting in a few days unless told otherwise."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from membrane.events.models import Event
from membrane.events.services import event_create
from membrane.spaces.models import Role, Space
from tests.spaces_factories import GroupFactory, MembershipFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def soon(days: int = 3, hour: int = 18) -> datetime:
    """A local time in Paris `days` from now."""
    moment = timezone.now().astimezone(PARIS) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture(name="group")
def group_fixture(member, charter):
    """A public thematic group: `member` is a plain member of it."""
    group = GroupFactory(name="Climat et transports", slug="climat")
    MembershipFactory(space=group, user=member, role=Role.MEMBER)
    return group


@pytest.fixture(name="private_group")
def private_group_fixture(charter):
    return GroupFactory(name="Groupe fermé", slug="ferme", visibility=Space.Visibility.PRIVATE)


@pytest.fixture(name="make_event")
def make_event_fixture(spaces, section_animator):
    def make(**values) -> Event:
        starts_at = values.pop("starts_at", soon())
        defaults = {
            "organiser": section_animator,
            "space": spaces["section"],
            "title": "Réunion publique sur les transports",
            "starts_at": starts_at,
            "ends_at": values.pop("ends_at", starts_at + timedelta(hours=2)),
            "address": "12 rue Jean Jaurès",
            "postcode": "33130",
            "commune": "Bègles",
        }
        return event_create(**{**defaults, **values})

    return make


@pytest.fixture(name="event")
def event_fixture(make_event):
    return make_event()
