"""Reads of ideas: a box's ideas as a person sees them, similar ideas while
typing a title, when an answer is due, the overdue ideas, the figures of
"Que sont devenues vos idées ?", and an idea's comments."""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from membrane.core.queries import count_for_outer_row
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
    with their themes, retained and implemented ones first, then the most
    supported (their stored `support_count`); only those of `theme` if given."""
    shown = Q(moderation_state=ModerationState.VISIBLE)
    if user.is_authenticated:
        shown |= Q(author_id=user.pk)
    ideas = Idea.objects.filter(box=box).filter(shown)
    if theme is not None:
        # A subquery rather than a join: one row per idea.
        ideas = ideas.filter(
            Exists(Idea.themes.through.objects.filter(idea_id=OuterRef("pk"), theme=theme))
        )
    return (
        ideas.select_related("author", "box__space")
        .prefetch_related("themes")
        .annotate(status_rank=STATUS_ORDER)
        .order_by("status_rank", "-support_count", "-pk")
    )


def themes_of_box(box: IdeaBox) -> QuerySet[Theme]:
    """The themes that ideas of the box carry, for its filter links."""
    return Theme.objects.filter(
        Exists(Idea.themes.through.objects.filter(theme_id=OuterRef("pk"), idea__box=box))
    ).order_by("name")


def viewable(user: Any, space_ids: Iterable[int]) -> Callable[[int], bool]:
    """`can_view_space` for the spaces of these ids, in one query made on
    first use (spaces.selectors.readable_spaces_q, the same rule): the
    report's queries grow neither with its items nor with the platform's
    spaces (4,273 readable ones at party scale)."""
    readable: set[int] | None = None

    def check(space_id: int) -> bool:
        nonlocal readable
        if readable is None:
            readable = set(
                Space.objects.filter(readable_spaces_q(user), pk__in=set(space_ids))
                .order_by()
                .values_list("pk", flat=True)
            )
        return space_id in readable

    return check


def public_report(
    report: dict[str, Any], user: Any, *, may_view: Callable[[int], bool] | None = None
) -> dict[str, Any]:
    """The report, its figures public, its overdue list limited to the ideas
    the person may see, each with its days of waiting. `may_view`: a
    `viewable` check covering the overdue ideas' spaces, made by the caller
    for more items than these."""
    if may_view is None:
        may_view = viewable(user, [step.box.space_id for step in report["overdue"]])
    overdue = [
        {"step": step, "idea": step.idea, "days": days_waiting(step)}
        for step in report["overdue"]
        if step.idea.moderation_state == ModerationState.VISIBLE and may_view(step.box.space_id)
    ]
    by_status = [(Status(value).label, count) for value, count in report["by_status"].items()]
    return {
        **report,
        "overdue": overdue,
        "overdue_unlisted": max(0, report["overdue_count"] - len(report["overdue"])),
        "by_status": by_status,
    }


def report_boxes() -> QuerySet[IdeaBox]:
    """Every box, with its space and `idea_count`, in the report's order:
    a box's name and figures are public, like a group's name in the
    directory and the API's idea boxes (its ideas follow their space's
    rule). The count is a subquery per box: PostgreSQL runs it for the rows
    of the page only, not over every idea of every box."""
    ideas = Idea.objects.filter(box=OuterRef("pk"))
    return (
        IdeaBox.objects.select_related("space")
        .annotate(idea_count=count_for_outer_row(ideas, by="box"))
        .order_by("space__kind", "space__name", "pk")
    )


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


# A box may hold thousands of ideas: the merge form offers these many.
MERGE_CANDIDATES = 20


def merge_candidates(idea: Idea, *, limit: int = MERGE_CANDIDATES) -> list[Idea]:
    """The ideas of the box the idea may be merged into that the form
    offers: those sharing the most significant words of its title (4
    letters or more), then the newest. One query, whatever the box's size."""
    words = [w for w in normalize_for_search(idea.title).split() if len(w) >= 4][:8]
    shared: Any = Value(0)
    for word in words:
        shared = shared + Case(When(search_key__contains=word, then=1), default=0)
    return list(
        Idea.objects.filter(box_id=idea.box_id)
        .exclude(pk=idea.pk)
        .exclude(status=Status.MERGED)
        .annotate(shared=ExpressionWrapper(shared, output_field=IntegerField()))
        .only("pk", "title")
        .order_by("-shared", "-created_at", "-pk")[:limit]
    )


def due_at(step: Step, box: IdeaBox) -> datetime | None:
    """When an answer is owed at this step: the box's delay after the
    threshold was reached (None while it is not)."""
    if step.threshold_reached_at is None:
        return None
    return step.threshold_reached_at + timedelta(days=box.answer_delay_days)


def _owed(box: IdeaBox | None) -> QuerySet[Step]:
    """Steps over their box's threshold (of the box, or of every box)."""
    steps = Step.objects.filter(threshold_reached_at__isnull=False)
    return steps if box is None else steps.filter(box=box)


def _due(box: IdeaBox | None) -> ExpressionWrapper:
    """When the answer is due at a step, in SQL: its box's delay after the
    threshold (the same on SQLite and PostgreSQL). One box's delay is a
    constant; across boxes it is each step's box's, through a join."""
    if box is not None:
        delay: Any = Value(timedelta(days=box.answer_delay_days))
    else:
        # An IntegerField for SQLite's duration arithmetic (it refuses the
        # column's PositiveSmallIntegerField).
        days = ExpressionWrapper(F("box__answer_delay_days"), output_field=IntegerField())
        delay = ExpressionWrapper(days * Value(timedelta(days=1)), output_field=DurationField())
    return ExpressionWrapper(F("threshold_reached_at") + delay, output_field=DateTimeField())


def _late(box: IdeaBox | None, now: datetime | None) -> QuerySet[Step]:
    return (
        _owed(box)
        .filter(answered_at=None)
        .alias(due=_due(box))
        .filter(due__lt=now or timezone.now())
    )


OVERDUE_FIELDS = (
    "threshold_reached_at",
    "answered_at",
    "idea__title",
    "idea__moderation_state",
    "box__answer_delay_days",
    "box__space__name",
    "box__space__slug",
    "box__space__kind",
)


def overdue_steps(
    *, box: IdeaBox | None = None, now: datetime | None = None, limit: int | None = None
) -> list[Step]:
    """Steps over their box's threshold, still unanswered, past the delay,
    with their idea and box, the longest waiting first (at most `limit`):
    one query."""
    late = (
        _late(box, now)
        .select_related("idea", "box__space")
        # What the report shows and needs of each (it is cached): not the
        # ideas' descriptions nor the spaces' texts.
        .only(*OVERDUE_FIELDS)
        .order_by(_due(box).asc(), "pk")
    )
    return list(late if limit is None else late[:limit])


def _median_days_to_answer(box: IdeaBox | None, answered: int) -> float | None:
    """The median of the days taken to answer over the threshold, from the
    middle one or two delays in SQL order (ORDER BY … OFFSET, the same on
    SQLite and PostgreSQL): no row of the others is read."""
    if not answered:
        return None
    took = (
        _owed(box)
        .filter(answered_at__isnull=False)
        .annotate(took=F("answered_at") - F("threshold_reached_at"))
        .order_by("took", "pk")
        .values_list("took", flat=True)
    )
    middle = [
        delay.total_seconds() / 86400 for delay in took[(answered - 1) // 2 : answered // 2 + 1]
    ]
    return sum(middle) / len(middle)


def days_waiting(step: Step, now: datetime | None = None) -> int:
    """ "En attente de réponse depuis N jours": days since the answer was due."""
    due = due_at(step, step.box)
    if due is None:
        return 0
    return max(0, ((now or timezone.now()) - due).days)


# The platform's report lists the ideas waiting longest past their delay,
# not all of them (3,581 at party scale: 0.6 s a page and 80 MB a worker).
OVERDUE_LISTED = 20


def box_report(*, box: IdeaBox | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The figures of a box (or of all boxes): ideas by status, the share of
    ideas over the threshold answered on time, the median days to answer,
    the overdue ideas (every one of a box: its page marks them; across all
    boxes, the OVERDUE_LISTED waiting longest, and how many there are).
    Counted in SQL, whatever the number of steps: four queries (three while
    no idea over its threshold is answered), five across all boxes."""
    ideas = Idea.objects.all() if box is None else Idea.objects.filter(box=box)
    by_status = dict(ideas.values_list("status").annotate(n=Count("pk")).order_by())
    counts = _owed(box).aggregate(
        owed=Count("pk"),
        answered=Count("answered_at"),
        on_time=Count("pk", filter=Q(answered_at__lte=_due(box))),
    )
    owed = counts["owed"]
    overdue = overdue_steps(box=box, now=now, limit=None if box is not None else OVERDUE_LISTED)
    return {
        "by_status": {status: by_status.get(status, 0) for status in Status.values},
        "total": sum(by_status.values()),
        "owed": owed,
        "answered_on_time_share": (counts["on_time"] / owed) if owed else None,
        "median_days_to_answer": _median_days_to_answer(box, counts["answered"]),
        "overdue": overdue,
        "overdue_count": len(overdue) if box is not None else _late(None, now).count(),
    }


# The platform-wide report counts every step over its threshold, lists every
# overdue one and ranks the retained ideas: kept a short while in the cache
# (the same for everyone; each reader's own filtering happens after).
PLATFORM_REPORT_KEY = "ideas-platform-report"
HIGHLIGHTS_SCANNED = 60


def platform_report() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The report of all boxes and the most supported retained and
    implemented ideas (at most HIGHLIGHTS_SCANNED, visible ones, as plain
    rows: pk, title, status, support_count, space_id, space_name), cached
    IDEAS_REPORT_CACHE_SECONDS: the figures may be that much behind."""
    seconds = settings.IDEAS_REPORT_CACHE_SECONDS
    if seconds > 0 and (held := cache.get(PLATFORM_REPORT_KEY)) is not None:
        figures, retained = held
        return figures, retained
    figures = box_report()
    # Plain rows, not ideas with their box and space: 200 of those were
    # 270 KB to unpickle at each request.
    retained = list(
        Idea.objects.filter(
            status__in=[Status.IMPLEMENTED, Status.RETAINED],
            moderation_state=ModerationState.VISIBLE,
        )
        .annotate(status_rank=STATUS_ORDER)
        .order_by("status_rank", "-support_count", "-pk")
        .values(
            "pk",
            "title",
            "status",
            "support_count",
            space_id=F("box__space_id"),
            space_name=F("box__space__name"),
        )[:HIGHLIGHTS_SCANNED]
    )
    if seconds > 0:
        cache.set(PLATFORM_REPORT_KEY, (figures, retained), seconds)
    return figures, retained
