"""Content hidden and held with another one, which it follows: an idea's
comment thread follows its idea (see kinds.py). Its state is stored on it, so
that pages, feed, search, API and notifications filter it as any hidden or
held thread, without a join; these rules keep that state right when either
is decided on."""

from typing import Any

from django.contrib.contenttypes.models import ContentType

from membrane.moderation.kinds import kind_of
from membrane.moderation.models import Action, Decision, ModerationState, Report


def state_with_leader(content: Any, state: str, article: int | None) -> tuple[str, int | None]:
    """The state to write on a content: a follower made visible while what it
    follows is out of sight stays out of sight with it."""
    if state != ModerationState.VISIBLE:
        return state, article
    leader = kind_of(content).leader_of(content)
    if leader is None or leader.moderation_state == ModerationState.VISIBLE:
        return state, article
    return leader.moderation_state, leader.moderation_article


def followers_to_carry(content: Any, state: str) -> list[Any]:
    """The followers of a content that take its new state: not those held or
    hidden on their own, whose own decision stands."""
    return [
        follower
        for follower in kind_of(content).followers_of(content)
        if follower.moderation_state != state and not on_its_own(follower)
    ]


def on_its_own(content: Any) -> bool:
    """Whether the content is held by a guard or hidden by a decision of its
    own (the last of its decisions that set a state hid it). Following leaves
    no record; a content's own moderation always does."""
    ref = {"content_type": ContentType.objects.get_for_model(content), "object_id": content.pk}
    held = Report.objects.filter(**ref, status=Report.Status.OPEN).exclude(
        source=Report.Source.PERSON
    )
    if held.exists():
        return True
    last = (
        Decision.objects.filter(**ref, action__in=[Action.HIDE, Action.APPROVE, Action.RESTORE])
        .order_by("-created_at", "-pk")
        .values_list("action", flat=True)
        .first()
    )
    return last == Action.HIDE


def only_with_leader(content: Any) -> bool:
    """Whether the content is out of sight only because what it follows is."""
    leader = kind_of(content).leader_of(content)
    return (
        leader is not None
        and leader.moderation_state != ModerationState.VISIBLE
        and not on_its_own(content)
    )
