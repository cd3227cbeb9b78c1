"""Measures served fresh enough and fast: a snapshot younger than
SNAPSHOT_MAX_AGE is served as is; a small space is computed live; a large one
is computed by the worker (tasks.snapshot_refresh) while the page shows the
previous snapshot. Also: publishing a space's summary, inviting silent
newcomers to take part."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from membrane.conversations.models import Thread
from membrane.insights.models import Nudge, Publication, Snapshot
from membrane.insights.selectors import recent_silent_members, space_measures
from membrane.notifications.models import Kind
from membrane.notifications.services import notify
from membrane.spaces.models import Space

SNAPSHOT_MAX_AGE = timedelta(hours=1)
# Above this many messages in the space, the worker computes the measures.
LIVE_POSTS_LIMIT = 50_000
REFRESH_PENDING = 600  # seconds
LIVE_COMPUTE_LOCK = 60  # seconds: a live computation longer than this is not waited for
NUDGE_INTERVAL = timedelta(days=30)
NUDGES_PER_CLICK = 50


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # last day, included

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes at midnight, in the site's zone."""
        zone = timezone.get_current_timezone()
        first = datetime.combine(self.start, time.min, tzinfo=zone)
        after = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)
        return first, after

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def last_days(days: int, *, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(start=today - timedelta(days=days - 1), end=today)


def snapshot_key(space: Space | None, period: Period) -> str:
    return f"{space.pk if space else 'all'}:{period.start}:{period.end}"


def snapshot_compute(*, space: Space | None, period: Period) -> Snapshot:
    """Compute the measures and keep them (replacing an older snapshot)."""
    data = space_measures(space, *period.bounds)
    snapshot, _created = Snapshot.objects.update_or_create(
        key=snapshot_key(space, period),
        defaults={
            "space": space,
            "start": period.start,
            "end": period.end,
            "computed_at": timezone.now(),
            "data": data,
        },
    )
    return snapshot


def is_large(space: Space | None) -> bool:
    threads = Thread.objects.all() if space is None else Thread.objects.filter(space=space)
    return (threads.aggregate(n=Sum("post_count"))["n"] or 0) > LIVE_POSTS_LIMIT


def measures_for(*, space: Space | None, period: Period) -> Snapshot | None:
    """The measures to show now: a fresh snapshot, else computed live for a
    small space (by one request at a time: the others meanwhile get the
    older snapshot, or None the first time, as for a large space); for a
    large one the worker is asked and the older snapshot (or None, the first
    time) is returned."""
    key = snapshot_key(space, period)
    snapshot = Snapshot.objects.filter(key=key).first()
    if snapshot is not None and snapshot.computed_at > timezone.now() - SNAPSHOT_MAX_AGE:
        return snapshot
    if not is_large(space):
        # A group of 20,000 members with 45,000 messages takes 1.5 s: every
        # visitor of that moment computing it too held every web thread.
        lock = f"insights-live:{key}"
        if not cache.add(lock, True, LIVE_COMPUTE_LOCK):
            return snapshot
        try:
            return snapshot_compute(space=space, period=period)
        finally:
            cache.delete(lock)
    from membrane.insights.tasks import snapshot_refresh

    space_id = space.pk if space else None
    # One request to the worker per period at a time, however many views.
    if not cache.add(f"insights-refresh:{key}", True, REFRESH_PENDING):
        return snapshot
    transaction.on_commit(
        lambda: snapshot_refresh.enqueue(space_id, period.start.isoformat(), period.end.isoformat())
    )
    return snapshot


def publication_set(*, space: Space, by: Any, published: bool) -> None:
    if published:
        Publication.objects.get_or_create(space=space, defaults={"published_by": by})
    else:
        Publication.objects.filter(space=space).delete()


def nudge_send(*, space: Space, by: Any, user_ids: list[int]) -> int:
    """Invite silent newcomers of the space to take part: only people who are
    still recent and silent, at most once per NUDGE_INTERVAL each. Returns
    how many were invited."""
    now = timezone.now()
    already = Nudge.objects.filter(space=space, sent_at__gt=now - NUDGE_INTERVAL).values("user_id")
    people = list(
        recent_silent_members(space, end=now)
        .filter(pk__in=user_ids[:NUDGES_PER_CLICK])
        .exclude(pk__in=already)
    )
    if not people:
        return 0
    with transaction.atomic():
        Nudge.objects.bulk_create(
            Nudge(space=space, user=person, sent_by=by, sent_at=now) for person in people
        )
        transaction.on_commit(
            lambda: notify(recipients=people, kind=Kind.TAKE_PART, actor=by, space=space)
        )
    return len(people)
