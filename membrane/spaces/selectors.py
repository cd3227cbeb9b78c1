from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from membrane.accounts.selectors import people_listed_to, people_visible_to
from membrane.core.text import normalize_for_search
from membrane.moderation.models import ModerationState
from membrane.moderation.selectors import visible_q
from membrane.spaces.models import Invitation, JoinRequest, Membership, Role, Space
from membrane.territory.models import Unit


def readable_spaces_q(user: Any) -> Q:
    """A filter on Space: the spaces whose content the person may read (the
    same rule as permissions.can_view_space, as a query)."""
    public = Q(visibility=Space.Visibility.PUBLIC)
    if not (user.is_authenticated and user.is_active and user.erased_at is None):
        return public
    if user.is_staff:
        return Q()
    member_of_group = Exists(Membership.objects.filter(space=OuterRef("pk"), user=user))
    territorial = Q(kind=Space.Kind.NATIONAL)
    if user.section_id is not None:
        territorial |= Q(unit_id=user.section_id)
        # Not `unit_id=None` for a section without a federation: that would
        # match every group (groups have no unit), private ones included.
        if user.section.parent_id is not None:
            territorial |= Q(unit_id=user.section.parent_id)
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


def groups_with_counts(*, viewer: Any) -> QuerySet[Space]:
    """Every group, hidden ones included, with member counts and whether the
    viewer belongs: a group's page and the API's detail mask what a hidden
    group shows (conversations/moderated.py)."""
    groups = Space.objects.groups().annotate(
        member_count=Count(
            "memberships",
            filter=Q(memberships__user__is_active=True),
            distinct=True,
        )
    )
    if viewer.is_authenticated:
        groups = groups.annotate(
            is_member=Exists(Membership.objects.filter(space=OuterRef("pk"), user=viewer))
        )
    return groups


def group_directory(*, query: str = "", viewer: Any) -> QuerySet[Space]:
    """Every group (private ones too: their name and description are public),
    with member counts and whether the viewer belongs, most populated first.
    A group hidden by moderation is listed for its creator alone."""
    groups = groups_with_counts(viewer=viewer).filter(visible_q(viewer, author_field="created_by"))
    key = normalize_for_search(query)
    if key:
        groups = groups.filter(search_key__contains=key)
    # F(): the annotation comes from groups_with_counts, out of the type
    # checker's sight.
    return groups.order_by(F("member_count").desc(), "name")


def most_populated_groups(*, viewer: Any, limit: int = 10) -> QuerySet[Space]:
    """The directory's ranking by members: never a group hidden by moderation."""
    return group_directory(viewer=viewer).filter(moderation_state=ModerationState.VISIBLE)[:limit]


def most_active_groups(*, days: int = 30, limit: int = 10) -> QuerySet[Space]:
    """Groups ranked by posts in the last `days` days. Counts only what is
    public: a private group's activity is not shown to outsiders, nor a group
    or messages that moderation hides or holds."""
    since = timezone.now() - timedelta(days=days)
    return (
        Space.objects.groups()
        .filter(visibility=Space.Visibility.PUBLIC, moderation_state=ModerationState.VISIBLE)
        .annotate(
            recent_posts=Count(
                "threads__posts",
                filter=Q(
                    threads__posts__created_at__gte=since,
                    threads__posts__deleted_at=None,
                    threads__posts__moderation_state=ModerationState.VISIBLE,
                    threads__moderation_state=ModerationState.VISIBLE,
                ),
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


def group_members_visible_to(
    *, space: Space, viewer: Any, manager: bool = False
) -> QuerySet[Membership]:
    """A group's members that the viewer may see: everyone for its animators
    (`manager`), else those whose profile the viewer may see."""
    members = group_members(space).filter(user__erased_at=None)
    if manager:
        return members
    return members.filter(user__in=people_visible_to(viewer).values("pk"))


def space_member_count(space: Space) -> int:
    """How many people belong to the space: a group's active members; the
    people of a section, of a federation's sections, or everyone (national)."""
    if space.is_group:
        return Membership.objects.filter(
            space=space, user__is_active=True, user__erased_at=None
        ).count()
    if space.unit is None:
        return 0
    people = get_user_model().objects.filter(is_active=True, erased_at=None)
    if space.unit.kind == Unit.Kind.SECTION:
        people = people.filter(section_id=space.unit.pk)
    elif space.unit.kind == Unit.Kind.FEDERATION:
        people = people.filter(section__parent_id=space.unit.pk)
    return people.count()


def pending_request_of(*, space: Space, user: Any) -> JoinRequest | None:
    if not user.is_authenticated:
        return None
    return JoinRequest.objects.filter(
        space=space, user=user, status=JoinRequest.Status.PENDING
    ).first()


def has_pending_invitation(*, space: Space, user: Any) -> bool:
    if not user.is_authenticated:
        return False
    return Invitation.objects.filter(space=space, user=user, accepted_at=None).exists()


def pending_join_requests(space: Space) -> QuerySet[JoinRequest]:
    """Requests waiting for an answer, oldest first, with who asks."""
    return (
        JoinRequest.objects.filter(space=space, status=JoinRequest.Status.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def invitable_people(*, space: Space, viewer: Any, query: str, limit: int = 20) -> QuerySet[Any]:
    """People the viewer may see and invite to the group, found by handle
    (`@camille-durand`, exact match first) or by name; members left out, each
    with `already_invited`. Any member may create a group: by name, only people
    listed in the directory are found (people_listed_to); anyone the viewer
    may see, by their exact handle."""
    words = query.strip().lstrip("@").split()
    if not words:
        return get_user_model().objects.none()
    handle = words[0].lower() if len(words) == 1 else ""
    exact = Q(handle=handle) if handle else Q(pk__in=[])
    people = people_visible_to(viewer).filter(
        Q(pk__in=people_listed_to(viewer).values("pk")) | exact
    )
    people = people.exclude(space_memberships__space=space)
    for word in words[:5]:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(display_name__icontains=word)
            | Q(handle__icontains=word)
        )
    return people.annotate(
        exact=Case(
            When(handle=handle, then=Value(0)), default=Value(1), output_field=IntegerField()
        ),
        already_invited=Exists(
            Invitation.objects.filter(space=space, user=OuterRef("pk"), accepted_at=None)
        ),
    ).order_by("exact", "last_name", "first_name", "pk")[:limit]
