"""What the parts share: the scale, the clock, compact arrays of people and
spaces (never lists of millions of objects), and the heavy-tailed draws."""

import random
from array import array
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from membrane.perf.dataset.scales import Scale

# Zipf exponent of authorship within a space: with it, the two most active
# writers hold about two thirds of a group's posts, as in La Coopol's largest
# group (2 of 2,357 members wrote 215 of its 337 posts).
AUTHOR_EXPONENT = 1.8
# Share of a space's people who ever write there.
WRITER_SHARE = 0.05
_MAX_RANKS = 50_000
_RANK_WEIGHTS = list(accumulate(1 / (rank**AUTHOR_EXPONENT) for rank in range(1, _MAX_RANKS + 1)))

DAY = 86_400
HISTORY_DAYS = 730


@dataclass
class SpaceInfo:
    """A space conversations, ideas and events happen in."""

    id: int
    kind: int
    # Its people, in a shuffled order: the first ones are its writers.
    people: array
    # Who moderates and answers there.
    animator: int
    departement: str = ""
    commune: str = ""
    postcode: str = ""

    def writer(self, rng: random.Random) -> int:
        """A heavy-tailed draw of an author among the space's first people."""
        ranks = min(len(self.people), max(2, int(len(self.people) * WRITER_SHARE)), _MAX_RANKS)
        rank = bisect(_RANK_WEIGHTS, rng.random() * _RANK_WEIGHTS[ranks - 1], 0, ranks)
        return self.people[min(rank, ranks - 1)]

    def anyone(self, rng: random.Random) -> int:
        return self.people[int(rng.random() * len(self.people))]


@dataclass
class World:
    scale: Scale
    seed: int
    now: datetime
    # People: ids first_user .. first_user + count - 1.
    first_user: int = 0
    user_count: int = 0
    user_joined: array = field(default_factory=lambda: array("d"))
    charter_articles: int = 1
    # What the benchmark needs to find its way: logins, busiest places.
    landmarks: dict[str, Any] = field(default_factory=dict)
    email_of: Callable[[int], str] = str
    # Spaces where things happen, the national one first.
    spaces: list[SpaceInfo] = field(default_factory=list)
    group_spaces: list[int] = field(default_factory=list)
    # Posts: a compact memory of each post for reactions and moderation.
    first_post: int = 0
    post_space: array = field(default_factory=lambda: array("i"))
    post_author: array = field(default_factory=lambda: array("i"))
    post_at: array = field(default_factory=lambda: array("d"))
    post_deleted: bytearray = field(default_factory=bytearray)
    # Reported posts: (post id, space index, author id, created epoch,
    # outcome, charter article), decided in the moderation part.
    reported: list[tuple[int, int, int, float, str, int]] = field(default_factory=list)
    # Edited posts: (post id, text index of the first version, written epoch).
    revisions: list[tuple[int, int, float]] = field(default_factory=list)

    @property
    def start(self) -> float:
        return (self.now - timedelta(days=HISTORY_DAYS)).timestamp()

    @property
    def end(self) -> float:
        return self.now.timestamp()

    def during(self, rng: random.Random, skew: float = 1.0) -> float:
        """A moment of the last two years; more often recent when skew < 1."""
        return self.end - (rng.random() ** (1 / skew)) * (self.end - self.start)

    def rng(self, part: str, index: int = 0) -> random.Random:
        """The generator of one part (and one item of it): runs are
        reproducible part by part."""
        return random.Random(f"{self.seed}:{part}:{index}")


def heavy_counts(
    rng: random.Random, count: int, total: int, *, alpha: float, cap: int
) -> list[int]:
    """`count` heavy-tailed numbers (Lomax: a Pareto shifted to start at
    zero, so many are 0 or 1), at most `cap` each, adding up to about `total`."""
    draws = [min(rng.paretovariate(alpha) - 1, 10_000.0) for _ in range(count)]
    factor = total / sum(draws)
    return [min(cap, int(draw * factor + rng.random())) for draw in draws]


def weighted_picker(weights: list[float]) -> "Picker":
    return Picker(list(accumulate(weights)))


class Picker:
    """Draws an index with the given weights, in O(log n)."""

    def __init__(self, cumulative: list[float]) -> None:
        self.cumulative = cumulative
        self.total = cumulative[-1]

    def __call__(self, rng: random.Random) -> int:
        return min(bisect(self.cumulative, rng.random() * self.total), len(self.cumulative) - 1)
