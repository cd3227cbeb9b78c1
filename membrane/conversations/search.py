"""Search across threads (title), posts (body), groups and territorial spaces
(name, description; a section's commune and postcode) and people (name,
handle, commune), honouring every visibility rule: threads and posts come
from `readable_threads` / `readable_posts`, people from `people_listed_to`
(those who opted in to the directory); group names and descriptions are
public (the directory's rule), private groups' threads and posts are not.
What moderation holds or hides is found by nobody but its author (threads,
posts) — never a hidden group, nor a profile hidden from the viewer.

On PostgreSQL, threads and posts use full-text search with French stemming
("élections" finds "élection"), ranked; on both databases every word of the
normalised query is also matched against the `search_key` columns (so
"election" finds "élection" everywhere, and SQLite gets a working search).
Both conditions are served by GIN indexes on PostgreSQL (full text and
trigrams, migrations conversations 0004 and 0007; a post's vector is stored,
computed once when it is written): their expressions must stay those of
`matching`. Counts stop at MAX_COUNTED.
"""

import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    Expression,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Left
from django.utils.functional import cached_property

from membrane.accounts.models import User
from membrane.accounts.selectors import people_listed_to
from membrane.conversations.models import Post, Thread
from membrane.conversations.selectors import readable_posts, readable_threads
from membrane.core.queries import in_order_of
from membrane.core.text import normalize_for_search
from membrane.moderation.models import ModerationState
from membrane.spaces.models import Membership, Space

MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20
# Results counted at most: a common word must not count millions of rows.
MAX_COUNTED = 1_000
EXCERPT_LENGTH = 300
THREADS, POSTS, GROUPS, PEOPLE = "threads", "posts", "groups", "people"
KINDS = (THREADS, POSTS, GROUPS, PEOPLE)


class InvalidQuery(ValueError):
    """A query the search refuses; the message says why."""


class CappedPaginator(Paginator[Any]):
    """A paginator that counts at most MAX_COUNTED results: `count` is then
    MAX_COUNTED, `more_than_counted` is True and the pages stop there.

    `sure`: some of the counted rows, cheaper to count (the full-text
    matches alone, without the substring ones): when they already pass the
    cap, so do all the rows, and they are not counted."""

    more_than_counted = False

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        counted: Any = None,
        sure: Any = None,
        rows: Callable[[list[int]], list[Any]] | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        # What to count when it is cheaper than the list itself: the same rows.
        self.counted = object_list if counted is None else counted
        self.sure = sure
        # With `rows`, the list is of ids, and `rows(ids)` reads the page's.
        self.rows = rows

    def page(self, number: Any) -> Page[Any]:
        if self.rows is None:
            return super().page(number)
        number = self.validate_number(number)
        if not self.count:
            return Page([], number, self)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        ids = list(self.object_list[bottom:top])
        return Page(self.rows(ids), number, self)

    @cached_property
    def count(self) -> int:
        for rows in (self.sure, self.counted):
            if rows is None:
                continue
            # Unordered, ids only: neither ranks nor excerpts are computed.
            matches = cast("QuerySet[Any]", rows).order_by().values("pk")
            counted: int = matches[: MAX_COUNTED + 1].count()
            self.more_than_counted = counted > MAX_COUNTED
            if self.more_than_counted:
                break
        return min(counted, MAX_COUNTED)


def clean_query(query: str) -> str:
    """The query as searched: control characters removed (PostgreSQL refuses
    a NUL), spaces collapsed. Raises InvalidQuery beyond MAX_QUERY_LENGTH."""
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidQuery(f"A search has at most {MAX_QUERY_LENGTH} characters.")
    printable = "".join(" " if unicodedata.category(c).startswith("C") else c for c in query)
    return " ".join(printable.split())


def search(
    *, viewer: Any, query: str, kinds: tuple[str, ...] = KINDS, page: int | str | None = 1
) -> dict[str, Page[Any]]:
    """For each kind asked for, the page `page` of its results (PAGE_SIZE a
    page; `page.paginator.count` is the number found). A query with no word
    finds nothing: {}. Raises InvalidQuery for an over-long query and
    ValueError for an unknown kind."""
    unknown = set(kinds) - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown kinds of result: {sorted(unknown)}")
    query = clean_query(query)
    words = normalize_for_search(query).split()
    if not words:
        return {}
    finders = {
        THREADS: lambda: _threads(viewer, query, words),
        POSTS: lambda: _posts(viewer, query, words),
        GROUPS: lambda: _spaces(viewer, words),
        PEOPLE: lambda: _people(viewer, words),
    }
    counters = {
        THREADS: lambda: _thread_matches(viewer, query, words),
        POSTS: lambda: _post_matches(viewer, query, words),
    }
    # A common word passes the cap on its full-text matches alone (the
    # GIN index of the stored vectors): its substring matches are then not
    # counted (a bitmap of 55,000 threads from the trigrams: 11 ms).
    sure = {
        THREADS: lambda: _full_text_matches(readable_threads(viewer), "title", query),
        POSTS: lambda: _full_text_matches(readable_posts(viewer), "body", query),
    }
    shown: dict[str, Callable[[list[int]], list[Any]]] = {
        THREADS: lambda ids: in_order_of(_thread_rows(viewer), ids),
        POSTS: lambda ids: in_order_of(_post_rows(viewer), ids),
    }
    results = {}
    for kind in kinds:
        counted = counters[kind]() if kind in counters else None
        found = finders[kind]()
        if kind not in (THREADS, POSTS) or not _full_text():
            paginator = CappedPaginator(found, PAGE_SIZE, counted=counted)
        else:
            # The matches ranked on their own columns, their page's ids
            # taken, and only those read with their author and space: not
            # 1,001 rows of a common word joined to be sorted.
            paginator = CappedPaginator(
                found.select_related(None).values_list("pk", flat=True),
                PAGE_SIZE,
                counted=counted,
                sure=sure[kind](),
                rows=shown[kind],
            )
        if kind not in (THREADS, POSTS):
            results[kind] = paginator.get_page(page)
            continue
        with _planned(walk=False):
            paginator.count  # noqa: B018 - counted here, on the indexes
        with _planned(walk=paginator.more_than_counted):
            results[kind] = paginator.get_page(page)
            results[kind].object_list = list(results[kind].object_list)
    return results


@contextmanager
def _planned(*, walk: bool) -> Iterator[None]:
    """How PostgreSQL finds the matches: from the GIN indexes (a bitmap),
    or by walking the newest rows and testing each one. The bitmap is fast
    for a rare word and slow for a word in a tenth of all posts; the walk is
    the reverse, and for a rare word it reads every post (135 s at party
    scale when each post's vector was computed on the way). The planner's estimates cannot tell them
    apart; the capped count, always made on the bitmap (it stops at
    MAX_COUNTED + 1 rows), can: a count that reaches the cap means a
    common word, walked."""
    if connection.vendor != "postgresql":
        yield
        return
    if walk:
        settings = {"enable_bitmapscan": "off"}
    else:
        # An exact bitmap: one that outgrows work_mem turns lossy, and every
        # post of a lossy page is tested again (77 s for a word in a tenth
        # of all posts when each test computed its vector).
        settings = {"enable_seqscan": "off", "enable_indexscan": "off", "work_mem": "64MB"}
    names = list(settings)
    with transaction.atomic(), connection.cursor() as cursor:
        # One query sets them all (set_config, local to the transaction)
        # and reads what they were, one puts them back.
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names),
            [part for name in names for part in (name, name, settings[name])],
        )
        row = cursor.fetchone()
        before = dict(zip(names, row[0::2], strict=True))
        yield
        # Inside an outer transaction (a test, a caller's atomic block), the
        # settings would last until its end: put them back now. (On an
        # error, rolling back to the savepoint undoes them too.)
        cursor.execute(
            "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
            [part for name in names for part in (name, before[name])],
        )


def _full_text() -> bool:
    return connection.vendor == "postgresql"


def _every_word(field: str, words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": word})
    return condition


def _thread_matches(viewer: Any, query: str, words: list[str]) -> QuerySet[Thread]:
    """The readable threads that match, unordered: what is counted."""
    if not _full_text():
        return readable_threads(viewer).filter(_every_word("search_key", words))
    return matching(readable_threads(viewer), "title", query, words)


def _thread_rows(viewer: Any) -> QuerySet[Thread]:
    """Threads as the results show them."""
    return readable_threads(viewer).select_related("author", "space__unit")


def _threads(viewer: Any, query: str, words: list[str]) -> QuerySet[Thread]:
    threads = _thread_rows(viewer)
    if not _full_text():
        found = threads.filter(_every_word("search_key", words))
        return found.order_by("-last_activity_at", "-pk")
    # As for posts: a common word's matches are only ranked among the
    # newest MAX_COUNTED (55,000 titles at party scale took 0.8 s to rank).
    newest = _thread_matches(viewer, query, words).order_by("-created_at", "-pk")
    shown = threads.filter(pk__in=newest.values("pk")[: MAX_COUNTED + 1])
    ranked = matching(shown, "title", query, words)
    return ranked.order_by("-rank", "-last_activity_at", "-pk")


def _post_matches(viewer: Any, query: str, words: list[str]) -> QuerySet[Post]:
    """The readable posts that match, unordered: what is counted."""
    if not _full_text():
        return readable_posts(viewer).filter(_every_word("search_key", words))
    return matching(readable_posts(viewer), "body", query, words)


def _post_rows(viewer: Any) -> QuerySet[Post]:
    """Posts as the results show them: an excerpt, not the whole text."""
    return (
        readable_posts(viewer)
        .select_related("author", "thread__space__unit")
        .annotate(excerpt=Left("body", EXCERPT_LENGTH))
        .defer("body", "body_html", "search_key")
    )


def _posts(viewer: Any, query: str, words: list[str]) -> QuerySet[Post]:
    posts = _post_rows(viewer)
    if not _full_text():
        found = posts.filter(_every_word("search_key", words))
        return found.order_by("-created_at", "-pk")
    # A common word matches a large share of all posts: only the newest
    # MAX_COUNTED matches (and one to tell there are more) are ranked.
    newest = _post_matches(viewer, query, words).order_by("-created_at", "-pk")
    shown = posts.filter(pk__in=newest.values("pk")[: MAX_COUNTED + 1])
    ranked = matching(shown, "body", query, words)
    return ranked.order_by("-rank", "-created_at", "-pk")


class StoredVector(Expression):
    """A stored full-text vector (PostgreSQL only, migrations conversations
    0007 and 0008: `body_vector` on posts, `title_vector` on threads; not
    model fields, so that Django never reads them with the rows), on
    whatever alias the query gives the table (subqueries rename it)."""

    output_field = SearchVectorField()

    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[str | int, ...]]:
        table = compiler.quote_name(compiler.query.get_initial_alias())
        return f"{table}.{compiler.quote_name(self.column)}", ()


# The stored vector of each searched text (made from it with the French
# configuration by PostgreSQL).
STORED_VECTORS = {(Post, "body"): "body_vector", (Thread, "title"): "title_vector"}


def matching(queryset: QuerySet[Any], field: str, query: str, words: list[str]) -> QuerySet[Any]:
    """PostgreSQL: what matches the query in `field` by French full text, or
    has every word in `search_key`, annotated with its `rank`. Both
    conditions are served by GIN indexes (migrations conversations 0004,
    0007 and 0008): the text's stored vector and the trigrams of
    `search_key`."""
    vector, terms = _vector_and_terms(queryset, field, query)
    return queryset.annotate(document=vector, rank=SearchRank(vector, terms)).filter(
        Q(document=terms) | _every_word("search_key", words)
    )


def _full_text_matches(queryset: QuerySet[Any], field: str, query: str) -> QuerySet[Any]:
    """PostgreSQL: what matches the query in `field` by French full text
    only, unranked: some of what `matching` finds."""
    vector, terms = _vector_and_terms(queryset, field, query)
    return queryset.annotate(document=vector).filter(document=terms)


def _vector_and_terms(
    queryset: QuerySet[Any], field: str, query: str
) -> tuple[StoredVector, SearchQuery]:
    """The stored vector of `field` and the query as French full-text terms."""
    vector = StoredVector(STORED_VECTORS[queryset.model, field])
    return vector, SearchQuery(query, config="french", search_type="websearch")


def _spaces(viewer: Any, words: list[str]) -> QuerySet[Space]:
    """Groups by name and description, every group (a private group's name
    and description are public); territorial spaces by their unit's name,
    commune and postcode. Groups first, the most populated first."""
    groups = Q(kind=Space.Kind.GROUP) & _every_word("search_key", words)
    territorial = Q(unit__isnull=False) & _every_word("unit__search_key", words)
    spaces = (
        Space.objects.filter(groups | territorial)
        .filter(moderation_state=ModerationState.VISIBLE)
        .select_related("unit")
        .annotate(member_count=Count("memberships", distinct=True))
    )
    if viewer.is_authenticated:
        spaces = spaces.annotate(
            is_member=Exists(Membership.objects.filter(space=OuterRef("pk"), user=viewer))
        )
    return spaces.order_by("-kind", "-member_count", "name", "pk")


def _people(viewer: Any, words: list[str]) -> QuerySet[User]:
    """People listed in the directory for the viewer (accounts.selectors.
    people_listed_to), by name, handle or commune, ignoring case and accents
    on both databases: every word in their normalised `search_key`
    (trigram-indexed on PostgreSQL, migration accounts 0008)."""
    people = people_listed_to(viewer)
    # A profile hidden by moderation is found by its own person and staff.
    if not (viewer.is_authenticated and viewer.is_staff):
        shown = Q(moderation_state=ModerationState.VISIBLE)
        people = people.filter(shown | Q(pk=viewer.pk) if viewer.is_authenticated else shown)
    people = people.filter(_every_word("search_key", words))
    return people.select_related("section").order_by("last_name", "first_name", "pk")
