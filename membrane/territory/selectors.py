from typing import Any

from django.db.models import Count, Q, QuerySet

from membrane.accounts.selectors import people_listed_to, people_visible_to
from membrane.core.text import normalize_for_search
from membrane.territory.models import Animator, Unit
from membrane.territory.permissions import can_animate


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
    active = Q(people__is_active=True, people__erased_at__isnull=True)
    return sections.annotate(member_count=Count("people", filter=active)).order_by("name")


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
    """The section's members the viewer may see, and how many there are in
    all. The list is part of the directory (people_listed_to: signed-in
    viewers, people who opted in); the section's animators and staff see
    every member whose profile they may see."""
    members = section.people.filter(is_active=True, erased_at__isnull=True)
    total = members.count()
    if can_animate(viewer, section):
        visible = people_visible_to(viewer, members)
    else:
        visible = people_listed_to(viewer, members)
    return visible.order_by("last_name", "first_name"), total
