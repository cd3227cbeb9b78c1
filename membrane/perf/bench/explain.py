"""`manage.py bench --explain`: where each key page spends its time, in this
process with Django's test client (no server): total and SQL time, the number
of queries, the process's peak memory after it (a page that raises it is
what makes a web worker grow), and the slowest queries with their plan
(`EXPLAIN ANALYZE` on PostgreSQL, `EXPLAIN QUERY PLAN` on SQLite). Only
SELECTs are explained. With `profile`, the Python functions that took the
most time of their own in that request (cProfile): what a page spends
outside the database."""

import cProfile
import io
import pstats
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.test import Client

from membrane.perf.bench.endpoints import read_paths
from membrane.perf.bench.targets import Targets

Query = tuple[float, str, Any]


@contextmanager
def timed_queries() -> Iterator[list[Query]]:
    queries: list[Query] = []

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, ctx)
        finally:
            queries.append((time.perf_counter() - began, sql, params))

    with connection.execute_wrapper(wrapper):
        yield queries


def plan(sql: str, params: Any) -> list[str]:
    prefix = "EXPLAIN (ANALYZE) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [" ".join(str(column) for column in row) for row in cursor.fetchall()]


def explain_pages(
    targets: Targets,
    reader_session: str,
    *,
    only: str = "",
    slowest: int = 2,
    profile: int = 0,
) -> Iterator[str]:
    """Lines of text, page by page."""
    clients = {
        "anonymous": Client(SERVER_NAME="127.0.0.1"),
        "signed-in": Client(SERVER_NAME="127.0.0.1"),
    }
    clients["signed-in"].cookies["sessionid"] = reader_session
    for name, path, _kind, anonymous in read_paths(targets):
        if only and only not in name.lower():
            continue
        for who in (["anonymous"] if anonymous else []) + ["signed-in"]:
            client = clients[who]
            client.get(path)  # warm the caches
            profiler = cProfile.Profile() if profile else None
            began = time.perf_counter()
            with timed_queries() as queries:
                if profiler:
                    profiler.enable()
                status = client.get(path).status_code
                if profiler:
                    profiler.disable()
            total = time.perf_counter() - began
            sql = sum(duration for duration, _sql, _params in queries)
            yield (
                f"== {name} ({who}) {path}: HTTP {status}, {total * 1000:.0f} ms, "
                f"{sql * 1000:.0f} ms in {len(queries)} queries, peak memory {_peak_mb():.0f} MB"
            )
            for duration, statement, params in sorted(queries, key=lambda q: -q[0])[:slowest]:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                yield f"-- {duration * 1000:.1f} ms: {statement[:600]}"
                yield from ("   " + line for line in plan(statement, params))
            if profiler:
                yield from _top_functions(profiler, profile)


def _peak_mb() -> float:
    """This process's peak resident memory so far (Linux counts in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _top_functions(profiler: cProfile.Profile, count: int) -> Iterator[str]:
    """The `count` functions with the most time of their own, then the same
    by cumulative time: pstats' own table, indented."""
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(count)
        table = out.getvalue().split("ncalls", 1)[-1]
        yield f"   by {order}: ncalls" + table.rstrip().replace("\n", "\n   ")
