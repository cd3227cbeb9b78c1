"""The load test's and the vote peak's arithmetic, without Django (the
locustfile imports it too): the ledger of writes the load generator sent, the
check of that ledger against the rows the database holds, latency
percentiles, and the burst schedule of the vote peak."""

import math
from collections import Counter
from collections.abc import Hashable, Iterable
from typing import Any

# What became of a write, as the load generator saw it.
OK = "ok"  # the expected answer (a redirect after the write): it must be stored, once
REFUSED = "refused"  # a 4xx answer (already done, rate limit): it must not be stored
UNKNOWN = "unknown"  # no answer, a 5xx or a timeout: stored or not, both are possible
PENDING = "pending"  # sent, no answer yet (the run stopped): counted as unknown


class Ledger:
    """Each write's key (a text number, a person, an (item, person) pair) and
    what became of it, per kind of write. A key sent twice keeps every
    outcome: a pair accepted twice is a doubled write."""

    def __init__(self) -> None:
        self.outcomes: dict[str, dict[str, list[str]]] = {}

    def sent(self, kind: str, key: Hashable) -> None:
        self.outcomes.setdefault(kind, {}).setdefault(encode_key(key), []).append(PENDING)

    def answered(self, kind: str, key: Hashable, outcome: str) -> None:
        """Replace the key's oldest pending entry by the outcome."""
        entries = self.outcomes.setdefault(kind, {}).setdefault(encode_key(key), [])
        if PENDING in entries:
            entries[entries.index(PENDING)] = outcome
        else:
            entries.append(outcome)

    def as_dict(self) -> dict[str, dict[str, list[str]]]:
        return self.outcomes

    @classmethod
    def from_dict(cls, data: dict[str, dict[str, list[str]]]) -> "Ledger":
        ledger = cls()
        ledger.outcomes = {
            kind: {k: list(v) for k, v in keys.items()} for kind, keys in data.items()
        }
        return ledger


def encode_key(key: Hashable) -> str:
    """A key as JSON can hold it: "12" for a person, "3:12" for a pair."""
    if isinstance(key, tuple):
        return ":".join(str(part) for part in key)
    return str(key)


def outcome_of(status: int, expected: Iterable[int]) -> str:
    """A write's outcome from its HTTP status (0: no answer)."""
    if status in set(expected):
        return OK
    if 400 <= status < 500:
        return REFUSED
    return UNKNOWN


def check_writes(
    kind: str, outcomes: dict[str, list[str]], db_keys: Iterable[str]
) -> dict[str, Any]:
    """Compare what the load generator saw with the rows of the database.

    Passes when every write answered OK is stored exactly once, no key was
    answered OK twice, and nothing is stored that was never sent or that was
    refused. A write without an answer (timeout, 5xx, stopped run) may be
    stored or not: those found stored are counted apart, not as failures."""
    stored = Counter(db_keys)
    accepted = {key for key, seen in outcomes.items() if OK in seen}
    unanswered = {key for key, seen in outcomes.items() if OK not in seen and _unsure(seen)}
    lost = sorted(accepted - set(stored))
    unexplained = sorted(set(stored) - accepted - unanswered)
    doubled_in_db = sorted(key for key, n in stored.items() if n > 1)
    accepted_twice = sorted(key for key, seen in outcomes.items() if seen.count(OK) > 1)
    sends = sum(len(seen) for seen in outcomes.values())
    return {
        "kind": kind,
        "sent": sends,
        "distinct_keys": len(outcomes),
        "ok": len(accepted),
        "refused": sum(seen.count(REFUSED) for seen in outcomes.values()),
        "unanswered": sum(seen.count(UNKNOWN) + seen.count(PENDING) for seen in outcomes.values()),
        "in_db": sum(stored.values()),
        "lost": lost[:20],
        "lost_count": len(lost),
        "unexplained": unexplained[:20],
        "unexplained_count": len(unexplained),
        "unanswered_but_stored": len(set(stored) & unanswered),
        "doubled_in_db": doubled_in_db[:20],
        "accepted_twice": accepted_twice[:20],
        "passes": not (lost or unexplained or doubled_in_db or accepted_twice),
    }


def _unsure(seen: list[str]) -> bool:
    return UNKNOWN in seen or PENDING in seen


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest rank, as the benchmark computes it (the same figures)."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered) - 1e-9) - 1))
    return ordered[index]


def latency_summary(values_ms: list[float]) -> dict[str, Any]:
    def rounded(fraction: float) -> float | None:
        value = percentile(values_ms, fraction)
        return None if value is None else round(value, 1)

    return {
        "requests": len(values_ms),
        "p50_ms": rounded(0.50),
        "p95_ms": rounded(0.95),
        "p99_ms": rounded(0.99),
        "max_ms": round(max(values_ms), 1) if values_ms else None,
    }


# The vote peak's schedule ------------------------------------------------------


def burst_schedule(
    count: int,
    *,
    mean_rate: float,
    period: float = 20.0,
    burst: float = 1.0,
    factor: float = 10.0,
) -> list[tuple[float, bool]]:
    """`count` send times (seconds from the start) and whether each falls in
    a burst. Each `period` starts with `burst` seconds at `factor` times the
    mean rate; the rest of the period runs at the rate that keeps the mean:
    q = mean x (period - factor x burst) / (period - burst). With period =
    factor x burst (e.g. 10 s and 1 s) the rest is silent."""
    if count <= 0:
        return []
    if mean_rate <= 0 or burst <= 0 or period < factor * burst:
        raise ValueError("Needs mean_rate > 0, burst > 0 and period >= factor x burst.")
    in_burst = round(mean_rate * factor * burst)
    quiet_rate = mean_rate * (period - factor * burst) / (period - burst)
    in_quiet = round(quiet_rate * (period - burst))
    offsets = [(burst * i / in_burst, True) for i in range(in_burst)]
    offsets += [(burst + (period - burst) * j / in_quiet, False) for j in range(in_quiet)]
    if not offsets:
        raise ValueError("The mean rate is too low for this period: no request in it.")
    schedule: list[tuple[float, bool]] = []
    cycle = 0
    while len(schedule) < count:
        start = cycle * period
        schedule += [(start + offset, burst_flag) for offset, burst_flag in offsets]
        cycle += 1
    return schedule[:count]


def send_order(pairs: int, *, repeat_every: int = 50, lag: int = 3) -> list[tuple[int, bool]]:
    """The order in which the vote peak sends its pairs: each pair once,
    and every `repeat_every`-th pair sent again `lag` requests later (so
    that, in a burst, the two may be in flight together): (pair, repeat)."""
    order: list[tuple[int, bool]] = []
    waiting: list[tuple[int, int]] = []  # (send at position, pair)
    for pair in range(pairs):
        order.append((pair, False))
        if repeat_every and pair % repeat_every == repeat_every - 1:
            waiting.append((len(order) + lag, pair))
        while waiting and waiting[0][0] <= len(order):
            order.append((waiting.pop(0)[1], True))
    order += [(pair, True) for _at, pair in waiting]
    return order
