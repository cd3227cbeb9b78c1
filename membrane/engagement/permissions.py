"""Who may see what of invitations, points, badges and rankings. Plain
predicates, tested as a matrix of personas in tests/test_engagement_pages.py
and tests/test_api_engagement.py."""

from typing import Any

from membrane.accounts.models import User
from membrane.accounts.permissions import can_view_profile


def can_invite(viewer: Any) -> bool:
    """Everyone signed in has an invitation link and their own points."""
    return bool(viewer.is_authenticated)


def can_view_rankings(viewer: Any) -> bool:
    """Rankings are for the community: signed-in people."""
    return bool(viewer.is_authenticated)


def can_view_badges(viewer: Any, person: User) -> bool:
    """A person's badges are as visible as their profile."""
    return can_view_profile(viewer, person)
