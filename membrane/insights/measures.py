"""The arithmetic of participation, on counts already aggregated by the
database (one number per person): inequality and concentration.

Pure functions, no database: tested against hand-computed values and, with
hypothesis, against their invariants (Gini within [0, 1], 0 when all are
equal, unchanged by reordering; top-k shares growing with k)."""

import math
from collections.abc import Sequence


def gini(counts: Sequence[int], *, zeros: int = 0) -> float:
    """The Gini coefficient of `counts` plus `zeros` people at zero (the
    silent members, counted without listing them): 0 when everyone wrote as
    much, close to 1 when one person wrote everything."""
    n = len(counts) + zeros
    total = sum(counts)
    if n == 0 or total == 0:
        return 0.0
    # Ascending order, the zeros first: the i-th person (1-based) weighs i.
    weighted = sum((zeros + rank) * value for rank, value in enumerate(sorted(counts), start=1))
    value = (2 * weighted) / (n * total) - (n + 1) / n
    return min(1.0, max(0.0, value))


def top_share(counts: Sequence[int], k: int) -> float:
    """The share of the total held by the `k` largest counts."""
    total = sum(counts)
    if total == 0 or k <= 0:
        return 0.0
    return sum(sorted(counts, reverse=True)[:k]) / total


def top_percent_share(counts: Sequence[int], percent: float) -> float:
    """The share held by the top `percent` % of the people counted (at least
    one person as soon as there is anyone)."""
    return top_share(counts, people_in_top_percent(len(counts), percent))


def people_in_top_percent(n: int, percent: float) -> int:
    return max(1, math.ceil(n * percent / 100)) if n else 0


def people_for_share(counts: Sequence[int], share: float) -> int:
    """How few people hold at least `share` of the total: "3 people wrote
    70 % of the messages"."""
    total = sum(counts)
    if total == 0:
        return 0
    running = 0
    for people, value in enumerate(sorted(counts, reverse=True), start=1):
        running += value
        if running >= share * total:
            return people
    return len(counts)


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
