from typing import Any

from django.db.models import Count, Q, QuerySet

from membrane.accounts.selectors import people_listed_to, people_visible_to
from membrane.core.text import normalize_for_search
from membrane.territory.models import Animator, Unit
from membrane.territory.permissions import can_animate
from membrane.territory.services import is_listed


def section_search(query: str = "") -> QuerySet[Unit]:
    """Sections matching a commune, a postcode (or its start) or a name."""
    sections = Unit.objects.sections().select_related("parent")
    query = query.strip()
    if query:
        if query.isdigit():
            sections = sections.filter(Q(postcode__startswith=query) | Q(parent__code=query))
        else:
            key = normalize_for_search(query)
            sections = sections.filter(
                Q(search_key__contains=key) | Q(parent__search_key__contains=key)
            )
    # Each section's `member_count` is stored: no COUNT over its people.
    return sections.order_by("name")


def federation_list() -> QuerySet[Unit]:
    return Unit.objects.federations().annotate(section_count=Count("children")).order_by("code")


def unit_animators(unit: Unit) -> QuerySet[Animator]:
    """The animators of a unit and of its ancestors, nearest first."""
    return (
        Animator.objects.filter(unit_id__in=unit.lineage_ids())
        .select_related("user", "unit")
        .order_by("-unit__kind", "user__last_name")
    )


def section_members(*, section: Unit, viewer: Any) -> tuple[QuerySet[Any], int]:
    """The section's members the viewer may see, and how many they are. The
    list is part of the directory (people_listed_to: signed-in viewers,
    people who opted in); the section's animators and staff see every member
    whose profile they may see. The number comes from the section's stored
    counts, not from a COUNT over its people (thousands in a big city), but
    for the section's animators: few, and they see more than the directory."""
    members = section.people.filter(is_active=True, erased_at__isnull=True)
    if can_animate(viewer, section):
        visible = people_visible_to(viewer, members)
        # Staff see every member (the stored count); an animator, every
        # profile not kept for staff (no stored count: counted here).
        shown = section.member_count if viewer.is_staff else visible.count()
    else:
        visible = people_listed_to(viewer, members)
        shown = _listed_count(section, viewer)
    return visible.order_by("last_name", "first_name", "pk"), shown


def _listed_count(section: Unit, viewer: Any) -> int:
    """How many people of the section the directory shows the viewer: none
    to anonymous visitors; the listed ones, and the viewer to themself."""
    if not viewer.is_authenticated:
        return 0
    shown = section.listed_member_count
    if viewer.section_id == section.pk and not is_listed(viewer):
        shown += 1
    return shown
