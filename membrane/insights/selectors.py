"""The measures of participation of a space (or of the whole platform) over
a period, computed by the database: every query groups or counts, and Python
only sees one number per person, per thread or per week, never a row per
message.

`space_measures` returns plain JSON-ready data: it is what a snapshot
stores (models.Snapshot) and what the page, the API and the tests read."""

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable, NegatedExpression
from django.db.models.functions import TruncWeek
from django.utils import timezone

from membrane.conversations.models import Post, Reaction, Thread
from membrane.events.models import Event, Rsvp
from membrane.ideas.models import IdeaBox, Support
from membrane.ideas.selectors import box_report
from membrane.insights import measures
from membrane.moderation.models import ModerationState
from membrane.spaces.models import Space
from membrane.territory.models import Unit

RECENT_DAYS = 30


def space_people(space: Space | None) -> QuerySet[Any]:
    """The people who belong to the space (see spaces.permissions): a group's
    members, a section's people, a federation's sections' people, everyone
    for the national space or the whole platform (None)."""
    people = get_user_model().objects.filter(is_active=True, erased_at=None)
    if space is None:
        return people
    if space.is_group:
        return people.filter(space_memberships__space=space)
    if space.unit is None:
        return people.none()
    if space.unit.kind == Unit.Kind.SECTION:
        return people.filter(section_id=space.unit.pk)
    if space.unit.kind == Unit.Kind.FEDERATION:
        return people.filter(section__parent_id=space.unit.pk)
    return people


def _in_space(space: Space | None, path: str) -> Q:
    return Q() if space is None else Q(**{path: space})


def _posts(space: Space | None, start: datetime, end: datetime) -> QuerySet[Post]:
    # Post.space is its thread's, stored: no join with the threads.
    return Post.objects.filter(
        _in_space(space, "space"),
        created_at__gte=start,
        created_at__lt=end,
        deleted_at=None,
        author__isnull=False,
    )


def _actions(
    space: Space | None, start: datetime, end: datetime
) -> list[tuple[QuerySet[Any], str]]:
    """Each kind of action in the space over the period, as its rows and the
    field of the person who did it: wrote or replied, reacted, supported an
    idea, attended an event."""
    # Through the thread, not Post.space: PostgreSQL then reads the
    # reactions post by post, where the other way it scans them all.
    reactions = Reaction.objects.filter(
        _in_space(space, "post__thread__space"), created_at__gte=start, created_at__lt=end
    )
    supports = Support.objects.filter(
        _in_space(space, "idea__box__space"), created_at__gte=start, created_at__lt=end
    )
    attended = Rsvp.objects.filter(
        _in_space(space, "event__space"),
        attended=True,
        event__starts_at__gte=start,
        event__starts_at__lt=end,
    )
    return [
        (_posts(space, start, end), "author_id"),
        (reactions, "user_id"),
        (supports, "user_id"),
        (attended, "user_id"),
    ]


def contributor_count(space: Space | None, start: datetime, end: datetime) -> int:
    """How many people acted in the space over the period: one UNION query."""
    first, *others = (rows.values_list(field) for rows, field in _actions(space, start, end))
    return first.union(*others).count()


def silent_member_count(
    people: QuerySet[Any], space: Space | None, start: datetime, end: datetime
) -> int:
    """Members who did nothing in the space over the period."""
    for rows, field in _actions(space, start, end):
        people = people.filter(_never(rows, field))
    return people.count()


def _never(rows: QuerySet[Any], field: str) -> NegatedExpression[Combinable]:
    """A filter on people: none of `rows` is theirs (`field` names whose).
    NOT EXISTS, probed person by person on the rows' index of people,
    rather than NOT IN the list of every author of the space."""
    return ~Exists(rows.filter(**{field: OuterRef("pk")}))


def posts_per_author(space: Space | None, start: datetime, end: datetime) -> dict[int, int]:
    """Each author's number of messages (opening posts and replies)."""
    rows = _posts(space, start, end).values("author_id").annotate(n=Count("pk")).order_by()
    return {row["author_id"]: row["n"] for row in rows}


def _weekly(space: Space | None, start: datetime, end: datetime) -> list[dict[str, Any]]:
    rows = (
        _posts(space, start, end)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(posts=Count("pk"), writers=Count("author_id", distinct=True))
        .order_by("week")
    )
    return [
        {"week": row["week"].date().isoformat(), "posts": row["posts"], "writers": row["writers"]}
        for row in rows
    ]


def _first_reply_hours(space: Space | None, start: datetime, end: datetime) -> list[float]:
    """For each thread opened in the period, the hours before someone other
    than its author replied (threads without such a reply are left out)."""
    threads = (
        Thread.objects.filter(_in_space(space, "space"), created_at__gte=start, created_at__lt=end)
        .annotate(
            first_reply=Min(
                "posts__created_at",
                filter=~Q(posts__author_id=F("author_id")) & Q(posts__deleted_at=None),
            )
        )
        .filter(first_reply__isnull=False)
        .values_list("created_at", "first_reply")
    )
    return [(reply - opened).total_seconds() / 3600 for opened, reply in threads]


def _newcomers(space: Space | None, start: datetime, end: datetime) -> dict[str, int]:
    """People whose first message in the space falls in the period, and how
    many of them wrote again afterwards (up to the end of the period)."""
    firsts = (
        Post.objects.filter(_in_space(space, "space"), deleted_at=None, author__isnull=False)
        .filter(created_at__lt=end)
        .values("author_id")
        .annotate(first=Min("created_at"), n=Count("pk"))
        .filter(first__gte=start)
        .order_by()
    )
    counts = firsts.aggregate(
        newcomers=Count("author_id"), again=Count("author_id", filter=Q(n__gte=2))
    )
    return {"newcomers": counts["newcomers"] or 0, "wrote_again": counts["again"] or 0}


def _status_shares(people: QuerySet[Any], posts: QuerySet[Post]) -> dict[str, Any]:
    adherent = Q(membership_verified_at__isnull=False)
    members = people.aggregate(
        total=Count("pk", distinct=True), adherents=Count("pk", filter=adherent, distinct=True)
    )
    written = posts.aggregate(
        total=Count("pk"),
        adherents=Count("pk", filter=Q(author__membership_verified_at__isnull=False)),
    )
    return {
        "adherents_members": members["adherents"],
        "supporters_members": members["total"] - members["adherents"],
        "adherents_posts": written["adherents"],
        "supporters_posts": written["total"] - written["adherents"],
    }


def _ideas_on_time(space: Space | None) -> float | None:
    if space is None:
        return box_report()["answered_on_time_share"]
    box = IdeaBox.objects.filter(space=space).first()
    return box_report(box=box)["answered_on_time_share"] if box is not None else None


def _attendance(space: Space | None, start: datetime, end: datetime) -> dict[str, int]:
    past = Event.objects.filter(
        _in_space(space, "space"),
        starts_at__gte=start,
        starts_at__lt=min(end, timezone.now()),
        cancelled_at=None,
    )
    counts = Rsvp.objects.filter(event__in=past).aggregate(
        going=Count("pk", filter=Q(status=Rsvp.Status.GOING)),
        attended=Count("pk", filter=Q(attended=True)),
    )
    return {"events": past.count(), "going": counts["going"], "attended": counts["attended"]}


def space_measures(space: Space | None, start: datetime, end: datetime) -> dict[str, Any]:
    """Every measure of the space over [start, end), JSON-ready."""
    people = space_people(space)
    members = people.count()
    contributors = contributor_count(space, start, end)
    per_author = posts_per_author(space, start, end)
    counts = list(per_author.values())
    posts = _posts(space, start, end)
    silent_writers = people.filter(_never(posts, "author_id")).count()
    post_total = sum(counts)
    moderated = posts.filter(
        moderation_state__in=[ModerationState.HIDDEN, ModerationState.HELD]
    ).count()
    # Reactions, supports and attendances: the other actions, as row counts.
    actions = post_total + sum(rows.count() for rows, _field in _actions(space, start, end)[1:])
    delays = _first_reply_hours(space, start, end)
    return {
        "space": space.slug if space is not None else None,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "members": members,
        "contributors": contributors,
        "silent_members": silent_member_count(people, space, start, end),
        "writers": len(counts),
        "posts": post_total,
        "contributions": actions,
        "contributions_per_contributor": (actions / contributors) if contributors else None,
        "gini_members": measures.gini(counts, zeros=silent_writers),
        "gini_writers": measures.gini(counts),
        "top1_share": measures.top_share(counts, 1),
        "top2_share": measures.top_share(counts, 2),
        "top1pct_share": measures.top_percent_share(counts, 1),
        "top10pct_share": measures.top_percent_share(counts, 10),
        "people_for_half": measures.people_for_share(counts, 0.5),
        "people_for_two_thirds": measures.people_for_share(counts, 2 / 3),
        **_status_shares(people, posts),
        **_newcomers(space, start, end),
        "recent_silent": recent_silent_members(space, end=end).count(),
        "median_hours_to_first_reply": measures.median(delays),
        "threads_replied": len(delays),
        "moderated_posts": moderated,
        "moderation_rate": (moderated / post_total) if post_total else None,
        "ideas_answered_on_time": _ideas_on_time(space),
        "attendance": _attendance(space, start, end),
        "weekly": _weekly(space, start, end),
    }


def recent_people(space: Space | None, since: datetime) -> QuerySet[Any]:
    """People who arrived in the space since then: joined the group, or
    opened their account (territorial spaces follow the person's section)."""
    people = get_user_model().objects.filter(is_active=True, erased_at=None)
    if space is not None and space.is_group:
        # One filter() call: the same membership row must match both.
        return people.filter(
            space_memberships__space=space, space_memberships__joined_at__gte=since
        )
    return space_people(space).filter(date_joined__gte=since)


def recent_silent_members(space: Space | None, *, end: datetime) -> QuerySet[Any]:
    """Members arrived in the last RECENT_DAYS who never wrote in the space:
    the people an animator may invite to speak, newest first. Each newcomer
    is looked up among the posts by author (a few rows each), not among every
    author of the space (130-300 ms in a group of 20,000 at party scale)."""
    posts = Post.objects.filter(_in_space(space, "space"), deleted_at=None)
    return (
        recent_people(space, end - timedelta(days=RECENT_DAYS))
        .filter(_never(posts, "author_id"))
        .order_by("-pk")
    )
