"""Who may report, moderate, appeal and decide appeals: plain predicates.

Moderators of a content are the moderators of its space (a group's moderators
and animators; a territorial space's animators and the animators above it,
rights flowing down the territory); staff moderate everything, and alone
moderate what has no space (profiles, groups themselves) and ban."""

from typing import Any

from django.db.models import Q

from membrane.moderation.kinds import kind_of
from membrane.moderation.models import Action, Appeal, Decision, ModerationState
from membrane.spaces.permissions import can_moderate_space

# Decisions an author may contest: those that cost them something.
APPEALABLE = {Action.HIDE, Action.WARN, Action.MUTE, Action.BAN}


def _is_active_person(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.erased_at is None)


def _author_id(content: Any) -> int | None:
    author = kind_of(content).author_of(content)
    return author.pk if author is not None else None


def can_report(user: Any, content: Any) -> bool:
    """Anyone signed in who sees the content, except its author; hidden or
    held content is already in moderators' hands."""
    if not _is_active_person(user):
        return False
    if getattr(content, "moderation_state", ModerationState.VISIBLE) != ModerationState.VISIBLE:
        return False
    if getattr(content, "is_deleted", False):
        return False
    kind = kind_of(content)
    return _author_id(content) != user.pk and kind.can_view(user, content)


def can_moderate_in(user: Any, space: Any) -> bool:
    """Moderate content of this space (None: content without a space)."""
    if not _is_active_person(user):
        return False
    if user.is_staff:
        return True
    return space is not None and can_moderate_space(user, space)


def can_moderate(user: Any, content: Any) -> bool:
    """Decide on a content: its space's moderators, never on their own content."""
    if _is_active_person(user) and _author_id(content) == user.pk:
        return False
    return can_moderate_in(user, kind_of(content).space_of(content))


def can_take(user: Any, content: Any, action: str) -> bool:
    """A given decision: banning is for staff alone; the rest for the
    content's moderators. Muting needs a space to mute in."""
    if not can_moderate(user, content):
        return False
    if action == Action.BAN:
        return bool(user.is_staff)
    if action == Action.MUTE:
        return kind_of(content).space_of(content) is not None
    return True


def can_appeal(user: Any, decision: Decision) -> bool:
    """The author of the content, once per decision that cost them something."""
    return bool(
        user.is_authenticated
        and decision.author_id == user.pk
        and decision.action in APPEALABLE
        and decision.revisits_id is None
        and not Appeal.objects.filter(decision=decision).exists()
    )


def can_decide_appeal(user: Any, appeal: Appeal) -> bool:
    """A moderator of the content other than the one who decided (and never
    the author). An appeal against a ban goes to staff."""
    decision = appeal.decision
    if appeal.status != Appeal.Status.PENDING or not _is_active_person(user):
        return False
    if user.pk in (decision.moderator_id, appeal.author_id):
        return False
    if decision.action == Action.BAN:
        return bool(user.is_staff)
    return can_moderate_in(user, decision.space)


def can_see_audit(user: Any) -> bool:
    return _is_active_person(user) and bool(user.is_staff)


def moderated_spaces_q(user: Any, *, prefix: str = "space") -> Q:
    """A filter on anything with a `space` relation: what the person
    moderates. Staff: everything (content without a space included)."""
    from membrane.spaces.models import Membership, Role, Space
    from membrane.territory.models import Unit
    from membrane.territory.permissions import animated_unit_ids

    if not _is_active_person(user):
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    groups = Membership.objects.filter(user=user, role__gte=Role.MODERATOR).values("space_id")
    units = animated_unit_ids(user)
    subtree = Unit.objects.filter(
        Q(pk__in=units) | Q(parent_id__in=units) | Q(parent__parent_id__in=units)
    ).values("pk")
    territorial = Space.objects.filter(unit_id__in=subtree).values("pk")
    return Q(**{f"{prefix}_id__in": groups}) | Q(**{f"{prefix}_id__in": territorial})


def is_moderator_somewhere(user: Any) -> bool:
    from membrane.spaces.models import Membership, Role
    from membrane.territory.models import Animator
    from membrane.territory.permissions import animated_unit_ids

    if not _is_active_person(user):
        return False
    if user.is_staff:
        return True
    moderates_a_group = Membership.objects.filter(user=user, role__gte=Role.MODERATOR)
    if getattr(user, "_animated_unit_ids", None) is not None:
        return bool(animated_unit_ids(user)) or moderates_a_group.exists()
    # Asked on every signed-in page (the header's link): one query, not two.
    animates = Animator.objects.filter(user=user)
    return moderates_a_group.values("pk").union(animates.values("pk")).exists()
