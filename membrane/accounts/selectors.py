from typing import Any

from django.db.models import Q, QuerySet

from membrane.accounts.models import SEEN_BY_SIGNED_IN, ProfileVisibility, User
from membrane.territory.permissions import animated_unit_ids


def people_visible_to(viewer: Any, people: QuerySet[User] | None = None) -> QuerySet[User]:
    """Filter `people` down to those whose profile `viewer` may see
    (the same rule as permissions.can_view_profile, as a query)."""
    people = User.objects.all() if people is None else people
    people = people.filter(is_active=True, erased_at__isnull=True)
    if viewer.is_authenticated and viewer.is_staff:
        return people
    if viewer.is_authenticated:
        return people.filter(Q(profile_visibility__in=SEEN_BY_SIGNED_IN) | Q(pk=viewer.pk))
    return people.filter(profile_visibility=ProfileVisibility.PUBLIC)


def people_listed_to(viewer: Any, people: QuerySet[User] | None = None) -> QuerySet[User]:
    """The directory: `people` the viewer may find without knowing them —
    signed-in viewers only, people who opted in to be listed (and the viewer
    themself); staff see everyone they may see. Used by the people search,
    the section's member list and mention suggestions (docs/privacy.md)."""
    people = people_visible_to(viewer, people)
    if not viewer.is_authenticated:
        return people.none()
    if viewer.is_staff:
        return people
    return people.filter(Q(listed_in_directory=True) | Q(pk=viewer.pk))


def memberships_to_verify(actor: Any) -> QuerySet[User]:
    """Claimed, unverified memberships the actor may verify."""
    claims = User.objects.filter(
        membership_claimed=True, membership_verified_at__isnull=True, is_active=True
    ).select_related("section__parent")
    if actor.is_staff:
        return claims.order_by("date_joined")
    units = animated_unit_ids(actor)
    return (
        claims.filter(
            Q(section_id__in=units)
            | Q(section__parent_id__in=units)
            | Q(section__parent__parent_id__in=units)
        )
        .exclude(pk=actor.pk)
        .order_by("date_joined")
    )
