from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from membrane.accounts.models import ProfileVisibility
from membrane.accounts.selectors import people_listed_to, people_visible_to
from membrane.conversations.models import Post
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
    """Every group, hidden ones included, with `member_count` (its stored
    count of active members) and whether the viewer belongs: a group's page
    and the API's detail mask what a hidden group shows
    (conversations/moderated.py)."""
    groups = Space.objects.groups().annotate(member_count=F("active_member_count"))
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


# The windows of the "most active" ranking that pages use, its cache's
# lifetime and how many groups it keeps (a few more than shown, for those
# made private or hidden since).
MOST_ACTIVE_DAYS = (30,)
MOST_ACTIVE_TTL = 5 * 60
MOST_ACTIVE_KEPT = 20


def most_active_key(days: int) -> str:
    return f"spaces:most-active:{days}"


def most_active_groups(*, days: int = 30, limit: int = 10) -> list[Space]:
    """Groups ranked by posts in the last `days` days, each with
    `recent_posts`. Counts only what is public: a private group's activity
    is not shown to outsiders, nor a group or messages that moderation hides
    or holds.

    The ranking (ids and counts) is cached for MOST_ACTIVE_TTL seconds, so
    its counts may be that old; the groups are read again each time, so one
    made private or hidden since leaves it at once."""
    public = Space.objects.groups().filter(
        visibility=Space.Visibility.PUBLIC, moderation_state=ModerationState.VISIBLE
    )
    key = most_active_key(days)
    ranking: list[tuple[int, int]] | None = cache.get(key) if limit <= MOST_ACTIVE_KEPT else None
    if ranking is None:
        ranking = _most_active_ranking(public, days=days, kept=max(limit, MOST_ACTIVE_KEPT))
        if days in MOST_ACTIVE_DAYS:
            cache.set(key, ranking, MOST_ACTIVE_TTL)
    counts = dict(ranking)
    groups: list[Any] = list(public.filter(pk__in=counts))
    for group in groups:
        group.recent_posts = counts[group.pk]
    groups.sort(key=lambda g: (-counts[g.pk], g.name))
    return groups[:limit]


def _most_active_ranking(public: QuerySet[Space], *, days: int, kept: int) -> list[tuple[int, int]]:
    """(group id, posts) of the `kept` groups with the most public posts in
    the last `days` days. Read from the posts of the period (their stored
    space, the created_at index), not from every group's threads and posts:
    at party scale the latter took 7 s, and every visitor arriving before
    the cache was filled waited for it."""
    since = timezone.now() - timedelta(days=days)
    rows = (
        Post.objects.filter(
            space__in=public.values("pk"),
            created_at__gte=since,
            deleted_at=None,
            moderation_state=ModerationState.VISIBLE,
            thread__moderation_state=ModerationState.VISIBLE,
        )
        .values("space_id", "space__name")
        .annotate(posts=Count("pk"))
        .order_by("-posts", "space__name")[:kept]
    )
    return [(row["space_id"], row["posts"]) for row in rows]


def group_members(space: Space) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(space=space, user__is_active=True)
        .select_related("user")
        .order_by("-role", "user__last_name", "user__first_name")
    )


def space_animators(space: Space) -> QuerySet[Membership]:
    return Membership.objects.filter(space=space, role__gte=Role.ANIMATOR).select_related("user")


def _profile_visible_q(viewer: Any, prefix: str) -> Q:
    """accounts.selectors.people_visible_to as a filter on a relation to
    User (`prefix`, e.g. "user__"): on the joined row's columns, instead of
    `user IN (SELECT … FROM every person)`. tests/test_perf_spaces_members.py
    checks that both agree."""
    q = Q(**{f"{prefix}is_active": True, f"{prefix}erased_at__isnull": True})
    if viewer.is_authenticated and viewer.is_staff:
        return q
    if viewer.is_authenticated:
        return q & (
            Q(
                **{
                    f"{prefix}profile_visibility__in": [
                        ProfileVisibility.PUBLIC,
                        ProfileVisibility.SIGNED_IN,
                    ]
                }
            )
            | Q(**{f"{prefix}pk": viewer.pk})
        )
    return q & Q(**{f"{prefix}profile_visibility": ProfileVisibility.PUBLIC})


def group_members_visible_to(
    *, space: Space, viewer: Any, manager: bool = False
) -> QuerySet[Membership]:
    """A group's members that the viewer may see: everyone for its animators
    (`manager`), else those whose profile the viewer may see."""
    members = group_members(space).filter(user__erased_at=None)
    if manager:
        return members
    return members.filter(_profile_visible_q(viewer, "user__"))


def group_faces(*, space: Space, viewer: Any) -> QuerySet[Membership]:
    """The members a group page shows as a preview: animators and moderators
    first, then the newest members. Not by name, as the members page is: in a
    group of 20,000 that would sort them all for a dozen faces."""
    return group_members_visible_to(space=space, viewer=viewer).order_by("-role", "-joined_at")


# The national space's count of everyone is kept this long (seconds): a
# count over every account (600,000 at party scale) at each visit otherwise.
NATIONAL_COUNT_TTL = 5 * 60


def space_member_count(space: Space) -> int:
    """How many people belong to the space: a group's active members, a
    section's people, a federation's sections' people (stored counts), or
    everyone (national: counted at most every NATIONAL_COUNT_TTL seconds)."""
    if space.is_group:
        return space.active_member_count
    if space.unit is None:
        return 0
    if space.unit.kind == Unit.Kind.SECTION:
        return space.unit.member_count
    if space.unit.kind == Unit.Kind.FEDERATION:
        sections = Unit.objects.filter(parent_id=space.unit.pk, kind=Unit.Kind.SECTION)
        return sections.aggregate(people=Sum("member_count"))["people"] or 0
    count = cache.get_or_set(
        "national-member-count",
        lambda: get_user_model().objects.filter(is_active=True, erased_at=None).count(),
        NATIONAL_COUNT_TTL,
    )
    return int(count or 0)


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
