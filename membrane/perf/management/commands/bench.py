"""`manage.py bench`: the benchmark of issue 8 (see docs/performance.md).

Starts the real server (granian, production settings, DEBUG off) against the
database of DATABASE_URL, drives each key page and API endpoint from this
process at a fixed concurrency, anonymous and signed-in, and reports for each
req/s, p50/p95/p99, SQL queries per request, errors, the workers' memory and
the ratio to a bare Django view served by the same server. Writes a JSON file
to var/perf/ and prints a Markdown table; `--update-docs` puts it in
docs/performance.md. `scripts/bench.sh` (`make bench`) prepares the database
and static files first.
"""

import asyncio
import json
import secrets
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections

from membrane.accounts.models import User
from membrane.perf.bench import report
from membrane.perf.bench.client import TIMEOUT, Endpoint, run_endpoint
from membrane.perf.bench.endpoints import bare_endpoint, read_endpoints, write_endpoints
from membrane.perf.bench.explain import explain_pages
from membrane.perf.bench.server import GRANIAN_OPTIONS, RssSampler, Server, free_port
from membrane.perf.bench.targets import (
    csrf_secret,
    ensure_second_factor,
    pick_targets,
    prepare_writes,
    session_for,
)

HOST = "127.0.0.1"


class Command(BaseCommand):
    help = "Benchmark the key pages through the real server (see docs/performance.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", default="small", help="Its name in the report.")
        parser.add_argument("--duration", type=float, default=10.0, help="Seconds per line.")
        parser.add_argument("--warmup", type=float, default=2.0, help="Seconds not counted.")
        parser.add_argument("--concurrency", type=int, default=16)
        parser.add_argument("--people", type=int, default=200, help="Bench people for writes.")
        parser.add_argument("--only", default="", help="Only lines whose name has this text.")
        parser.add_argument("--no-writes", action="store_true")
        parser.add_argument(
            "--no-analyze",
            action="store_true",
            help="Do not refresh the planner's statistics first (ANALYZE).",
        )
        parser.add_argument("--port", type=int, default=0, help="Default: a free port.")
        parser.add_argument("--output-dir", default=str(settings.VAR_DIR / "perf"))
        parser.add_argument("--update-docs", action="store_true")
        parser.add_argument(
            "--no-page-cache",
            action="store_true",
            help="Serve anonymous visitors without the page cache "
            "(ANONYMOUS_PAGE_CACHE_SECONDS=0): what each page costs to build.",
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="No server: each key page in this process, its SQL time and its slowest "
            "queries' plans (see membrane/perf/bench/explain.py).",
        )
        parser.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="N",
            help="With --explain: the N Python functions that took most time in each page.",
        )
        parser.add_argument(
            "--compare-with",
            default="auto",
            help="JSON of a smaller dataset's run: adds the scale-flatness table. Default: "
            "for a dataset other than small, the latest small run on the same database.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_analyze"]:
            # A freshly loaded database has no planner statistics until
            # autovacuum gets to it: PostgreSQL then picks nested loops over
            # thousands of rows (the signed-in home took 66 ms of SQL instead
            # of 12 on the demo). Production has them; so does the benchmark.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # Nothing cached by an earlier run (another dataset, perhaps: its
        # pages and rankings) may be served in this one.
        cache.clear()
        targets = pick_targets()
        reader = User.objects.get(pk=targets.reader_id)
        ensure_second_factor(reader)
        reader_session = session_for(reader)
        if options["explain"]:
            for line in explain_pages(
                targets, reader_session, only=options["only"].lower(), profile=options["profile"]
            ):
                self.stdout.write(line)
            return
        endpoints = [bare_endpoint(), *read_endpoints(targets, reader_session)]
        run_id = secrets.token_hex(3)
        if not options["no_writes"]:
            writes = prepare_writes(people=options["people"])
            endpoints += write_endpoints(writes, csrf_secret(), run_id)
        only = options["only"].lower()
        if only:
            endpoints = [e for e in endpoints if e.kind == "bare" or only in e.name.lower()]
        machine = report.machine()
        db = report.db_label()
        if "redis" in settings.CACHES["default"]["BACKEND"].lower():
            db += "-redis"  # the cache (sessions, settings) is then in Redis
        connections.close_all()  # SQLite: hold no lock while the server writes

        started = datetime.now(UTC)
        stamp = started.strftime("%Y%m%dT%H%M%SZ")
        out_dir = Path(options["output_dir"])
        port = options["port"] or free_port(HOST)
        page_cache = 0 if options["no_page_cache"] else settings.ANONYMOUS_PAGE_CACHE_SECONDS
        server = Server(
            host=HOST,
            port=port,
            log_path=out_dir / f"server-{options['dataset']}-{db}-{stamp}.log",
            env={
                "PERF_QUERY_HEADER": "1",
                # A query that outlives the client's timeout is cut rather than
                # left to weigh on the next lines (PostgreSQL; libpq reads it).
                "PGOPTIONS": f"-c statement_timeout={int(TIMEOUT * 1000)}",
                "ANONYMOUS_PAGE_CACHE_SECONDS": str(page_cache),
            },
        )
        self.stdout.write(f"Server on http://{HOST}:{port} ({options['dataset']}, {db})")
        server.start()
        results: list[dict[str, Any]] = []
        try:
            with RssSampler(server) as sampler:
                for endpoint in endpoints:
                    results.append(self._measure(endpoint, port, sampler, options))
        finally:
            server.stop()

        bare_rps = next((r["rps"] for r in results if r["kind"] == "bare"), None)
        for r in results:
            r["ratio_to_bare"] = round(r["rps"] / bare_rps, 4) if bare_rps else None
        run: dict[str, Any] = {
            "dataset": options["dataset"],
            "db": db,
            "started_at": started.strftime("%Y-%m-%d %H:%M UTC"),
            "commit": report.git_commit(),
            "machine": machine,
            "config": {
                "server": "granian " + " ".join(GRANIAN_OPTIONS),
                "concurrency": options["concurrency"],
                "duration": options["duration"],
                "warmup": options["warmup"],
                "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
                "cache": settings.CACHES["default"]["BACKEND"],
                "anonymous_page_cache": page_cache,
            },
            "targets": targets.as_dict(),
            "bare_rps": bare_rps,
            "peak_rss_mb": max((r["worker_rss_mb"] or 0.0) for r in results),
            "results": results,
            "bar": report.bar_check(results),
        }
        text = report.markdown(run)
        compare_with = self._baseline(options, out_dir, db)
        small = json.loads(compare_with.read_text()) if compare_with else None
        if small is not None and (rows := report.flatness(small, run)):
            run["flatness"] = rows
            text += "\n" + report.flatness_markdown(rows, small["dataset"], run["dataset"])
        out_dir.mkdir(parents=True, exist_ok=True)
        json_path = out_dir / f"bench-{options['dataset']}-{db}-{stamp}.json"
        json_path.write_text(json.dumps(run, indent=2, ensure_ascii=False) + "\n")
        self.stdout.write("\n" + text)
        self.stdout.write(f"JSON: {json_path}")
        if options["update_docs"]:
            docs = Path(settings.BASE_DIR) / "docs" / "performance.md"
            report.update_docs(docs, f"{options['dataset']}-{db}", text)
            self.stdout.write(f"Updated {docs}")
        if any(r["errors"] for r in results):
            raise CommandError("Some requests failed: see the errors column and the JSON.")

    def _baseline(self, options: dict[str, Any], out_dir: Path, db: str) -> Path | None:
        if options["compare_with"] != "auto":
            return Path(options["compare_with"]) if options["compare_with"] else None
        if options["dataset"] == "small":
            return None
        runs = sorted(out_dir.glob(f"bench-small-{db}-*.json"))
        return runs[-1] if runs else None

    def _measure(
        self, endpoint: Endpoint, port: int, sampler: RssSampler, options: dict[str, Any]
    ) -> dict[str, Any]:
        sampler.reset()
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        result = asyncio.run(
            run_endpoint(
                endpoint,
                host=HOST,
                port=port,
                concurrency=options["concurrency"],
                duration=options["duration"],
                warmup=options["warmup"],
            )
        )
        row_settle = settle(port)
        result.rss_mb = sampler.reset()
        row = result.as_dict()
        row["settle_s"] = row_settle
        # The load generator shares the machine: how much of a core it used.
        row["client_cpu"] = round(
            (time.process_time() - cpu_before) / (time.perf_counter() - wall_before), 2
        )
        self.stdout.write(
            f"  {endpoint.name} ({endpoint.mode}): {row['rps']} req/s, p50 {row['p50_ms']} ms, "
            f"p99 {row['p99_ms']} ms, {row['queries_per_request']} SQL/req, "
            f"{row['errors']} errors"
        )
        if result.error_samples:
            self.stdout.write(f"    e.g. {result.error_samples[0]}")
        return row


def settle(port: int, *, limit: float = 90.0) -> float:
    """Wait until the server answers the bare view quickly again (requests
    that timed out on the client's side may still be running): the next line
    starts on an idle server. Returns the seconds waited."""
    began = time.perf_counter()
    quick = 0
    while quick < 2 and time.perf_counter() - began < limit:
        sent = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/_perf/bare/", timeout=limit):
                pass
        except OSError:
            time.sleep(0.5)
            continue
        quick = quick + 1 if time.perf_counter() - sent < 0.05 else 0
        time.sleep(0.1)
    return round(time.perf_counter() - began, 1)
