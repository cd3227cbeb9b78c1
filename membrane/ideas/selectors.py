"""Reads of ideas: a box's ideas as a person sees them, similar ideas while
typing a title, when an answer is due, the overdue ideas, the figures of
"Que sont devenues vos idées ?", and an idea's comments."""

import statistics
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from membrane.core.text import normalize_for_search
from membrane.ideas.models import Idea, IdeaBox, Status, Step, Theme
from membrane.moderation.models import ModerationState
from membrane.spaces.models import Space
from membrane.spaces.selectors import readable_spaces_q

# Retained and implemented ideas first: what became of ideas is the point.
STATUS_ORDER = Case(
    When(status=Status.IMPLEMENTED, then=Value(0)),
    When(status=Status.RETAINED, then=Value(1)),
    When(status=Status.UNDER_STUDY, then=Value(2)),
    When(status=Status.SUBMITTED, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


def visible_ideas(user: Any, box: IdeaBox, *, theme: Theme | None = None) -> QuerySet[Idea]:
    """The box's ideas the person may see (held ones: their author only),
    with their number of supports and their themes, retained and implemented
    ones first; only those of `theme` if given."""
    shown = Q(moderation_state=ModerationState.VISIBLE)
    if user.is_authenticated:
        shown |= Q(author_id=user.pk)
    ideas = Idea.objects.filter(box=box).filter(shown)
    if theme is not None:
        # A subquery rather than a join: the support counts stay exact.
        ideas = ideas.filter(
            Exists(Idea.themes.through.objects.filter(idea_id=OuterRef("pk"), theme=theme))
        )
    return (
        ideas.select_related("author", "box__space")
        .prefetch_related("themes")
        .annotate(support_count=Count("supports"), status_rank=STATUS_ORDER)
        .order_by("status_rank", "-support_count", "-pk")
    )


def themes_of_box(box: IdeaBox) -> QuerySet[Theme]:
    """The themes that ideas of the box carry, for its filter links."""
    return Theme.objects.filter(
        Exists(Idea.themes.through.objects.filter(theme_id=OuterRef("pk"), idea__box=box))
    ).order_by("name")


def viewable(user: Any) -> Callable[[Space], bool]:
    """`can_view_space` as one query of the spaces the person may read
    (spaces.selectors.readable_spaces_q, the same rule), made on first use:
    the report's queries do not grow with its boxes."""
    readable: set[int] | None = None

    def check(space: Space) -> bool:
        nonlocal readable
        if readable is None:
            readable = set(
                Space.objects.filter(readable_spaces_q(user)).values_list("pk", flat=True)
            )
        return space.pk in readable

    return check


def public_report(report: dict[str, Any], user: Any) -> dict[str, Any]:
    """The report, its figures public, its overdue list limited to the ideas
    the person may see, each with its days of waiting."""
    may_view = viewable(user)
    overdue = [
        {"step": step, "idea": step.idea, "days": days_waiting(step)}
        for step in report["overdue"]
        if step.idea.moderation_state == ModerationState.VISIBLE and may_view(step.box.space)
    ]
    by_status = [(Status(value).label, count) for value, count in report["by_status"].items()]
    return {**report, "overdue": overdue, "by_status": by_status}


def similar_ideas(*, box: IdeaBox, title: str, limit: int = 5) -> list[Idea]:
    """Ideas of the box sharing the title's significant words (4 letters or
    more), the most matching first: to avoid submitting a duplicate."""
    words = [w for w in normalize_for_search(title).split() if len(w) >= 4][:8]
    if not words:
        return []
    any_word = Q()
    for word in words:
        any_word |= Q(search_key__contains=word)
    candidates = list(
        Idea.objects.filter(box=box).exclude(status=Status.MERGED).filter(any_word)[:50]
    )
    scored = [(sum(w in idea.search_key for w in words), idea) for idea in candidates]
    scored.sort(key=lambda pair: (-pair[0], -pair[1].pk))
    return [idea for _score, idea in scored[:limit]]


def due_at(step: Step, box: IdeaBox) -> datetime | None:
    """When an answer is owed at this step: the box's delay after the
    threshold was reached (None while it is not)."""
    if step.threshold_reached_at is None:
        return None
    return step.threshold_reached_at + timedelta(days=box.answer_delay_days)


# A step over its threshold: id, threshold reached at, answered at, delay (days).
OwedRow = tuple[int, datetime, datetime | None, int]


def _owed(box: IdeaBox | None) -> list[OwedRow]:
    """Steps over their box's threshold as light rows (id, threshold reached
    at, answered at, the box's delay in days): one query, no objects, so
    that the report's figures stay cheap with thousands of steps."""
    steps = Step.objects.filter(threshold_reached_at__isnull=False)
    if box is not None:
        steps = steps.filter(box=box)
    rows = steps.values_list("pk", "threshold_reached_at", "answered_at", "box__answer_delay_days")
    # threshold_reached_at is never None here (the filter above).
    return list(rows)  # type: ignore[arg-type]


def _overdue(owed: list[OwedRow], now: datetime) -> list[Step]:
    """Those still unanswered past their box's delay (the delay is per box,
    so the comparison is made here rather than in SQL), with their idea and
    box: one query, even when there are none (the
    pinned query counts)."""
    late = [
        pk
        for pk, reached, answered, delay in owed
        if answered is None and reached + timedelta(days=delay) < now
    ]
    return list(Step.objects.filter(pk__in=late or [-1]).select_related("idea", "box__space"))


def overdue_steps(*, box: IdeaBox | None = None, now: datetime | None = None) -> list[Step]:
    """Steps over their box's threshold, still unanswered, past the delay."""
    return _overdue(_owed(box), now or timezone.now())


def days_waiting(step: Step, now: datetime | None = None) -> int:
    """ "En attente de réponse depuis N jours": days since the answer was due."""
    due = due_at(step, step.box)
    if due is None:
        return 0
    return max(0, ((now or timezone.now()) - due).days)


def box_report(*, box: IdeaBox | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The figures of a box (or of all boxes): ideas by status, the share of
    ideas over the threshold answered on time, the median days to answer,
    the overdue ideas."""
    now = now or timezone.now()
    ideas = Idea.objects.all() if box is None else Idea.objects.filter(box=box)
    by_status = dict(ideas.values_list("status").annotate(n=Count("pk")).order_by())
    owed = _owed(box)
    on_time = [
        pk
        for pk, reached, answered, delay in owed
        if answered is not None and answered <= reached + timedelta(days=delay)
    ]
    delays = [
        (answered - reached).total_seconds() / 86400
        for _pk, reached, answered, _delay in owed
        if answered is not None
    ]
    return {
        "by_status": {status: by_status.get(status, 0) for status in Status.values},
        "total": sum(by_status.values()),
        "owed": len(owed),
        "answered_on_time_share": (len(on_time) / len(owed)) if owed else None,
        "median_days_to_answer": statistics.median(delays) if delays else None,
        "overdue": _overdue(owed, now),
    }


# The platform-wide report reads every step over its threshold and ranks
# every retained idea by its supports: kept a short while in the cache (the
# same for everyone; each reader's own filtering happens after).
PLATFORM_REPORT_KEY = "ideas-platform-report"
HIGHLIGHTS_SCANNED = 200


def platform_report() -> tuple[dict[str, Any], list[Idea]]:
    """The report of all boxes and the most supported retained and
    implemented ideas (at most HIGHLIGHTS_SCANNED, visible ones), cached
    IDEAS_REPORT_CACHE_SECONDS: the figures may be that much behind."""
    seconds = settings.IDEAS_REPORT_CACHE_SECONDS
    if seconds > 0 and (held := cache.get(PLATFORM_REPORT_KEY)) is not None:
        figures, retained = held
        return figures, retained
    figures = box_report()
    retained = list(
        Idea.objects.filter(
            status__in=[Status.IMPLEMENTED, Status.RETAINED],
            moderation_state=ModerationState.VISIBLE,
        )
        .select_related("box__space__unit")
        .annotate(support_count=Count("supports"), status_rank=STATUS_ORDER)
        .order_by("status_rank", "-support_count", "-pk")[:HIGHLIGHTS_SCANNED]
    )
    if seconds > 0:
        cache.set(PLATFORM_REPORT_KEY, (figures, retained), seconds)
    return figures, retained
