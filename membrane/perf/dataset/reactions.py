"""Thumbs up on posts: a Pareto number per post (most posts get none or one,
a few get hundreds), half of them from the space's most active people; never
on a deleted post nor by its author, one per person and post."""

import random
from collections.abc import Iterator
from typing import Any

from membrane.conversations.models import Reaction
from membrane.perf.dataset.world import World
from membrane.perf.dataset.writer import Loader, as_datetime

ALPHA = 1.4
CAP = 2_000
DELAY = 8 * 3600


def _factor(rng: random.Random, mean: float) -> float:
    """The scale of the Pareto draws that gives `mean` reactions a post once
    capped and rounded down (estimated on a sample)."""
    sample = [min(rng.paretovariate(ALPHA), 10_000.0) for _ in range(20_000)]
    factor = mean / (sum(sample) / len(sample))
    for _ in range(3):
        got = sum(min(CAP, int(draw * factor + 0.5)) for draw in sample) / len(sample)
        factor *= mean / max(got, 0.001)
    return factor


def generate_reactions(world: World, loader: Loader) -> None:
    loader.start_part("reactions")
    rng = world.rng("reactions")
    posts = len(world.post_space)
    live = posts - sum(world.post_deleted)
    factor = _factor(world.rng("reactions-scale"), world.scale.reactions / max(live, 1))
    first = loader.reserve(Reaction, 0)

    def reactions() -> Iterator[tuple[Any, ...]]:
        next_id = first
        spaces = world.spaces
        for p in range(posts):
            if world.post_deleted[p]:
                continue
            count = int(rng.paretovariate(ALPHA) * factor + rng.random())
            if count == 0:
                continue
            space = spaces[world.post_space[p]]
            author = world.post_author[p]
            count = min(count, CAP, (len(space.people) - 1) // 2)
            people: set[int] = set()
            while len(people) < count:
                person = space.writer(rng) if rng.random() < 0.5 else space.anyone(rng)
                if person != author:
                    people.add(person)
            at = world.post_at[p]
            post_id = world.first_post + p
            for person in sorted(people):
                when = min(at + rng.expovariate(1 / DELAY), world.end)
                yield (next_id, post_id, person, Reaction.Kind.THUMBS_UP, as_datetime(when))
                next_id += 1

    written = loader.write(
        Reaction, ["id", "post_id", "user_id", "kind", "created_at"], reactions()
    )
    loader.reserve(Reaction, written)
    loader.end_part()
