"""The server under test: granian as scripts/run.sh starts it (production
settings, DEBUG off, two workers, capped threads and backpressure), on
127.0.0.1 and a free port, plus the `X-Queries` header; and its workers'
resident memory read from /proc."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

WORKERS = 2
GRANIAN_OPTIONS = [
    "--interface",
    "wsgi",
    "--workers",
    str(WORKERS),
    "--blocking-threads",
    "2",
    "--backpressure",
    "16",
]
SETTINGS = "membrane.perf.bench.settings"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class Server:
    """Start with `start()`, stop with `stop()`: only the granian process it
    started and that process's own workers are ever signalled."""

    def __init__(self, *, host: str, port: int, log_path: Path, env: dict[str, str]) -> None:
        self.host = host
        self.port = port
        self.log_path = log_path
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def command(self) -> list[str]:
        granian = str(Path(sys.executable).with_name("granian"))
        return [
            granian,
            *GRANIAN_OPTIONS,
            "--host",
            self.host,
            "--port",
            str(self.port),
            "membrane.wsgi:application",
        ]

    def start(self, timeout: float = 60.0) -> None:
        env = {**os.environ, **self.env}
        env.pop("DEBUG", None)  # production: the settings' default, off
        env["DJANGO_SETTINGS_MODULE"] = SETTINGS
        env["PYTHONUNBUFFERED"] = "1"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own venv's granian
            self.command, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + timeout
        url = f"http://{self.host}:{self.port}/_perf/bare/"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server stopped at start: see {self.log_path}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200 and len(self.worker_pids()) >= WORKERS:
                    return
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"The server did not answer within {timeout:.0f} s: see {self.log_path}")

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.worker_pids()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.kill()
            self.process.wait(timeout=5)


def children(pid: int) -> list[int]:
    """The direct child processes of `pid` (granian's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: split after the last ")".
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (VmRSS), None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class RssSampler:
    """Samples the workers' resident memory in a thread while load runs;
    `peak` is the largest single worker seen since the last `reset()`."""

    def __init__(self, server: Server, interval: float = 0.25) -> None:
        self.server = server
        self.interval = interval
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def reset(self) -> float:
        peak, self.peak = self.peak, 0.0
        return peak

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.server.worker_pids():
                value = rss_mb(pid)
                if value is not None:
                    self.peak = max(self.peak, value)
            self._stop.wait(self.interval)
