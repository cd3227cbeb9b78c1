"""Who sees what of a space's participation: the full page, the nudges and
the export for its animators and staff; a published summary for whoever may
read the space; the whole platform's figures for staff."""

from typing import Any

from membrane.insights.models import Publication
from membrane.spaces.models import Space
from membrane.spaces.permissions import can_manage_space, can_view_space


def can_view_insights(user: Any, space: Space | None) -> bool:
    if space is None:
        return bool(user.is_authenticated and user.is_staff and user.is_active)
    return can_manage_space(user, space)


def can_export_insights(user: Any, space: Space | None) -> bool:
    return can_view_insights(user, space)


def can_nudge(user: Any, space: Space) -> bool:
    return can_manage_space(user, space)


def can_publish_insights(user: Any, space: Space) -> bool:
    return can_manage_space(user, space)


def is_published(space: Space) -> bool:
    return Publication.objects.filter(space=space).exists()


FULL = "full"
SUMMARY = "summary"


def insights_access(user: Any, space: Space | None) -> str | None:
    """What of the participation the person sees, for the page, its charts
    and the API alike: everything (FULL), the summary its animators published
    (SUMMARY), or nothing (None)."""
    if can_view_insights(user, space):
        return FULL
    if space is not None and is_published(space) and can_view_space(user, space):
        return SUMMARY
    return None
