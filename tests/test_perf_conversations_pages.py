"""The conversation pages' cost does not grow with the platform: a thread's
page joins and counts its own posts only, the search counts at most
MAX_COUNTED results and, on PostgreSQL, reads its matches from the GIN
indexes; a person's latest posts and the newest threads are read on indexes."""

import itertools
import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from membrane.accounts.follows import recent_contributions
from membrane.conversations import search as search_module
from membrane.conversations.models import Post, PostRevision, Reaction, Thread
from membrane.conversations.search import POSTS, THREADS, CappedPaginator, matching, search
from membrane.conversations.selectors import POSTS_PER_PAGE, thread_page
from membrane.perf.dataset.conversations import next_reply_at
from membrane.spaces.services import group_create
from tests.factories import UserFactory
from tests.spaces_factories import PostFactory, ThreadFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="GIN indexes exist on PostgreSQL only"
)


@pytest.fixture
def group(member):
    return group_create(creator=member, name="Services publics")


def thread_with_posts(group, author, count):
    thread = ThreadFactory(space=group, author=author, title="Défendons La Poste")
    start = timezone.now() - timedelta(days=1)
    posts = [PostFactory(thread=thread, author=author) for _ in range(count)]
    for minutes, post in enumerate(posts):
        post.created_at = start + timedelta(minutes=minutes)
    Post.objects.bulk_update(posts, ["created_at"])
    return thread, posts


# A thread's page --------------------------------------------------------------------------


def test_the_last_page_holds_the_last_posts_with_their_counts(group, member, supporter):
    thread, posts = thread_with_posts(group, member, POSTS_PER_PAGE + 5)
    last = posts[-1]
    Reaction.objects.create(post=last, user=supporter)
    Reaction.objects.create(post=last, user=member)
    PostRevision.objects.create(
        post=last, body="avant", body_html="<p>avant</p>", written_at=timezone.now()
    )

    page = thread_page(thread=thread, viewer=supporter, number="last")

    assert page.number == 2
    assert [p.pk for p in page.object_list] == [p.pk for p in posts[POSTS_PER_PAGE:]]
    shown = page.object_list[-1]
    assert (shown.reaction_count, shown.revision_count) == (2, 1)
    assert page.object_list[0].reaction_count == 0
    assert [r.user_id for r in shown.reaction_list] == [supporter.pk, member.pk]


def test_a_page_of_a_long_thread_costs_the_queries_of_a_short_one(group, member, supporter):
    short, _ = thread_with_posts(group, member, 3)
    long, _ = thread_with_posts(group, member, 3 * POSTS_PER_PAGE)

    with CaptureQueriesContext(connection) as on_short:
        list(thread_page(thread=short, viewer=supporter, number="last").object_list)
    with CaptureQueriesContext(connection) as on_long:
        list(thread_page(thread=long, viewer=supporter, number="last").object_list)

    assert len(on_long) == len(on_short)
    # The posts' query has no GROUP BY over the thread: counts are subqueries.
    posts_sql = [q["sql"] for q in on_long if "conversations_post" in q["sql"]]
    assert not any("GROUP BY" in sql.split("FROM", 1)[0] for sql in posts_sql)


def test_others_held_posts_are_not_on_the_pages(group, member, supporter):
    thread, posts = thread_with_posts(group, member, 3)
    Post.objects.filter(pk=posts[1].pk).update(moderation_state="held")

    page = thread_page(thread=thread, viewer=supporter, number=1)

    assert [p.pk for p in page.object_list] == [posts[0].pk, posts[2].pk]
    assert page.paginator.count == 2


# Search: a capped count ---------------------------------------------------------------------


def test_the_search_counts_at_most_max_counted_results(group, member, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_COUNTED", 3)
    thread = ThreadFactory(space=group, author=member, title="Retraites")
    for _ in range(5):
        PostFactory(thread=thread, author=member, body="retraites", search_key="retraites")

    page = search(viewer=member, query="retraites", kinds=(POSTS,))[POSTS]

    assert page.paginator.count == 3
    assert page.paginator.more_than_counted is True
    assert len(page.object_list) == 3


def test_a_common_word_s_threads_are_ranked_among_the_newest_only(group, member, monkeypatch):
    """Beyond the cap, only the newest MAX_COUNTED + 1 matching threads are
    ranked (on PostgreSQL; SQLite lists them by activity): an old thread
    with the best title stays out."""
    monkeypatch.setattr(search_module, "MAX_COUNTED", 2)
    oldest = ThreadFactory(space=group, author=member, title="Retraites retraites retraites")
    newer = [ThreadFactory(space=group, author=member, title="Les retraites") for _ in range(4)]
    for days, thread in enumerate([oldest, *newer]):
        Thread.objects.filter(pk=thread.pk).update(
            created_at=timezone.now() - timedelta(days=10 - days),
            last_activity_at=timezone.now() - timedelta(days=10 - days),
            search_key=thread.title.lower(),
        )

    page = search(viewer=member, query="retraites", kinds=(THREADS,))[THREADS]

    assert (page.paginator.count, page.paginator.more_than_counted) == (2, True)
    shown = [thread.pk for thread in page.object_list]
    assert len(shown) == 2 and oldest.pk not in shown
    assert set(shown) <= {thread.pk for thread in newer[1:]}


def test_the_page_and_the_api_say_more_than_the_cap(group, member, client, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_COUNTED", 3)
    thread = ThreadFactory(space=group, author=member, title="Retraites")
    for _ in range(5):
        PostFactory(thread=thread, author=member, body="retraites", search_key="retraites")
    client.force_login(member)

    page = client.get("/recherche/", {"q": "retraites", "lang": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    api = client.get("/api/v1/search", {"q": "retraites", "kinds": "posts"}).json()

    assert "More than 3 messages" in page.content.decode()
    assert api["posts"]["count"] == 3 and api["posts"]["more_than_counted"] is True


def test_a_count_under_the_cap_is_exact(group, member):
    thread = ThreadFactory(space=group, author=member, title="Retraites")
    for _ in range(2):
        PostFactory(thread=thread, author=member, body="retraites", search_key="retraites")

    page = search(viewer=member, query="retraites", kinds=(POSTS,))[POSTS]

    assert isinstance(page.paginator, CappedPaginator)
    assert page.paginator.count == 2
    assert page.paginator.more_than_counted is False


# PostgreSQL: the indexes are the ones the queries use -------------------------------------


def plan(queryset, *, bitmap_only=False):
    """The plan of a queryset's query with sequential scans discouraged: on a
    test database of a few rows the planner would rather scan (or, with
    `bitmap_only`, walk the `created_at` index)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if bitmap_only:
            cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
@pytest.mark.parametrize(
    ("model", "field", "indexes"),
    [
        (Post, "body", ("post_body_vector", "post_search_key_trgm")),
        (Thread, "title", ("thread_title_vector", "thread_search_key_trgm")),
    ],
)
def test_both_search_conditions_are_read_from_gin_indexes(db, model, field, indexes):
    """The search's condition, as `_posts` and `_threads` build it, is served
    by the indexes: their expressions are exactly the query's."""
    found = matching(model.objects.all(), field, "élections", ["elections"])

    shown = plan(found.order_by(), bitmap_only=True)

    assert "BitmapOr" in shown
    for index in indexes:
        assert index in shown


def test_a_persons_latest_posts_have_their_index(db):
    """`recent_contributions` reads a person's newest posts on it (checked
    with EXPLAIN on the `section` dataset: 13.6 ms to 2.9 ms)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Post._meta.db_table)

    index = constraints["post_author_recent"]
    assert index["columns"] == ["author_id", "created_at"]
    assert index["orders"] == ["ASC", "DESC"]


# The dataset generator ------------------------------------------------------------------


def test_generated_replies_past_the_end_stay_in_order_and_apart():
    rng = random.Random(4)
    end, at, times = 1_000.0, 990.0, []
    for left in range(3_000, 0, -1):
        at = next_reply_at(rng, at, end, left=left)
        times.append(at)

    assert all(t < end for t in times)
    assert all(b - a > 1e-6 for a, b in itertools.pairwise(times))


def test_an_author_without_readable_posts_has_no_contributions(group, member):
    outsider = UserFactory()

    assert list(recent_contributions(person=outsider, viewer=member)) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner settings")
def test_the_count_reads_the_indexes_and_a_common_word_is_walked(db):
    # The count on the GIN bitmap (fast whatever the word; an exact bitmap),
    # the page of a common word by walking the newest posts.
    with search_module._planned(walk=False), connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == "64MB"
    with search_module._planned(walk=True), connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        assert cursor.fetchone()[0] == "off"
    # SET LOCAL: nothing outlives the search.
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"


def test_the_posts_are_counted_without_ranking_them(group, member, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_COUNTED", 2)
    thread = ThreadFactory(space=group, author=member, title="Logement")
    for _ in range(4):
        PostFactory(thread=thread, author=member, body="logement", search_key="logement")

    page = search(viewer=member, query="logement", kinds=(POSTS,))[POSTS]

    assert page.paginator.counted is not page.paginator.object_list
    assert (page.paginator.count, page.paginator.more_than_counted) == (2, True)
    assert len(page.object_list) == 2  # the pages stop at the cap
