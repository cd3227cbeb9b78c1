from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from membrane.core.text import normalize_for_search
from membrane.spaces.models import Membership, Role, Space


def readable_spaces_q(user: Any) -> Q:
    """A filter on Space: the spaces whose content the person may read (the
    same rule as permissions.can_view_space, as a query)."""
    public = Q(visibility=Space.Visibility.PUBLIC)
    if not (user.is_authenticated and user.is_active):
        return public
    if user.is_staff:
        return Q()
    member_of_group = Exists(Membership.objects.filter(space=OuterRef("pk"), user=user))
    territorial = Q(kind=Space.Kind.NATIONAL)
    if user.section_id is not None:
        territorial |= Q(unit_id=user.section_id) | Q(unit_id=user.section.parent_id)
    animated = Q(unit_id__in=_animated_units_and_below(user))
    return public | member_of_group | territorial | animated


def _animated_units_and_below(user: Any) -> Any:
    from membrane.territory.models import Unit
    from membrane.territory.permissions import animated_unit_ids

    units = animated_unit_ids(user)
    if not units:
        return []
    return Unit.objects.filter(
        Q(pk__in=units) | Q(parent_id__in=units) | Q(parent__parent_id__in=units)
    ).values("pk")


def readable_spaces(user: Any) -> QuerySet[Space]:
    return Space.objects.filter(readable_spaces_q(user))


def group_directory(*, query: str = "", viewer: Any) -> QuerySet[Space]:
    """Every group (private ones too: their name and description are public),
    with member counts and whether the viewer belongs, most populated first."""
    groups = Space.objects.groups().annotate(member_count=Count("memberships", distinct=True))
    if viewer.is_authenticated:
        groups = groups.annotate(
            is_member=Exists(Membership.objects.filter(space=OuterRef("pk"), user=viewer))
        )
    key = normalize_for_search(query)
    if key:
        groups = groups.filter(search_key__contains=key)
    return groups.order_by("-member_count", "name")


def most_active_groups(*, days: int = 30, limit: int = 10) -> QuerySet[Space]:
    """Groups ranked by posts in the last `days` days. Counts only what is
    public: a private group's activity is not shown to outsiders."""
    since = timezone.now() - timedelta(days=days)
    return (
        Space.objects.groups()
        .filter(visibility=Space.Visibility.PUBLIC)
        .annotate(
            recent_posts=Count(
                "threads__posts",
                filter=Q(threads__posts__created_at__gte=since, threads__posts__deleted_at=None),
            )
        )
        .filter(recent_posts__gt=0)
        .order_by("-recent_posts", "name")[:limit]
    )


def group_members(space: Space) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(space=space, user__is_active=True)
        .select_related("user")
        .order_by("-role", "user__last_name", "user__first_name")
    )


def space_animators(space: Space) -> QuerySet[Membership]:
    return Membership.objects.filter(space=space, role__gte=Role.ANIMATOR).select_related("user")
