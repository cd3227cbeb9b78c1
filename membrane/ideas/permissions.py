"""Who may open a box, submit, support, answer, send up and merge ideas.

Accountable people — who answer, send ideas up and merge — are the box's
space's animators (and those above them in the territory) and staff. The
platform has no "élu" role yet: an élu answers as an animator of the space."""

from typing import Any

from membrane.ideas.models import Idea, IdeaBox, Status
from membrane.moderation.models import ModerationState
from membrane.spaces.permissions import can_manage_space, can_post_in_space, can_view_space

# Statuses in which supports still count: an idea declined, merged or done
# takes no more.
SUPPORTABLE = {Status.SUBMITTED, Status.UNDER_STUDY, Status.RETAINED}


def _is_active_person(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.erased_at is None)


def can_open_box(user: Any, space: Any) -> bool:
    return _is_active_person(user) and can_manage_space(user, space)


def can_submit(user: Any, box: IdeaBox) -> bool:
    return box.is_open and _is_active_person(user) and can_post_in_space(user, box.space)


def can_view_idea(user: Any, idea: Idea) -> bool:
    if not can_view_space(user, idea.box.space):
        return False
    if idea.moderation_state == ModerationState.HELD:
        return _is_active_person(user) and idea.author_id == user.pk
    return True


def support_refusal(user: Any, idea: Idea) -> str | None:
    """Why the person may not support the idea (a reason code), or None."""
    if not _is_active_person(user):
        return "signed_out"
    if idea.status not in SUPPORTABLE or idea.moderation_state != ModerationState.VISIBLE:
        return "closed"
    if not can_post_in_space(user, idea.box.space):
        return "outsider"
    if idea.box.members_only_support and not user.is_verified_member:
        return "members_only"
    if idea.author_id == user.pk and not idea.box.authors_may_support:
        return "own_idea"
    return None


def can_support(user: Any, idea: Idea) -> bool:
    return support_refusal(user, idea) is None


def can_answer(user: Any, idea: Idea) -> bool:
    """Give the public answer that sets the idea's status at its box."""
    return _is_active_person(user) and can_manage_space(user, idea.box.space)


def can_forward(user: Any, idea: Idea) -> bool:
    return can_answer(user, idea) and idea.status == Status.RETAINED


def can_merge(user: Any, idea: Idea) -> bool:
    return can_answer(user, idea) and idea.status != Status.MERGED
