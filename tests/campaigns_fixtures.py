"""Fixtures shared by the campaigns tests (a plugin of tests/conftest.py):
the personas of the matrix by name, a national campaign (`poste`) and a
Gironde one (`trains`) around today. A module's own fixture of the same name
wins (the events tests have their own `people`)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import AnimatorFactory, UserFactory
from tests.test_campaigns_support import federation_campaign, national_campaign


@pytest.fixture
def people(
    supporter,
    member_to_verify,
    member,
    section_animator,
    federation_animator,
    staff,
    other_section,
    federation,
):
    """The personas of `PERSONAS` by name; the national animator and the
    outsider (of another federation) are made for the campaigns."""
    charter = {"charter_version_accepted": supporter.charter_version_accepted}
    national_animator = AnimatorFactory(unit=federation.parent, user=UserFactory(**charter)).user
    return {
        "anonymous": AnonymousUser(),
        "supporter": supporter,
        "member_to_verify": member_to_verify,
        "member": member,
        "section_animator": section_animator,
        "federation_animator": federation_animator,
        "national_animator": national_animator,
        "staff": staff,
        "outsider": UserFactory(section=other_section, **charter),
    }


@pytest.fixture
def poste(people):
    return national_campaign()


@pytest.fixture
def trains(people, federation):
    return federation_campaign(federation)
