"""Reads of ideas: similar ideas while typing a title, when an answer is
due, the overdue ideas, and the figures of "Que sont devenues vos idées ?"."""

import statistics
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from membrane.core.text import normalize_for_search
from membrane.ideas.models import Idea, IdeaBox, Status, Step


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


def _owed_steps(box: IdeaBox | None) -> list[Step]:
    """Steps over their box's threshold, with their idea and box: one query."""
    steps = Step.objects.filter(threshold_reached_at__isnull=False).select_related(
        "idea", "box__space"
    )
    if box is not None:
        steps = steps.filter(box=box)
    return list(steps)


def _overdue(steps: list[Step], now: datetime) -> list[Step]:
    """Those still unanswered past their box's delay (the delay is per box,
    so the comparison is made here rather than in SQL)."""
    return [s for s in steps if s.answered_at is None and (due_at(s, s.box) or now) < now]


def overdue_steps(*, box: IdeaBox | None = None, now: datetime | None = None) -> list[Step]:
    """Steps over their box's threshold, still unanswered, past the delay."""
    return _overdue(_owed_steps(box), now or timezone.now())


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
    owed = _owed_steps(box)
    on_time = [
        s for s in owed if s.answered_at is not None and s.answered_at <= (due_at(s, s.box) or now)
    ]
    delays = [
        (s.answered_at - s.threshold_reached_at).total_seconds() / 86400
        for s in owed
        if s.answered_at is not None and s.threshold_reached_at is not None
    ]
    return {
        "by_status": {status: by_status.get(status, 0) for status in Status.values},
        "total": sum(by_status.values()),
        "owed": len(owed),
        "answered_on_time_share": (len(on_time) / len(owed)) if owed else None,
        "median_days_to_answer": statistics.median(delays) if delays else None,
        "overdue": _overdue(owed, now),
    }
