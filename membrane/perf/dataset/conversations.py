"""Threads and posts in every space, as the services write them: bodies
rendered and normalised, `post_count` and `last_activity_at` denormalised.

Threads are spread over the spaces by their size; replies per thread follow a
Pareto law (most threads get a few, some hundreds); within a space a few
people write most posts and most people never write (`SpaceInfo.writer`).
Posts stream into the database; each post leaves a few bytes in `World` for
the reactions and the moderation history."""

from array import array
from collections.abc import Iterator
from typing import Any

from membrane.conversations.models import Post, PostRevision, Thread
from membrane.moderation.models import ModerationState
from membrane.perf.dataset.moderation import HIDDEN_OUTCOMES, draw_outcome
from membrane.perf.dataset.texts import text_pool, title_pool
from membrane.perf.dataset.world import World, heavy_counts, weighted_picker
from membrane.perf.dataset.writer import Loader, as_datetime

# Mean time between two replies of a thread, and the shares of deleted,
# edited and quoting replies.
REPLY_GAP = 5 * 3600
DELETED = 0.01
EDITED = 0.02
QUOTING = 0.05
TEXTS = 2_000
TITLES = 1_000
HOUR = 3600


def generate_conversations(world: World, loader: Loader) -> None:
    loader.start_part("conversations")
    rng = world.rng("conversations")
    texts = text_pool(world.rng("texts"), TEXTS)
    titles = title_pool(world.rng("titles"), TITLES)
    spaces = world.spaces
    pick_space = weighted_picker([len(space.people) ** 0.7 for space in spaces])
    count = world.scale.threads
    replies = heavy_counts(rng, count, world.scale.replies, alpha=1.6, cap=3_000)
    created = sorted(world.during(rng, 0.8) - HOUR for _ in range(count))
    first_thread = loader.reserve(Thread, count)
    world.first_post = loader.reserve(Post, count + sum(replies))

    thread_space = array("i")
    thread_author = array("i")
    thread_last = array("d")
    thread_title = array("i")
    report_rate = world.scale.report_rate

    def posts() -> Iterator[tuple[Any, ...]]:
        post_id = world.first_post
        for t in range(count):
            space_index = pick_space(rng)
            space = spaces[space_index]
            author = space.writer(rng)
            at = created[t]
            thread_id = first_thread + t
            first_in_thread = post_id
            thread_space.append(space_index)
            thread_author.append(author)
            thread_title.append(int(rng.random() * TITLES))
            for position in range(replies[t] + 1):
                if position:
                    author = space.writer(rng)
                    at = next_reply_at(rng, at, world.end, left=replies[t] - position)
                text_index = int(rng.random() * TEXTS)
                text = texts[text_index]
                body, html, key = text.body, text.html, text.search_key
                quoted = edited = deleted = article = None
                state = ModerationState.VISIBLE
                roll = rng.random()
                if position and roll < DELETED:
                    body = html = key = ""
                    deleted = as_datetime(min(at + rng.random() * 2 * 86_400, world.end))
                else:
                    if position and roll < DELETED + QUOTING:
                        quoted = first_in_thread + int(rng.random() * position)
                    elif roll > 1 - EDITED:
                        edited_at = min(at + rng.random() * 86_400, world.end)
                        edited = as_datetime(edited_at)
                        world.revisions.append((post_id, int(rng.random() * TEXTS), at))
                    if rng.random() < report_rate:
                        outcome, article = draw_outcome(rng, world.charter_articles)
                        world.reported.append((post_id, space_index, author, at, outcome, article))
                        if outcome in HIDDEN_OUTCOMES:
                            state = ModerationState.HIDDEN
                        else:
                            article = None
                world.post_space.append(space_index)
                world.post_author.append(author)
                world.post_at.append(at)
                world.post_deleted.append(deleted is not None)
                yield (
                    post_id,
                    thread_id,
                    space.id,
                    position > 0,
                    author,
                    body,
                    html,
                    quoted,
                    as_datetime(at),
                    edited,
                    deleted,
                    key,
                    state,
                    article,
                )
                post_id += 1
            thread_last.append(at)

    loader.write(
        Post,
        [
            "id",
            "thread_id",
            "space_id",
            "is_reply",
            "author_id",
            "body",
            "body_html",
            "quoted_id",
            "created_at",
            "edited_at",
            "deleted_at",
            "search_key",
            "moderation_state",
            "moderation_article",
        ],
        posts(),
    )

    def threads() -> Iterator[tuple[Any, ...]]:
        for t in range(count):
            title, key = titles[thread_title[t]]
            roll = rng.random()
            yield (
                first_thread + t,
                spaces[thread_space[t]].id,
                thread_author[t],
                title,
                as_datetime(created[t]),
                as_datetime(thread_last[t]),
                replies[t] + 1,
                roll < 0.01,
                0.01 <= roll < 0.015,
                key,
            )

    loader.write(
        Thread,
        [
            "id",
            "space_id",
            "author_id",
            "title",
            "created_at",
            "last_activity_at",
            "post_count",
            "pinned",
            "locked",
            "search_key",
        ],
        threads(),
    )
    busiest = max(range(count), key=replies.__getitem__)
    world.landmarks["busiest_thread"] = {
        "thread_id": first_thread + busiest,
        "posts": replies[busiest] + 1,
        "space_id": spaces[thread_space[busiest]].id,
    }
    first = loader.reserve(PostRevision, len(world.revisions))
    loader.write(
        PostRevision,
        ["id", "post_id", "body", "body_html", "written_at"],
        (
            (first + i, post, texts[text].body, texts[text].html, as_datetime(at))
            for i, (post, text, at) in enumerate(world.revisions)
        ),
    )
    loader.end_part()


def next_reply_at(rng: Any, at: float, end: float, *, left: int) -> float:
    """The time of the next reply after one at `at`, `left` replies still to
    come after it. Past `end`, the replies are squeezed into what is left of
    the period, still in order and apart: clamping them to `end` gave
    thousands of posts one timestamp, which skews every "newest first" query
    (a sort of the whole tie instead of an index walk)."""
    due = at + rng.expovariate(1 / REPLY_GAP)
    if due < end:
        return due
    return at + (end - at) * (0.5 + rng.random() / 2) / (left + 1)
