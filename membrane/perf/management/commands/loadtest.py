"""`manage.py loadtest`: the load test of issue 8 (docs/deploy.md).

Starts two web nodes (two separate granian processes, production settings)
on two ports of 127.0.0.1 sharing the database of DATABASE_URL and the Redis
of REDIS_URL (cache, sessions, rate-limit counters), runs locust headless
against both for a bounded time (membrane/perf/loadtest/locustfile.py), then
checks: no server error, every write locust saw accepted stored exactly once,
nothing stored that locust did not see, a web worker under 300 MB. Reports
p50/p95/p99 per request, writes JSON and Markdown to var/perf/, and with
`--update-docs` its block in docs/performance.md. `scripts/loadtest.sh`
(`make loadtest`) prepares the database and Redis first.
"""

import json
import os
import secrets
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections

from membrane.perf.bench import report as bench_report
from membrane.perf.bench.server import GRANIAN_OPTIONS
from membrane.perf.loadtest import report
from membrane.perf.loadtest.accounting import check_writes, latency_summary
from membrane.perf.loadtest.nodes import base_url, node_env, warm_up, web_nodes
from membrane.perf.loadtest.plan import prepare_load_plan, stored_writes

WRITE_KINDS = ("reply", "reaction", "support", "rsvp", "report")
LOCUSTFILE = Path(__file__).resolve().parents[2] / "loadtest" / "locustfile.py"


def cache_label() -> str:
    backend = str(settings.CACHES["default"]["BACKEND"]).lower()
    return "Redis" if "redis" in backend else "database"


def run_header(
    *, dataset: str, db: str, started: datetime, machine: dict[str, Any]
) -> dict[str, Any]:
    """What every load-test and vote-peak result starts with."""
    return {
        "dataset": dataset,
        "db": db,
        "started_at": started.strftime("%Y-%m-%d %H:%M UTC"),
        "commit": bench_report.git_commit(),
        "machine": machine,
        "cache": cache_label(),
    }


def check_run(
    seen: dict[str, Any], stored: dict[str, list[str]], rss_peaks: list[float]
) -> dict[str, Any]:
    """The figures and the verdict of a run, from what locust saw and what
    the database holds."""
    requests = []
    all_latencies: list[float] = []
    for name in sorted(seen["latencies_ms"]):
        values = seen["latencies_ms"][name]
        all_latencies += values
        codes = {int(code): n for code, n in seen["statuses"].get(name, {}).items()}
        requests.append(
            {
                "name": name,
                **latency_summary(values),
                "statuses": codes,
                "errors": seen["failures"].get(name, 0),
                "server_errors": sum(n for code, n in codes.items() if code >= 500 or code == 0),
                "error_samples": seen["errors"].get(name, []),
            }
        )
    ledger = seen["ledger"]
    writes = [check_writes(kind, ledger.get(kind, {}), stored[kind]) for kind in WRITE_KINDS]
    server_errors = sum(r["server_errors"] for r in requests)
    errors = sum(r["errors"] for r in requests)
    failures = []
    if server_errors:
        failures.append(f"{server_errors} server errors")
    if errors - server_errors:
        failures.append(f"{errors - server_errors} unexpected answers")
    failures += [f"writes of kind {w['kind']} do not add up" for w in writes if not w["passes"]]
    if rss_peaks and max(rss_peaks) >= report.RSS_LIMIT_MB:
        failures.append(f"a web worker reached {max(rss_peaks):.0f} MB")
    return {
        "requests": requests,
        "total": {
            **latency_summary(all_latencies),
            "errors": errors,
            "server_errors": server_errors,
        },
        "server_errors": server_errors,
        "writes": writes,
        "failures": failures,
        "passes": not failures,
    }


class Command(BaseCommand):
    help = "Load test: locust against two web nodes sharing PostgreSQL and Redis."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", default="small", help="Its name in the report.")
        parser.add_argument("--run-time", type=float, default=60.0, help="Seconds of load.")
        parser.add_argument("--users", type=int, default=30, help="Locust users.")
        parser.add_argument(
            "--spawn-rate", type=float, default=10.0, help="Users started a second."
        )
        parser.add_argument("--people", type=int, default=200, help="Bench people signed in.")
        parser.add_argument("--nodes", type=int, default=2, help="Web nodes (granian processes).")
        parser.add_argument("--no-analyze", action="store_true")
        parser.add_argument("--output-dir", default=str(settings.VAR_DIR / "perf"))
        parser.add_argument("--update-docs", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        locust = Path(sys.executable).with_name("locust")
        if not locust.exists():
            raise CommandError(
                "locust is not installed: pip install -e '.[load]' (or locust==2.47.0)."
            )
        if cache_label() != "Redis":
            self.stderr.write("REDIS_URL is not set: the nodes share the database cache instead.")
        if not options["no_analyze"]:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as `bench`: fresh data has no planner statistics
        started = datetime.now(UTC)
        stamp = started.strftime("%Y%m%dT%H%M%SZ")
        out_dir = Path(options["output_dir"])
        out_dir.mkdir(parents=True, exist_ok=True)
        run_id = secrets.token_hex(3)
        plan = prepare_load_plan(people=options["people"], hosts=[], run_id=run_id)
        machine = bench_report.machine()
        db = bench_report.db_label()
        connections.close_all()  # SQLite: hold no lock while the servers write

        plan_path = out_dir / f"loadtest-plan-{stamp}.json"
        seen_path = out_dir / f"loadtest-seen-{stamp}.json"
        env = node_env(getattr(settings, "REDIS_URL", ""))
        with web_nodes(count=options["nodes"], log_dir=out_dir, stamp=stamp, env=env) as nodes:
            plan["hosts"] = [base_url(server) for server, _sampler in nodes]
            plan_path.write_text(json.dumps(plan))
            warm_up(plan["hosts"], list(plan["reads"].values()))
            self.stdout.write(
                f"Web nodes: {', '.join(plan['hosts'])}; locust for "
                f"{options['run_time']:g} s, {options['users']} users"
            )
            try:
                self._locust(locust, plan, options, plan_path, seen_path, out_dir, stamp)
            finally:
                plan_path.unlink(missing_ok=True)  # it holds sessions
            rss_peaks = [round(sampler.peak, 1) for _server, sampler in nodes]
        if not seen_path.exists():
            raise CommandError(f"locust wrote no result: see {out_dir}/loadtest-locust-{stamp}.log")
        seen = json.loads(seen_path.read_text())
        seen_path.unlink()
        checked = check_run(seen, stored_writes(plan), rss_peaks)
        total_requests = checked["total"]["requests"]
        run: dict[str, Any] = {
            **run_header(dataset=options["dataset"], db=db, started=started, machine=machine),
            "config": {
                "nodes": options["nodes"],
                "server": "granian " + " ".join(GRANIAN_OPTIONS),
                "locust": _locust_version(),
                "users": options["users"],
                "spawn_rate": options["spawn_rate"],
                "run_time": options["run_time"],
                "people": options["people"],
            },
            "per_node": [seen["per_host"].get(host, 0) for host in plan["hosts"]],
            "rps": round(total_requests / options["run_time"], 1),
            "rss_peak_mb": rss_peaks,
            **checked,
        }
        text = report.loadtest_markdown(run)
        json_path = report.save(out_dir, f"loadtest-{options['dataset']}-{db}-{stamp}", run, text)
        self.stdout.write("\n" + text)
        self.stdout.write(f"JSON: {json_path}")
        if options["update_docs"]:
            docs = Path(settings.BASE_DIR) / "docs" / "performance.md"
            report.update_docs(docs, "run", text)
            self.stdout.write(f"Updated {docs}")
        if not run["passes"]:
            raise CommandError("The load test failed: " + "; ".join(run["failures"]))

    def _locust(
        self,
        locust: Path,
        plan: dict[str, Any],
        options: dict[str, Any],
        plan_path: Path,
        seen_path: Path,
        out_dir: Path,
        stamp: str,
    ) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(settings.BASE_DIR),
            "LOADTEST_PLAN": str(plan_path),
            "LOADTEST_RESULT": str(seen_path),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        command = [
            str(locust),
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(options["users"]),
            "--spawn-rate",
            str(options["spawn_rate"]),
            "--run-time",
            f"{options['run_time']:g}s",
            # Users finish the request in flight: its answer is counted.
            "--stop-timeout",
            "35",
            "--host",
            plan["hosts"][0],
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        log_path = out_dir / f"loadtest-locust-{stamp}.log"
        with log_path.open("wb") as log:
            # locust exits 1 when a request failed: the checks below say which.
            subprocess.run(  # noqa: S603 - our own venv's locust
                command,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=options["run_time"] + 120,
                check=False,
            )


def _locust_version() -> str:
    try:
        from importlib.metadata import version

        return version("locust")
    except Exception:  # pragma: no cover - not installed
        return "?"
