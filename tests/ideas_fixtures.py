"""Fixtures shared by the ideas tests (a plugin of tests/conftest.py):
the territorial spaces of the Gironde persona tree, a section's box, the
federation's box above it, and a few themes."""

import pytest
from django.utils.text import slugify

from membrane.ideas.services import box_open
from membrane.spaces.services import territorial_space_ensure


@pytest.fixture
def spaces(section, federation):
    return {
        "section": territorial_space_ensure(section),
        "federation": territorial_space_ensure(federation),
        "national": territorial_space_ensure(federation.parent),
    }


@pytest.fixture
def box(spaces, section_animator):
    return box_open(
        space=spaces["section"], by=section_animator, threshold_supports=2, answer_delay_days=10
    )


@pytest.fixture
def upper_box(spaces, staff):
    return box_open(space=spaces["federation"], by=staff, threshold_supports=2)


@pytest.fixture
def themes(db):
    """A few themes, by slug."""
    from membrane.ideas.models import Theme

    names = ["Écologie", "Éducation", "Santé", "Transports", "Logement"]
    return {
        theme.slug: theme
        for theme in (Theme.objects.create(name=name, slug=slugify(name)) for name in names)
    }
