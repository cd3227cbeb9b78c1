"""Who sees what of a space's participation: the full page, the nudges and
the export for its animators and staff; a published summary for whoever may
read the space; the whole platform's figures for staff."""

from typing import Any

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


def can_view_summary(user: Any, space: Space, *, published: bool) -> bool:
    return can_view_insights(user, space) or (published and can_view_space(user, space))
