"""Who may act on the territory. Rights flow down the tree: an animator of a
federation animates each of its sections; an animator of the national level,
everything."""

from typing import Any

from membrane.territory.models import Animator, Unit


def animated_unit_ids(user: Any) -> set[int]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_animated_unit_ids", None)
    if cached is None:
        cached = set(Animator.objects.filter(user=user).values_list("unit_id", flat=True))
        user._animated_unit_ids = cached
    return cached


def is_animator_of(user: Any, unit: Unit | None) -> bool:
    """True if `user` animates `unit` or one of its ancestors. Load the unit
    with `select_related("parent")`."""
    if unit is None:
        return False
    return bool(animated_unit_ids(user) & set(unit.lineage_ids()))


def can_animate(user: Any, unit: Unit | None) -> bool:
    return bool(user.is_authenticated and (user.is_staff or is_animator_of(user, unit)))


def can_join_section(user: Any, unit: Unit) -> bool:
    return bool(user.is_authenticated and unit.is_section and user.erased_at is None)
