"""The load generator: a small HTTP/1.1 keep-alive client on asyncio, no
dependency. A fixed number of connections each send a request as soon as the
previous answer arrived (closed loop), for a warm-up then a fixed duration.

It runs in the benchmark's own process, never in the server's. It reads
`X-Queries` (the server's SQL query count, see membrane.perf.middleware) from
each answer.
"""

import asyncio
import contextlib
import itertools
import math
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

TIMEOUT = 30.0
QUERY_HEADER = b"x-queries"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def encode(self, host: str) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        if self.body or self.method not in {"GET", "HEAD"}:
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


@dataclass
class Response:
    status: int
    headers: dict[bytes, bytes]
    body: bytes


@dataclass
class Endpoint:
    """What to measure: `make(i)` gives the i-th request (writes use `i` to
    pick a new item or another person each time). `expected` are the statuses
    that count as success: a page that redirects to the login form has not
    been measured."""

    name: str
    mode: str  # "anonymous" or "signed-in"
    make: Callable[[int], Request]
    expected: frozenset[int] = frozenset({200})
    kind: str = "page"  # "page", "api", "write" or "bare"
    # How many requests it may make at most (writes with a finite supply of
    # new items); None: as many as the duration allows.
    limit: int | None = None


@dataclass
class Result:
    name: str
    mode: str
    kind: str
    duration: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    rss_mb: float | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        ok = self.requests - self.errors
        return ok / self.duration if self.duration else 0.0

    def percentile(self, fraction: float) -> float | None:
        """The latency (ms) under which `fraction` of the requests answered."""
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        # Nearest rank; the epsilon keeps 0.95 x 100 from rounding up to 96.
        index = min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered) - 1e-9) - 1))
        return ordered[index] * 1000

    @property
    def queries_per_request(self) -> float | None:
        return statistics.fmean(self.queries) if self.queries else None

    @property
    def usual_queries(self) -> int | None:
        """The page's own count: the most frequent one (the smallest of a
        tie). A few requests make one more, for the session's periodic
        second-factor check or a person's first request, whatever the page."""
        if not self.queries:
            return None
        counts = Counter(self.queries)
        return min(counts, key=lambda n: (-counts[n], n))

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "mode": self.mode,
            "kind": self.kind,
            "requests": self.requests,
            "duration_s": round(self.duration, 3),
            "rps": round(self.rps, 1),
            "p50_ms": _round(self.percentile(0.50)),
            "p95_ms": _round(self.percentile(0.95)),
            "p99_ms": _round(self.percentile(0.99)),
            "errors": self.errors,
            "error_samples": self.error_samples[:5],
            "statuses": {str(status): n for status, n in sorted(self.statuses.items())},
            "queries_per_request": _round(self.queries_per_request),
            "queries_min": min(self.queries) if self.queries else None,
            "queries_max": max(self.queries) if self.queries else None,
            "queries_usual": self.usual_queries,
            "worker_rss_mb": _round(self.rss_mb),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, request: Request) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(request.encode(f"{self.host}:{self.port}"))
        await self.writer.drain()
        response = await read_response(self.reader)
        if response.headers.get(b"connection", b"").lower() == b"close":
            await self.close()
        return response

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def read_response(reader: asyncio.StreamReader) -> Response:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head[:-4].split(b"\r\n")
    status = int(status_line.split(b" ", 2)[1])
    headers: dict[bytes, bytes] = {}
    for line in header_lines:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    if b"content-length" in headers:
        body = await reader.readexactly(int(headers[b"content-length"]))
    elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(chunks)
    elif status in {204, 304} or 100 <= status < 200:
        body = b""
    else:
        body = await reader.read()
        headers[b"connection"] = b"close"
    return Response(status=status, headers=headers, body=body)


async def run_endpoint(
    endpoint: Endpoint,
    *,
    host: str,
    port: int,
    concurrency: int,
    duration: float,
    warmup: float,
) -> Result:
    """Drive one endpoint: `warmup` seconds not counted, then `duration`
    seconds measured (or fewer if its `limit` of requests runs out)."""
    result = Result(name=endpoint.name, mode=endpoint.mode, kind=endpoint.kind)
    counter = itertools.count()
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration
    last_end = measure_from

    async def worker() -> None:
        nonlocal last_end
        connection = Connection(host, port)
        try:
            while True:
                now = time.perf_counter()
                if now >= stop_at:
                    return
                index = next(counter)
                if endpoint.limit is not None and index >= endpoint.limit:
                    return
                request = endpoint.make(index)
                problem: str | None
                queries: int | None
                began = time.perf_counter()
                try:
                    response = await asyncio.wait_for(connection.send(request), TIMEOUT)
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as e:
                    await connection.close()
                    status, problem, queries = 0, f"{type(e).__name__}: {e}", None
                else:
                    status, problem = response.status, None
                    if status not in endpoint.expected:
                        problem = f"HTTP {status} {response.headers.get(b'location', b'').decode()}"
                    raw = response.headers.get(QUERY_HEADER)
                    queries = int(raw) if raw is not None else None
                ended = time.perf_counter()
                if began < measure_from:
                    continue
                last_end = max(last_end, ended)
                result.latencies.append(ended - began)
                result.statuses[status] += 1
                if queries is not None:
                    result.queries.append(queries)
                if problem is not None:
                    result.errors += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(problem)
        finally:
            await connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    # From the end of the warm-up to the last answer counted: requests sent
    # just before the stop are counted, and so is the time they took; a
    # finite supply of writes may end early.
    result.duration = max(0.001, last_end - measure_from)
    return result
