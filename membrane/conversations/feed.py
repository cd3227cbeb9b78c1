"""The home feed: what is new in my spaces and from the people I follow.

Three sources — new threads, new replies, new members of my groups — are
merged into one list, newest first. Each page costs one query per source,
whatever its length: every source fetches its next `limit + 1` items after
the cursor (keyset pagination, never OFFSET), with their joins, and the
merge happens in Python. On PostgreSQL one more query first picks each
source's candidates space by space, followed person by person and group by
group (LATERAL on indexes), so that a page reads O(limit x my spaces and follows) rows, not the
whole platform's newest (see `_candidate_ids`).

The order is total: (time, kind, id), descending. A cursor names the last
item shown; the next page holds what comes strictly after it.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Left

from membrane.accounts.models import Follow, User
from membrane.accounts.selectors import people_visible_to
from membrane.conversations.models import Post, Thread
from membrane.conversations.selectors import readable_posts, readable_threads
from membrane.moderation.models import ModerationState
from membrane.spaces.models import Membership, Space
from membrane.spaces.selectors import readable_spaces
from membrane.territory.permissions import animated_unit_ids

PAGE_SIZE = 20
EXCERPT_LENGTH = 300

THREAD = "thread"
POST = "post"
MEMBER = "member"
# Ties on time are broken by kind, then by id: the order must be total for
# the cursor to walk every item exactly once.
_KIND_RANK = {MEMBER: 0, POST: 1, THREAD: 2}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_CURSOR_LENGTH = 100


class InvalidCursor(ValueError):
    """The `cursor` parameter is not one this feed gave out."""


@dataclass(frozen=True)
class FeedItem:
    """One line of the feed: `kind` is "thread", "post" or "member"; `obj` is
    the Thread, Post or Membership, loaded with what the template shows."""

    kind: str
    at: datetime
    id: int
    obj: Any

    @property
    def key(self) -> tuple[datetime, int, int]:
        return (self.at, _KIND_RANK[self.kind], self.id)

    @property
    def cursor(self) -> str:
        return encode_cursor(self.at, self.kind, self.id)


@dataclass(frozen=True)
class _Position:
    at: datetime
    kind: str
    id: int


def encode_cursor(at: datetime, kind: str, item_id: int) -> str:
    micros = (at - _EPOCH) // timedelta(microseconds=1)
    raw = f"{micros}.{kind}.{item_id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> _Position:
    """The position a cursor names. Raises InvalidCursor for anything this
    feed did not produce."""
    if len(cursor) > _MAX_CURSOR_LENGTH:
        raise InvalidCursor("cursor too long")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        micros_text, kind, id_text = raw.split(".")
        micros, item_id = int(micros_text), int(id_text)
        at = _EPOCH + timedelta(microseconds=micros)
    except (binascii.Error, UnicodeError, ValueError, OverflowError) as error:
        raise InvalidCursor("malformed cursor") from error
    if kind not in _KIND_RANK or micros < 0 or item_id <= 0:
        raise InvalidCursor("malformed cursor")
    return _Position(at=at, kind=kind, id=item_id)


def feed_items(
    *, viewer: Any, cursor: str | None = None, limit: int = PAGE_SIZE
) -> tuple[list[FeedItem], str | None]:
    """The viewer's feed after `cursor` (from the start if None), at most
    `limit` items, and the cursor of the next page (None on the last page).

    Shows, from spaces the viewer may read: threads and replies in the
    spaces they belong to (national, their federation and section, the
    units they animate, their groups); threads and replies by the people
    they follow; people joining their groups (only those whose profile the
    viewer may see). Never the viewer's own doings, never deleted posts,
    never what moderation holds or hides (`readable_threads`/`readable_posts`).
    Raises InvalidCursor for a malformed cursor."""
    position = decode_cursor(cursor) if cursor else None
    mine = _member_spaces(viewer)
    followed = Follow.objects.filter(follower=viewer).values("followed_id")
    relevant_threads = readable_threads(viewer).filter(Q(space__in=mine) | Q(author__in=followed))
    relevant_posts = readable_posts(viewer).filter(Q(space__in=mine) | Q(author__in=followed))
    new_members = _new_members(viewer)
    if connection.vendor == "postgresql" and viewer.is_authenticated:
        # Same filters, on a few candidates read space by space and author by
        # author on their indexes rather than by walking the whole platform.
        candidates = _candidate_ids(viewer, mine, followed, position, limit + 1)
        # Never an empty IN: Django would skip the query, and the page's
        # query count would depend on the data.
        relevant_threads = relevant_threads.filter(pk__in=candidates[THREAD] or [0])
        relevant_posts = relevant_posts.filter(pk__in=candidates[POST] or [0])
        new_members = new_members.filter(pk__in=candidates[MEMBER] or [0])
    sources: list[tuple[str, QuerySet[Any], str]] = [
        (THREAD, _new_threads(relevant_threads, viewer), "created_at"),
        (POST, _new_replies(relevant_posts, viewer), "created_at"),
        (MEMBER, new_members, "joined_at"),
    ]
    items: list[FeedItem] = []
    for kind, queryset, time_field in sources:
        newest = _after(queryset, kind=kind, time_field=time_field, position=position)
        page = newest.order_by(f"-{time_field}", "-pk")[: limit + 1]
        items.extend(FeedItem(kind, getattr(obj, time_field), obj.pk, obj) for obj in page)
    items.sort(key=lambda item: item.key, reverse=True)
    if len(items) > limit:
        items = items[:limit]
        return items, items[-1].cursor
    return items, None


def _member_spaces(viewer: Any) -> QuerySet[Space, Any]:
    """The spaces the viewer belongs to (a subquery of ids)."""
    belongs = Q(kind=Space.Kind.NATIONAL) | Q(
        pk__in=Membership.objects.filter(user=viewer).values("space_id")
    )
    if viewer.section_id is not None:
        belongs |= Q(unit_id=viewer.section_id)
        # Not `unit_id=None` (every group) for a section without a federation.
        if viewer.section.parent_id is not None:
            belongs |= Q(unit_id=viewer.section.parent_id)
    animated = animated_unit_ids(viewer)
    if animated:
        belongs |= Q(unit_id__in=animated)
    return Space.objects.filter(belongs).values("pk")


def _new_threads(threads: QuerySet[Thread], viewer: Any) -> QuerySet[Thread]:
    # The opening post's start, as an excerpt: a deleted one has an empty
    # body, one hidden by moderation gives none.
    opening = (
        Post.objects.filter(thread=OuterRef("pk"))
        .order_by("pk")
        .annotate(
            shown=Case(
                When(moderation_state=ModerationState.VISIBLE, then="body"),
                default=Value(""),
                output_field=TextField(),
            )
        )
        .values("shown")[:1]
    )
    return (
        threads.exclude(author=viewer)
        .select_related("author", "space__unit")
        .annotate(excerpt=Left(Subquery(opening), EXCERPT_LENGTH))
    )


def _new_replies(posts: QuerySet[Post], viewer: Any) -> QuerySet[Post]:
    """Replies only: a thread's opening post is shown as the thread."""
    return (
        posts.exclude(author=viewer)
        .filter(is_reply=True)
        .select_related("author", "thread__space__unit")
        .annotate(excerpt=Left("body", EXCERPT_LENGTH))
        .defer("body", "body_html", "search_key")
    )


def _new_members(viewer: Any) -> QuerySet[Membership]:
    my_groups = Membership.objects.filter(user=viewer).values("space_id")
    visible_people = people_visible_to(viewer, User.objects.all()).values("pk")
    return (
        Membership.objects.filter(space__in=my_groups, user__in=visible_people)
        .exclude(user=viewer)
        .select_related("user", "space")
    )


def _after(
    queryset: QuerySet[Any], *, kind: str, time_field: str, position: _Position | None
) -> QuerySet[Any]:
    """The items of one source that come strictly after `position` in the
    feed's order (time, kind rank, id), descending."""
    if position is None:
        return queryset
    rank, cursor_rank = _KIND_RANK[kind], _KIND_RANK[position.kind]
    earlier = Q(**{f"{time_field}__lt": position.at})
    if rank < cursor_rank:
        return queryset.filter(earlier | Q(**{time_field: position.at}))
    if rank == cursor_rank:
        return queryset.filter(earlier | Q(**{time_field: position.at}, pk__lt=position.id))
    return queryset.filter(earlier)


_MAX_ID = 2**63 - 1


def _candidate_rules(model: type[Post] | type[Thread], viewer: Any) -> tuple[str, list[Any]]:
    """What the LATERAL asks of one post or thread `x`: every rule of
    `readable_posts`/`readable_threads` and of the feed but the space's
    readability (checked on the spaces). It is someone else's: visible."""
    visible, me = ModerationState.VISIBLE, viewer.pk
    rules = "x.moderation_state = %s AND (x.author_id IS NULL OR x.author_id <> %s)"
    if model is Thread:
        return rules, [visible, me]
    rules += """ AND x.is_reply AND x.deleted_at IS NULL AND EXISTS (
        SELECT 1 FROM conversations_thread AS t WHERE t.id = x.thread_id
        AND (t.moderation_state = %s OR t.author_id = %s))"""
    return rules, [visible, me, visible, me]


def _member_rules(viewer: Any) -> tuple[str, list[Any]]:
    """What the LATERAL asks of one membership `x`: someone else's, whose
    profile the viewer may see (`people_visible_to`, compiled: one rule)."""
    visible_sql, visible_params = people_visible_to(viewer).values("pk").query.sql_with_params()
    return f"x.user_id <> %s AND x.user_id IN ({visible_sql})", [viewer.pk, *visible_params]


def _candidate_ids(
    viewer: Any,
    mine: QuerySet[Space, Any],
    followed: QuerySet[Any, Any],
    position: _Position | None,
    limit: int,
) -> dict[str, list[int]]:
    """PostgreSQL, in one query: the ids of the newest `limit` threads and
    replies after `position` of each readable space the viewer belongs to and
    of each person they follow, read with LATERAL on (space, -created_at, -id)
    and (author, -created_at), and of the newest `limit` memberships of each
    of their groups, on (space, -joined_at, -id). A superset of the page:
    each branch's LIMIT counts only rows that pass every rule of the feed,
    so none hides older items that would."""
    readable = readable_spaces(viewer).order_by().values("pk")
    my_groups = Membership.objects.filter(user=viewer).values("space_id")
    no_spaces: tuple[str, tuple[Any, ...]] = ("", ())
    post_branches = [
        # My spaces, those I may read.
        (readable.filter(pk__in=mine).query.sql_with_params(), "space_id", no_spaces),
        # The people I follow, in the spaces I may read.
        (
            followed.order_by().query.sql_with_params(),
            "author_id",
            readable.query.sql_with_params(),
        ),
    ]
    sources = [
        (
            THREAD,
            Thread._meta.db_table,
            "created_at",
            _candidate_rules(Thread, viewer),
            post_branches,
        ),
        (POST, Post._meta.db_table, "created_at", _candidate_rules(Post, viewer), post_branches),
        (
            MEMBER,
            Membership._meta.db_table,
            "joined_at",
            _member_rules(viewer),
            [(my_groups.query.sql_with_params(), "space_id", no_spaces)],
        ),
    ]
    sql: list[str] = []
    params: list[Any] = []
    for kind, table, time_column, (rules, rule_params), branches in sources:
        if position is not None:
            # (time, id) < (at, bound), the kinds' tie-break folded in the
            # bound (see `_after`); `time <= at` is what indexes seek.
            rank, cursor_rank = _KIND_RANK[kind], _KIND_RANK[position.kind]
            bound = _MAX_ID if rank < cursor_rank else position.id if rank == cursor_rank else 0
            rules += f" AND x.{time_column} <= %s AND (x.{time_column}, x.id) < (%s, %s)"
            rule_params = [*rule_params, position.at, position.at, bound]
        for (source, source_params), column, (spaces, spaces_params) in branches:
            in_spaces = f"AND x.space_id IN ({spaces})" if spaces else ""
            # Only constants and Django-compiled SQL are interpolated; values
            # are parameters.
            sql.append(
                f"SELECT %s, c.id FROM ({source}) AS s(id) CROSS JOIN LATERAL ("  # noqa: S608
                f" SELECT x.id FROM {table} AS x"
                f" WHERE x.{column} = s.id {in_spaces} AND {rules}"
                f" ORDER BY x.{time_column} DESC, x.id DESC LIMIT %s) AS c"
            )
            params += [kind, *source_params, *spaces_params, *rule_params, limit]
    ids: dict[str, list[int]] = {THREAD: [], POST: [], MEMBER: []}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql), params)
        for kind, pk in cursor.fetchall():
            ids[kind].append(pk)
    return ids
