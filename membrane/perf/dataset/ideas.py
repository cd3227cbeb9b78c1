"""Idea boxes (national, federations, the larger sections and groups), ideas
with heavy-tailed supports (their stored `support_count` written with them),
the step in their box (threshold reached when the n-th support came), and
public answers for most ideas past the threshold."""

import random
from collections.abc import Iterator
from typing import Any, NamedTuple

from membrane.core.text import normalize_for_search
from membrane.ideas.models import Answer, Idea, IdeaBox, Status, Step, Support
from membrane.perf.dataset.texts import text_pool, title_pool
from membrane.perf.dataset.world import DAY, World, heavy_counts, weighted_picker
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
