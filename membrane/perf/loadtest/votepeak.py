"""The vote peak's load generator: supports sent through the real endpoint
(`POST /idees/idee/<id>/soutien/`, a bench person's session) at the times of
a burst schedule, whether or not earlier answers have come back (an open
loop: a slow server does not slow the arrivals down), spread over the web
nodes in turn. A request's latency runs from the time it was due, so that
waiting for a free connection in a burst counts too."""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from membrane.perf.bench.client import TIMEOUT, Connection, Request, Response
from membrane.perf.bench.endpoints import cookie_header
from membrane.perf.loadtest.accounting import OK, REFUSED, UNKNOWN, Ledger, outcome_of
from membrane.perf.loadtest.plan import pair_of

REDIRECT = (302, 303)


@dataclass
class Shot:
    key: str
    repeat: bool
    burst: bool
    node: int
    status: int = 0
    outcome: str = UNKNOWN
    latency_ms: float = 0.0  # from the time it was due
    service_ms: float = 0.0  # from the time it was sent


def support_request(idea_id: int, session: str, csrf: str) -> Request:
    headers = {
        **cookie_header(session, csrf),
        "X-CSRFToken": csrf,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return Request("POST", f"/idees/idee/{idea_id}/soutien/", headers, b"")


def outcome_of_response(response: Response | None) -> str:
    """OK only for the redirect back to the idea: a redirect to the login
    form means the session was not taken, nothing was written."""
    if response is None:
        return UNKNOWN
    if b"/accounts/login" in response.headers.get(b"location", b""):
        return REFUSED
    return outcome_of(response.status, REDIRECT)


async def drive(
    *,
    plan: dict[str, Any],
    schedule: list[tuple[float, bool]],
    order: list[tuple[int, bool]],
    nodes: list[tuple[str, int]],
    connections: int,
) -> tuple[list[Shot], float]:
    """Send `order[i]`'s pair at `schedule[i]`; returns each shot and the
    run's duration in seconds."""
    pools: list[asyncio.Queue[Connection]] = []
    for host, port in nodes:
        pool: asyncio.Queue[Connection] = asyncio.Queue()
        for _n in range(max(1, connections // len(nodes))):
            pool.put_nowait(Connection(host, port))
        pools.append(pool)
    shots: list[Shot] = []
    start = time.perf_counter()

    async def shoot(shot: Shot, request: Request, due: float) -> None:
        pool = pools[shot.node]
        connection = await pool.get()
        sent = time.perf_counter()
        response: Response | None = None
        try:
            response = await asyncio.wait_for(connection.send(request), TIMEOUT)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            await connection.close()
        finally:
            pool.put_nowait(connection)
        ended = time.perf_counter()
        shot.status = response.status if response is not None else 0
        shot.outcome = outcome_of_response(response)
        shot.latency_ms = (ended - due) * 1000
        shot.service_ms = (ended - sent) * 1000

    tasks = []
    for index, ((at, burst), (pair, repeat)) in enumerate(zip(schedule, order, strict=True)):
        idea_id, person = pair_of(pair, plan)
        shot = Shot(
            key=f"{idea_id}:{person['id']}", repeat=repeat, burst=burst, node=index % len(nodes)
        )
        shots.append(shot)
        due = start + at
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        request = support_request(idea_id, person["session"], plan["csrf"])
        tasks.append(asyncio.create_task(shoot(shot, request, due)))
    await asyncio.gather(*tasks)
    for pool in pools:
        while not pool.empty():
            await pool.get_nowait().close()
    return shots, time.perf_counter() - start


def ledger_of(shots: list[Shot]) -> Ledger:
    ledger = Ledger()
    for shot in shots:
        ledger.sent("support", shot.key)
        ledger.answered("support", shot.key, shot.outcome)
    return ledger


def repeats_summary(shots: list[Shot]) -> dict[str, int]:
    """The pairs sent twice: how many had exactly one send accepted (the
    other refused, HTTP 409: whichever arrived second), and the refusals."""
    repeated = {shot.key for shot in shots if shot.repeat}
    sends = [shot for shot in shots if shot.key in repeated]
    accepted = Counter(shot.key for shot in sends if shot.outcome == OK)
    return {
        "pairs": len(repeated),
        "accepted_once": sum(1 for key in repeated if accepted[key] == 1),
        "refused": sum(1 for shot in sends if shot.outcome == REFUSED),
        "statuses_409": sum(1 for shot in sends if shot.status == 409),
    }
