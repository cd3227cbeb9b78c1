"""Two web nodes on one machine: two separate granian processes (each with
the benchmark's workers and options) on two ports of 127.0.0.1, sharing the
database and the cache of the environment, and their workers' memory."""

import contextlib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from membrane.perf.bench.client import TIMEOUT
from membrane.perf.bench.server import RssSampler, Server, free_port

HOST = "127.0.0.1"


def node_env(redis_url: str) -> dict[str, str]:
    env = {
        # A query that outlives the client's timeout is cut (PostgreSQL; libpq reads it).
        "PGOPTIONS": f"-c statement_timeout={int(TIMEOUT * 1000)}",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@contextlib.contextmanager
def web_nodes(
    *, count: int, log_dir: Path, stamp: str, env: dict[str, str]
) -> Iterator[list[tuple[Server, RssSampler]]]:
    """Start `count` servers, each with a memory sampler; stop them all on
    leaving, even if one failed to start."""
    servers: list[Server] = []
    samplers: list[RssSampler] = []
    try:
        for n in range(count):
            server = Server(
                host=HOST,
                port=free_port(HOST),
                log_path=log_dir / f"loadtest-node{n + 1}-{stamp}.log",
                env=env,
            )
            servers.append(server)
            server.start()
        for server in servers:
            sampler = RssSampler(server)
            samplers.append(sampler.__enter__())
        yield list(zip(servers, samplers, strict=True))
    finally:
        for sampler in samplers:
            sampler.__exit__(None, None, None)
        for server in servers:
            server.stop()


def base_url(server: Server) -> str:
    return f"http://{server.host}:{server.port}"


def warm_up(urls: list[str], paths: list[str]) -> None:
    """Ask each node for each page once: the first answer of a fresh worker
    (imports, templates, connections) is not what a running site serves."""
    for url in urls:
        for path in paths:
            # Our own nodes on 127.0.0.1 (http only).
            with contextlib.suppress(OSError), urllib.request.urlopen(url + path, timeout=30):  # noqa: S310
                pass
