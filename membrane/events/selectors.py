"""Reads of events: the upcoming events a person may see (of a space, of a
département, near a postcode), a person's own events, the attendees of an
event. Lists carry their joins and counts: their cost does not grow with
their length."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import cached_property

from membrane.core.queries import count_for_outer_row, in_order_of
from membrane.events.models import MAX_DURATION, Event, Rsvp
from membrane.events.places import departement_of
from membrane.moderation.models import ModerationState
from membrane.spaces.models import Space
from membrane.spaces.selectors import readable_spaces_q

ANSWERED = (Rsvp.Status.GOING, Rsvp.Status.WAITING, Rsvp.Status.INTERESTED)


def with_counts(events: QuerySet[Event], viewer: Any = None) -> QuerySet[Event]:
    """Events with their space, organiser, the number going and waiting,
    and the viewer's own answer (`my_status`, None without one)."""
    # Subqueries, not a join with GROUP BY: PostgreSQL computes them for the
    # rows of the page only, after the sort and the limit, however many
    # upcoming events the platform holds (2,310 at party scale).
    events = events.select_related("space", "organiser").annotate(
        going_count=_rsvp_count(Rsvp.Status.GOING),
        waiting_count=_rsvp_count(Rsvp.Status.WAITING),
    )
    if viewer is not None and viewer.is_authenticated:
        mine = Rsvp.objects.filter(event=OuterRef("pk"), user=viewer).values("status")[:1]
        events = events.annotate(my_status=Subquery(mine))
    else:
        events = events.annotate(my_status=Value(None, output_field=CharField()))
    return events


def _rsvp_count(status: str) -> Subquery:
    answers = Rsvp.objects.filter(event=OuterRef("pk"), status=status)
    return count_for_outer_row(answers, by="event")


def listed_events(user: Any) -> QuerySet[Event]:
    """The events a person may see in lists: of spaces they may read, not
    held or hidden by moderation (a cancelled one stays, marked)."""
    readable = Space.objects.filter(readable_spaces_q(user)).values("pk")
    return Event.objects.filter(space__in=readable, moderation_state=ModerationState.VISIBLE)


def upcoming_events(
    user: Any,
    *,
    space: Space | None = None,
    departement: str | None = None,
    postcode: str | None = None,
    now: datetime | None = None,
) -> QuerySet[Event]:
    """The events not yet over that the person may see, soonest first, with
    their counts (`with_counts`).

    `departement` keeps those held in it; `postcode` puts those at that
    postcode first, then the rest of its département, then the others."""
    events = _upcoming(user, space=space, departement=departement, now=now)
    return _in_order(with_counts(events, user), postcode)


def upcoming_event_order(
    user: Any,
    *,
    space: Space | None = None,
    departement: str | None = None,
    postcode: str | None = None,
    now: datetime | None = None,
) -> QuerySet[Event]:
    """`upcoming_events` without their space, organiser and counts: only
    what orders them (`nearness` with a postcode, `starts_at`, the id), for
    a list that picks its page first (keyset pages of the API, which cut
    it with `first_in_order`) and then reads `events_in_order` for it.
    Sorting full rows read every column of every upcoming event (2,310 at
    party scale)."""
    events = _upcoming(user, space=space, departement=departement, now=now)
    return _in_order(events.only("pk", "starts_at"), postcode)


def first_in_order(events: QuerySet[Event], postcode: str | None, count: int) -> QuerySet[Event]:
    """The first `count` of `events` in the order of `upcoming_events`.

    Sorting them all by nearness, then start, read every upcoming event and
    checked who may see it (2,310 at party scale) for a page of 20. Here,
    the events already started (few: those held now) are sorted, and the
    future ones are read part by part in start order from an index (at the
    postcode, in its département, the others), each cut at `count`: only
    those few are sorted, and the past events are never read."""
    started = Q(starts_at__lte=timezone.now())
    parts = [_in_order(events.filter(started), postcode)]
    future, rest = events.exclude(started).order_by("starts_at", "pk"), Q()
    if postcode:
        here = Q(postcode=postcode)
        parts.append(future.filter(here))
        rest = ~here
        near = departement_of(postcode)
        if near:
            parts.append(future.filter(Q(departement=near) & rest))
            rest &= ~Q(departement=near)
    parts.append(future.filter(rest))
    cuts = [part.values("pk")[:count] for part in parts]
    if connection.features.supports_slicing_ordering_in_compound:
        # One `IN (… UNION ALL …)`: the picked rows read by their key. An OR
        # of the parts' `IN`s made PostgreSQL scan every event against them.
        picked = Q(pk__in=cuts[0].union(*cuts[1:], all=True))
    else:  # SQLite cannot cut the parts of a UNION
        picked = Q()
        for cut in cuts:
            picked |= Q(pk__in=cut)
    return _in_order(Event.objects.filter(picked).only("pk", "starts_at"), postcode)


def events_in_order(ids: list[int], user: Any) -> list[Event]:
    """The events of these ids with their counts (`with_counts`), in the
    order of the ids."""
    return in_order_of(with_counts(Event.objects.all(), user), ids)


def upcoming_events_page(
    user: Any,
    *,
    page: Any,
    per_page: int,
    space: Space | None = None,
    departement: str | None = None,
    postcode: str | None = None,
    now: datetime | None = None,
) -> Page[Event]:
    """The page `page` of `upcoming_events`, for the lists: see
    UpcomingPaginator for what it counts and joins."""
    events = _upcoming(user, space=space, departement=departement, now=now)
    paginator = UpcomingPaginator(
        events,
        per_page,
        asked=page,
        first=lambda count: first_in_order(events, postcode, count),
        rows=lambda ids: _in_order(with_counts(Event.objects.filter(pk__in=ids), user), postcode),
    )
    return paginator.get_page(page)


def _upcoming(
    user: Any, *, space: Space | None, departement: str | None, now: datetime | None
) -> QuerySet[Event]:
    # Not over yet, so started MAX_DURATION ago at most: said outright, the
    # second bound lets PostgreSQL read these few (2,300 of 20,000 events at
    # party scale) from the index (ends_at, starts_at) instead of every past
    # event, which it did for the few being held now.
    now = now or timezone.now()
    events = listed_events(user).filter(ends_at__gt=now, starts_at__gt=now - MAX_DURATION)
    if space is not None:
        events = events.filter(space=space)
    if departement:
        events = events.filter(departement=departement)
    return events


def _in_order(events: QuerySet[Event], postcode: str | None) -> QuerySet[Event]:
    if not postcode:
        return events.order_by("starts_at", "pk")
    near = departement_of(postcode)
    whens = [When(postcode=postcode, then=Value(0))]
    if near:
        whens.append(When(departement=near, then=Value(1)))
    return events.annotate(
        nearness=Case(*whens, default=Value(2), output_field=IntegerField())
    ).order_by("nearness", "starts_at", "pk")


# Pages counted past the one shown: the pager says "of more than N" beyond.
PAGES_COUNTED_AHEAD = 5
# A page number asked beyond this is taken as this one (the LIMIT stays small).
MAX_PAGE_ASKED = 10_000


class UpcomingPaginator(Paginator[Event]):
    """Pages of upcoming events that neither count nor join them all (2,310
    at party scale): `count` stops PAGES_COUNTED_AHEAD pages past the page
    asked for (`more_than_counted` then says there are more), and a page's
    events are picked on the events' own columns (order, readability) before
    `rows(ids)` gives only them their space, organiser and counts;
    `first(count)` gives the first `count` events in the list's order."""

    more_than_counted = False

    def __init__(
        self,
        object_list: QuerySet[Event],
        per_page: int,
        *,
        asked: Any,
        first: Callable[[int], QuerySet[Event]],
        rows: Callable[[QuerySet[Event, Any]], QuerySet[Event]],
    ) -> None:
        super().__init__(object_list, per_page)
        number = int(asked) if str(asked).isdigit() else 1
        self.cap = (min(max(number, 1), MAX_PAGE_ASKED) + PAGES_COUNTED_AHEAD) * per_page
        self.first = first
        self.rows = rows

    @cached_property
    def count(self) -> int:
        events = cast("QuerySet[Event]", self.object_list)
        counted = events.order_by().values("pk")[: self.cap + 1].count()
        self.more_than_counted = counted > self.cap
        return min(counted, self.cap)

    def page(self, number: Any) -> Page[Event]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        ids = self.first(top).values("pk")[bottom:top]
        return Page(list(self.rows(ids)), number, self)


def my_events(user: Any, *, upcoming: bool = True, now: datetime | None = None) -> QuerySet[Event]:
    """The events the person organises or answered (going, waiting,
    interested): the ones not yet over soonest first, or the past ones
    latest first."""
    now = now or timezone.now()
    mine = Q(organiser=user) | Q(
        pk__in=Rsvp.objects.filter(user=user, status__in=ANSWERED).values("event_id")
    )
    events = with_counts(Event.objects.filter(mine), user)
    if upcoming:
        return events.filter(ends_at__gt=now).order_by("starts_at", "pk")
    return events.filter(ends_at__lte=now).order_by("-starts_at", "-pk")


def attendees(event: Event) -> list[Rsvp]:
    """The answers going, waiting (in line order) and interested, with
    their people."""
    order = Case(
        When(status=Rsvp.Status.GOING, then=Value(0)),
        When(status=Rsvp.Status.WAITING, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        Rsvp.objects.filter(event=event, status__in=ANSWERED)
        .select_related("user")
        .annotate(rank=order)
        .order_by("rank", "created_at", "pk")
    )


def counts_of(event: Event) -> dict[str, int]:
    rows = Rsvp.objects.filter(event=event).values_list("status").annotate(n=Count("pk")).order_by()
    counts = {status: 0 for status in Rsvp.Status.values}
    counts.update(dict(rows))
    return counts


def calendar_events(user: Any) -> QuerySet[Event]:
    """A person's calendar feed: the events they organise or answered going,
    waiting or interested, past ones included (calendar apps keep history)."""
    mine = Q(organiser=user) | Q(
        pk__in=Rsvp.objects.filter(user=user, status__in=ANSWERED).values("event_id")
    )
    return (
        Event.objects.filter(mine, moderation_state=ModerationState.VISIBLE)
        .select_related("space")
        .order_by("starts_at", "pk")
    )


def space_calendar_events(space: Space) -> QuerySet[Event]:
    return (
        Event.objects.filter(space=space, moderation_state=ModerationState.VISIBLE)
        .select_related("space")
        .order_by("starts_at", "pk")
    )
