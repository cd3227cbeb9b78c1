"""`manage.py votepeak`: the vote peak of issue 8 (docs/deploy.md).

`--count` supports (default 100,000) by as many bench people as needed on
`--ideas` ideas of the bench group, sent through the real endpoint to two web
nodes (two granian processes sharing the database and Redis) in bursts at ten
times the mean rate, some pairs twice. Then counts: the supports in the
database are exactly the distinct pairs accepted, none doubled, the repeats
refused; reports latency in the bursts and between them, and the workers'
memory. JSON and Markdown to var/perf/; `--update-docs` puts the tables in
docs/performance.md.
"""

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from membrane.perf.bench import report as bench_report
from membrane.perf.loadtest import report
from membrane.perf.loadtest.accounting import (
    burst_schedule,
    check_writes,
    latency_summary,
    send_order,
)
from membrane.perf.loadtest.nodes import node_env, web_nodes
from membrane.perf.loadtest.plan import prepare_vote_plan, stored_supports, support_counts_off
from membrane.perf.loadtest.votepeak import Shot, drive, ledger_of, repeats_summary
from membrane.perf.management.commands.loadtest import cache_label, run_header


def peak_figures(shots: list[Shot]) -> dict[str, Any]:
    """Latency (from the time due) and service time, in bursts, between
    them and overall; server errors (5xx or no answer)."""

    def phase(pick: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        chosen = [shot for shot in shots if pick(shot)]
        return (
            latency_summary([shot.latency_ms for shot in chosen]),
            latency_summary([shot.service_ms for shot in chosen]),
        )

    phases = {
        "burst": phase(lambda shot: shot.burst),
        "quiet": phase(lambda shot: not shot.burst),
        "all": phase(lambda shot: True),
    }
    return {
        "latency": {name: figures[0] for name, figures in phases.items()},
        "service": {name: figures[1] for name, figures in phases.items()},
        "server_errors": sum(1 for shot in shots if shot.status >= 500),
        "unanswered": sum(1 for shot in shots if shot.status == 0),
        "statuses": _statuses(shots),
    }


def _statuses(shots: list[Shot]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for shot in shots:
        counts[str(shot.status)] = counts.get(str(shot.status), 0) + 1
    return dict(sorted(counts.items()))


class Command(BaseCommand):
    help = "Vote peak: supports in bursts (10x the mean) against two web nodes, then counted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", default="small", help="Its name in the report.")
        parser.add_argument("--count", type=int, default=100_000, help="Distinct supports.")
        parser.add_argument("--ideas", type=int, default=50, help="Ideas supported.")
        parser.add_argument("--mean-rate", type=float, default=12.0, help="Requests/s on average.")
        parser.add_argument("--period", type=float, default=20.0, help="Seconds per cycle.")
        parser.add_argument("--burst", type=float, default=1.0, help="Seconds of burst a cycle.")
        parser.add_argument("--factor", type=float, default=10.0, help="Burst rate / mean.")
        parser.add_argument(
            "--repeat-every", type=int, default=50, help="Send every n-th pair twice (0: never)."
        )
        parser.add_argument("--connections", type=int, default=16, help="Across the nodes.")
        parser.add_argument("--nodes", type=int, default=2, help="Web nodes (granian processes).")
        parser.add_argument("--output-dir", default=str(settings.VAR_DIR / "perf"))
        parser.add_argument("--update-docs", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["count"]
        if count < 1:
            raise CommandError("--count must be at least 1.")
        ideas = max(1, min(options["ideas"], count))
        order = send_order(count, repeat_every=options["repeat_every"])
        try:
            schedule = burst_schedule(
                len(order),
                mean_rate=options["mean_rate"],
                period=options["period"],
                burst=options["burst"],
                factor=options["factor"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        if cache_label() != "Redis":
            self.stderr.write("REDIS_URL is not set: the nodes share the database cache instead.")
        started = datetime.now(UTC)
        stamp = started.strftime("%Y%m%dT%H%M%SZ")
        out_dir = Path(options["output_dir"])
        self.stdout.write(f"Preparing {count} pairs ({ideas} ideas)…")
        plan = prepare_vote_plan(count=count, ideas=ideas)
        machine = bench_report.machine()
        db = bench_report.db_label()
        connections.close_all()  # SQLite: hold no lock while the servers write

        env = node_env(getattr(settings, "REDIS_URL", ""))
        with web_nodes(count=options["nodes"], log_dir=out_dir, stamp=stamp, env=env) as nodes:
            self.stdout.write(
                f"Sending {len(order)} requests over ~{schedule[-1][0]:.0f} s to "
                f"{len(nodes)} nodes…"
            )
            shots, duration = asyncio.run(
                drive(
                    plan=plan,
                    schedule=schedule,
                    order=order,
                    nodes=[(server.host, server.port) for server, _sampler in nodes],
                    connections=options["connections"],
                )
            )
            rss_peaks = [round(sampler.peak, 1) for _server, sampler in nodes]
        check = check_writes("support", ledger_of(shots).outcomes["support"], stored_supports(plan))
        counts_off = support_counts_off(plan)
        figures = peak_figures(shots)
        failures = []
        if figures["server_errors"]:
            failures.append(f"{figures['server_errors']} server errors (5xx)")
        if figures["unanswered"]:
            failures.append(f"{figures['unanswered']} requests unanswered within 30 s")
        if not check["passes"]:
            failures.append("the supports do not add up")
        if counts_off:
            failures.append(f"{len(counts_off)} ideas' stored support counts are off")
        if rss_peaks and max(rss_peaks) >= report.RSS_LIMIT_MB:
            failures.append(f"a web worker reached {max(rss_peaks):.0f} MB")
        mean, factor, period, burst = (
            options["mean_rate"],
            options["factor"],
            options["period"],
            options["burst"],
        )
        run: dict[str, Any] = {
            **run_header(dataset=options["dataset"], db=db, started=started, machine=machine),
            "config": {
                "count": count,
                "ideas": ideas,
                "people": len(plan["people"]),
                "nodes": options["nodes"],
                "connections": options["connections"],
                "mean_rate": mean,
                "factor": factor,
                "period": period,
                "burst": burst,
                "burst_rate": mean * factor,
                "quiet_rate": round(mean * (period - factor * burst) / (period - burst), 1),
                "repeat_every": options["repeat_every"],
            },
            "duration_s": round(duration, 1),
            "achieved_rate": round(len(shots) / duration, 1) if duration else None,
            "repeats": repeats_summary(shots),
            "rss_peak_mb": rss_peaks,
            **figures,
            "writes": [check],
            # Ideas whose stored support_count differs from their supports.
            "support_counts_off": {str(pk): list(pair) for pk, pair in counts_off.items()},
            "failures": failures,
            "passes": not failures,
        }
        text = report.votepeak_markdown(run)
        json_path = report.save(out_dir, f"votepeak-{options['dataset']}-{db}-{stamp}", run, text)
        self.stdout.write("\n" + text)
        self.stdout.write(f"JSON: {json_path}")
        if options["update_docs"]:
            docs = Path(settings.BASE_DIR) / "docs" / "performance.md"
            report.update_docs(docs, "votepeak", text)
            self.stdout.write(f"Updated {docs}")
        if failures:
            raise CommandError("The vote peak failed: " + "; ".join(failures))
