"""Idea boxes (national, federations, the larger sections and groups), ideas
with heavy-tailed supports (their stored `support_count` written with them),
the step in their box (threshold reached when the n-th support came), public
answers for most ideas past the threshold, and comments: heavy-tailed too,
in a thread of the box's space that the first comment opened, as
`idea_comment` does."""

import random
from collections.abc import Iterator
from typing import Any, NamedTuple

from django.utils.text import slugify

from membrane.conversations.models import Post, Thread
from membrane.core.demo_ideas import THEMES
from membrane.core.text import normalize_for_search
from membrane.ideas.models import MAX_THEMES, Answer, Idea, IdeaBox, Status, Step, Support, Theme
from membrane.ideas.services import idea_thread_title
from membrane.moderation.models import ModerationState
from membrane.perf.dataset.conversations import next_reply_at
from membrane.perf.dataset.texts import text_pool, title_pool
from membrane.perf.dataset.world import DAY, SpaceInfo, World, heavy_counts, weighted_picker
from membrane.perf.dataset.writer import Loader, as_datetime
from membrane.spaces.models import Space

MIN_PEOPLE = 20
ANSWERS = (
    (Status.RETAINED, "Retenue : nous la portons au prochain conseil."),
    (Status.UNDER_STUDY, "À l'étude : un groupe de travail la chiffre d'ici l'été."),
    (Status.DECLINED, "Déclinée : elle relève d'une autre collectivité, nous l'expliquons ici."),
)


def generate_ideas(world: World, loader: Loader) -> None:
    loader.start_part("ideas & supports")
    rng = world.rng("ideas")
    texts = text_pool(world.rng("idea-texts"), 300)
    titles = title_pool(world.rng("idea-titles"), 300)
    groups_with_box = set(world.group_spaces[: max(1, len(world.group_spaces) // 5)])
    # The demo's boxes (national, its federations) stay as they are.
    opened = set(IdeaBox.objects.values_list("space_id", flat=True))
    boxes = [
        index
        for index, space in enumerate(world.spaces)
        if len(space.people) >= MIN_PEOPLE
        and (space.kind != Space.Kind.GROUP or index in groups_with_box)
        and space.id not in opened
    ]
    first_box = loader.reserve(IdeaBox, len(boxes))
    thresholds = [max(5, min(2_000, len(world.spaces[b].people) // 50)) for b in boxes]
    loader.write(
        IdeaBox,
        ["id", "space_id", "opened_by_id", "opened_at", "threshold_supports"],
        (
            (
                first_box + i,
                world.spaces[b].id,
                world.spaces[b].animator,
                as_datetime(world.start - rng.random() * 30 * DAY),
                thresholds[i],
            )
            for i, b in enumerate(boxes)
        ),
    )

    count = world.scale.ideas
    pick_box = weighted_picker([len(world.spaces[b].people) ** 0.7 for b in boxes])
    supports = heavy_counts(rng, count, world.scale.supports, alpha=1.3, cap=50_000)
    plans: list[_Plan] = []
    for i in range(count):
        box = pick_box(rng)
        space = world.spaces[boxes[box]]
        created = world.during(rng, 0.8)
        n = min(supports[i], len(space.people) - 1)
        times = _support_times(world.rng("supports", i), created, world.end, n)
        reached = times[thresholds[box] - 1] if n >= thresholds[box] else None
        status: str = Status.SUBMITTED
        answered: float | None = None
        if reached is not None and rng.random() < 0.75:
            answered = reached + rng.uniform(1, 45) * DAY
            if answered < world.end:
                status = ANSWERS[int(rng.random() * len(ANSWERS))][0]
            else:
                answered = None
        plans.append(
            _Plan(
                box,
                space.writer(rng),
                created,
                n,
                reached,
                answered,
                status,
                int(rng.random() * len(titles)),
                int(rng.random() * len(texts)),
            )
        )

    first_idea = loader.reserve(Idea, count)
    _write_themes(world, loader, first_idea, count)
    threads = _write_comments(world, loader, [world.spaces[b] for b in boxes], plans, titles)

    def ideas() -> Iterator[tuple[Any, ...]]:
        for i, plan in enumerate(plans):
            title, text = titles[plan.title][0], texts[plan.text]
            yield (
                first_idea + i,
                first_box + plan.box,
                plan.author,
                title,
                text.body,
                text.html,
                plan.status,
                as_datetime(plan.created),
                normalize_for_search(f"{title} {text.body}"),
                # Exactly the supports written below for this idea.
                plan.supports,
                threads[i],
            )

    loader.write(
        Idea,
        [
            "id",
            "box_id",
            "author_id",
            "title",
            "description",
            "description_html",
            "status",
            "created_at",
            "search_key",
            "support_count",
            "thread_id",
        ],
        ideas(),
    )
    first_step = loader.reserve(Step, count)
    loader.write(
        Step,
        ["id", "idea_id", "box_id", "entered_at", "threshold_reached_at", "answered_at", "status"],
        (
            (
                first_step + i,
                first_idea + i,
                first_box + box,
                as_datetime(created),
                as_datetime(reached) if reached is not None else None,
                as_datetime(answered) if answered is not None else None,
                status,
            )
            for i, (box, _author, created, _n, reached, answered, status, _t, _x) in enumerate(
                plans
            )
        ),
    )
    answered_ideas = [i for i, plan in enumerate(plans) if plan.answered is not None]
    first = loader.reserve(Answer, len(answered_ideas))
    texts_of: dict[str, str] = dict(ANSWERS)
    loader.write(
        Answer,
        ["id", "idea_id", "step_id", "author_id", "from_status", "to_status", "text", "created_at"],
        (
            (
                first + k,
                first_idea + i,
                first_step + i,
                world.spaces[boxes[plans[i].box]].animator,
                Status.SUBMITTED,
                plans[i].status,
                texts_of[plans[i].status],
                as_datetime(plans[i].answered or 0),
            )
            for k, i in enumerate(answered_ideas)
        ),
    )

    first = loader.reserve(Support, sum(plan.supports for plan in plans))

    def support_rows() -> Iterator[tuple[Any, ...]]:
        next_id = first
        for i, (box, author, created, n, *_rest) in enumerate(plans):
            if n == 0:
                continue
            sub = world.rng("supports", i)
            times = _support_times(sub, created, world.end, n)
            space = world.spaces[boxes[box]]
            people: set[int] = set()
            while len(people) < n:
                person = space.anyone(sub)
                if person != author:
                    people.add(person)
            for person, at in zip(sorted(people), sub.sample(times, n), strict=True):
                yield (next_id, first_idea + i, person, as_datetime(at))
                next_id += 1

    loader.write(Support, ["id", "idea_id", "user_id", "created_at"], support_rows())
    loader.end_part()


# Ideas carrying themes (each one to three of them, as the form allows).
THEMED = 0.6


def _write_themes(world: World, loader: Loader, first_idea: int, count: int) -> None:
    """The demo's themes (those already there kept), and the themes of the
    ideas `first_idea` .. `first_idea + count - 1`: a few themes carry most."""
    rng = world.rng("idea-themes")
    themes = [
        Theme.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0].pk
        for name in THEMES
    ]
    pick = weighted_picker([1 / rank for rank in range(1, len(themes) + 1)])
    Link = Idea.themes.through
    chosen = [
        sorted({themes[pick(rng)] for _ in range(1 + int(rng.random() * MAX_THEMES))})
        if rng.random() < THEMED
        else []
        for _ in range(count)
    ]
    first = loader.reserve(Link, sum(map(len, chosen)))
    pairs = ((first_idea + i, theme) for i, ids in enumerate(chosen) for theme in ids)
    loader.write(
        Link,
        ["id", "idea_id", "theme_id"],
        ((first + n, idea, theme) for n, (idea, theme) in enumerate(pairs)),
    )


# Comments on all ideas, per idea; a few ideas draw hundreds, most none.
COMMENTS_PER_IDEA = 3
MAX_COMMENTS = 1_000


def _write_comments(
    world: World,
    loader: Loader,
    box_spaces: list[SpaceInfo],
    plans: list["_Plan"],
    titles: list[tuple[str, str]],
) -> list[int | None]:
    """The commented ideas' threads and comments; each idea's thread id (None
    for an idea nobody commented on: it has no thread)."""
    rng = world.rng("idea-comments")
    texts = text_pool(world.rng("idea-comment-texts"), 500)
    counts = heavy_counts(
        rng, len(plans), len(plans) * COMMENTS_PER_IDEA, alpha=1.4, cap=MAX_COMMENTS
    )
    commented = [i for i, n in enumerate(counts) if n]
    first_thread = loader.reserve(Thread, len(commented))
    first_post = loader.reserve(Post, sum(counts))
    thread_of: list[int | None] = [None] * len(plans)
    for t, i in enumerate(commented):
        thread_of[i] = first_thread + t
    # Per thread: its opening comment's author and time, its last one's time.
    opened: list[tuple[int, float, float]] = []

    def posts() -> Iterator[tuple[Any, ...]]:
        post_id = first_post
        for t, i in enumerate(commented):
            plan = plans[i]
            space = box_spaces[plan.box]
            first_author, first_at = space.writer(rng), 0.0
            at = plan.created
            for position in range(counts[i]):
                author = space.writer(rng) if position else first_author
                at = next_reply_at(rng, at, world.end, left=counts[i] - position)
                first_at = first_at or at
                text = texts[int(rng.random() * len(texts))]
                yield (
                    post_id,
                    first_thread + t,
                    space.id,
                    position > 0,
                    author,
                    text.body,
                    text.html,
                    as_datetime(at),
                    text.search_key,
                    ModerationState.VISIBLE,
                )
                post_id += 1
            opened.append((first_author, first_at, at))

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
            "created_at",
            "search_key",
            "moderation_state",
        ],
        posts(),
    )

    def threads() -> Iterator[tuple[Any, ...]]:
        for t, i in enumerate(commented):
            author, created, last = opened[t]
            title = idea_thread_title(Idea(title=titles[plans[i].title][0]))
            yield (
                first_thread + t,
                box_spaces[plans[i].box].id,
                author,
                title,
                as_datetime(created),
                as_datetime(last),
                counts[i],
                False,
                False,
                normalize_for_search(title),
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
    return thread_of


class _Plan(NamedTuple):
    box: int
    author: int
    created: float
    supports: int
    reached: float | None
    answered: float | None
    status: str
    title: int
    text: int


def _support_times(rng: random.Random, created: float, end: float, n: int) -> list[float]:
    """When the supports came: mostly in the idea's first weeks."""
    span = end - created
    return sorted(created + span * rng.random() ** 3 for _ in range(n))
