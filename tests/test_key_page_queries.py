"""The key pages of the benchmark (membrane.perf.bench.endpoints.read_paths,
the one list of them) make a pinned number of SQL queries, the same with a few
items as with many: more members, replies, comments, ideas, supports, events
and follows than a page shows never add a query.

A page whose count changes on purpose gets its new number here, in the same
commit, and docs/performance.md says why it is worth it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from membrane.accounts.follows import follow
from membrane.accounts.models import ProfileVisibility
from membrane.conversations.services import post_create, thread_create
from membrane.events.services import event_create, rsvp_set
from membrane.ideas.services import box_open, idea_comment, idea_submit, support_add
from membrane.perf.bench.endpoints import read_paths
from membrane.perf.bench.targets import Targets, ensure_second_factor
from membrane.spaces.services import group_create, group_join
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

# More than a page of each: 30 posts, 30 ideas, 20 events per page.
MANY = 35

# (page, who) -> queries, through the test client (sessions and cache in memory:
# the benchmark's server, with cached_db sessions and the database cache, adds
# their reads, as its SQL/req column shows).
# On PostgreSQL the feed first reads its candidates' ids, space by space and
# followed person by person (conversations/feed.py): one query more, which
# keeps its cost flat with the platform's size.
FEED_CANDIDATES = 1 if connection.vendor == "postgresql" else 0
# PostgreSQL: the search sets its planner's choice around its count and its
# page, for threads and for posts (conversations.search._planned): a
# savepoint, a query to set, one to put back and a release, four times.
# Then, for each, its full-text matches counted before all its matches (a
# common word stops there) and its page's ids read before their rows: four
# more.
SEARCH_PLANNING = 16 + 4 if connection.vendor == "postgresql" else 0

PINNED = {
    ("home", "anonymous"): 0,
    ("home", "signed-in"): 7 + FEED_CANDIDATES,
    ("feed", "signed-in"): 7 + FEED_CANDIDATES,
    # The section's stored counts of people: no COUNT of them, but for its
    # animators (the signed-in reader here), who see more than the directory.
    ("section", "anonymous"): 3,
    ("section", "signed-in"): 9,
    # The group's stored member count: no COUNT of its memberships; one
    # read of the reader's membership (its role), whatever the group's joining.
    ("largest group", "anonymous"): 4,
    ("largest group", "signed-in"): 13,
    ("thread, last page", "anonymous"): 8,
    ("thread, last page", "signed-in"): 19,
    ("group directory", "anonymous"): 4,
    ("group directory", "signed-in"): 8,
    # The report's figures read light rows, then the overdue steps: one more.
    ("idea box", "anonymous"): 9,
    ("idea box", "signed-in"): 15,
    # The platform report lists the longest-waiting overdue ideas and counts
    # them all: one query more than a box's.
    ("ideas report", "anonymous"): 6,
    ("ideas report", "signed-in"): 10,
    # The idea's stored support_count: no COUNT of its supports.
    ("idea with comments", "anonymous"): 7,
    ("idea with comments", "signed-in"): 15,
    ("events near postcode", "anonymous"): 2,
    ("events near postcode", "signed-in"): 6,
    ("profile", "anonymous"): 5,
    ("profile", "signed-in"): 10,
    ("search", "anonymous"): 6 + SEARCH_PLANNING,
    ("search", "signed-in"): 11 + SEARCH_PLANNING,
    ("insights, largest group", "signed-in"): 9,
    ("API feed", "signed-in"): 6 + FEED_CANDIDATES,
    ("API thread posts", "anonymous"): 3,
    ("API thread posts", "signed-in"): 5,
    ("API idea box ideas", "anonymous"): 4,
    ("API idea box ideas", "signed-in"): 5,
    # The page's keys sorted on light rows, then its events with their counts.
    ("API events near postcode", "anonymous"): 2,
    ("API events near postcode", "signed-in"): 5,
    ("API search", "anonymous"): 6 + SEARCH_PLANNING,
    ("API search", "signed-in"): 10 + SEARCH_PLANNING,
}

PAGES = [
    (name, who)
    for name, _path, _kind, anonymous in read_paths(
        Targets("s", "g", 0, 1, 0, "b", 0, 1, 0, "33130", 0, 1, "x", 1)
    )
    for who in (["anonymous"] if anonymous else []) + ["signed-in"]
]


class World:
    """A public group with a thread, an idea box with an idea and its
    comments, an upcoming event and a public profile; `grow` adds `MANY` of
    everything, each by a new person."""

    def __init__(self, *, section, animator, charter) -> None:
        self.section = section
        self.animator = animator
        self.charter = charter
        animator.profile_visibility = ProfileVisibility.PUBLIC
        animator.save(update_fields=["profile_visibility"])
        ensure_second_factor(animator)  # required of whoever moderates
        self.group = group_create(creator=animator, name="Climat et composteurs")
        self.thread = thread_create(
            author=animator,
            space=self.group,
            title="Des composteurs partagés dans chaque quartier",
            body="Parlons des **composteurs**.",
        )
        self.box = box_open(space=self.group, by=animator, threshold_supports=1000)
        self.idea = idea_submit(
            author=animator, box=self.box, title="Un composteur par rue", description="Simple."
        )
        idea_comment(author=animator, idea=self.idea, body="Premier commentaire.")
        self.starts = timezone.now() + timedelta(days=10)
        self.event = self._event(animator, 0)

    def _event(self, organiser, n: int):
        return event_create(
            organiser=organiser,
            space=self.group,
            title=f"Atelier composteurs {n}",
            starts_at=self.starts + timedelta(hours=n),
            ends_at=self.starts + timedelta(hours=n + 1),
            postcode="33130",
            commune="Bègles",
        )

    def targets(self) -> Targets:
        return Targets(
            section_slug=self.section.slug,
            group_slug=self.group.slug,
            group_members=0,
            thread_id=self.thread.pk,
            thread_posts=0,
            box_slug=self.group.slug,
            box_ideas=0,
            idea_id=self.idea.pk,
            idea_comments=0,
            postcode="33130",
            postcode_events=0,
            profile_id=self.animator.pk,
            search_word="composteurs",
            reader_id=self.animator.pk,
        )

    def grow(self) -> None:
        for n in range(MANY):
            person = MemberFactory(
                section=self.section,
                charter_version_accepted=self.charter.number,
                profile_visibility=ProfileVisibility.PUBLIC,
            )
            group_join(group=self.group, user=person)
            post_create(author=person, thread=self.thread, body=f"Les composteurs, réponse {n}.")
            idea_comment(author=person, idea=self.idea, body=f"Commentaire {n}.")
            support_add(user=person, idea=self.idea)
            idea_submit(
                author=person, box=self.box, title=f"Idée de composteur {n}", description="."
            )
            rsvp_set(user=person, event=self.event, status="going")
            self._event(self.animator, n + 1)
            follow(follower=self.animator, followed=person)
            follow(follower=person, followed=self.animator)


@pytest.fixture
def world(section, section_animator, charter, spaces):
    return World(section=section, animator=section_animator, charter=charter)


def count_queries(client: Client, path: str) -> int:
    first = client.get(path)  # warm the caches (session, charter, instance settings)
    assert first.status_code == 200, (path, first.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def test_every_key_page_has_a_pinned_count():
    assert sorted(PINNED) == sorted(PAGES)


def test_the_key_pages_make_the_same_pinned_number_of_queries_with_few_and_many_items(world):
    paths = {name: path for name, path, _kind, _anon in read_paths(world.targets())}
    signed_in = Client()
    signed_in.force_login(world.animator)
    clients = {"anonymous": Client(), "signed-in": signed_in}

    def counts() -> dict[tuple[str, str], int]:
        return {(page, who): count_queries(clients[who], paths[page]) for page, who in PAGES}

    few = counts()
    world.grow()
    many = counts()

    assert few == PINNED
    assert many == PINNED
