"""`manage.py generate_dataset --scale tiny|small|section|party`: fill the
database with a realistic party, deterministically from a seed (issue 8).
See docs/dataset.md."""

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from membrane.perf.dataset.run import DatasetError, generate
from membrane.perf.dataset.scales import SCALES

DEFAULT_SEED = 2026


class Command(BaseCommand):
    help = (
        "Fill the database with a generated party: tiny (tests), small (the demo), "
        "section (~40,000 people) or party (600,000 people)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", required=True, choices=["tiny", "small", *SCALES.keys() - {"tiny"}]
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--now",
            help="The generation's clock (ISO date or time, UTC); default: today at midnight. "
            "Dates spread over the two years before it.",
        )
        parser.add_argument(
            "--database-url", help="Generate into this database instead of DATABASE_URL."
        )
        parser.add_argument("--report", help="Also write the report as JSON to this path.")

    def handle(self, *args: Any, **options: Any) -> None:
        url = options.get("database_url")
        if url and url != settings.DATABASE_URL:
            self._rerun_on(url)
        if options["scale"] == "small":
            call_command("load_demo", stdout=self.stdout, stderr=self.stderr)
            return
        now = _clock(options.get("now"))
        try:
            report = generate(
                scale=options["scale"], seed=options["seed"], now=now, stream=sys.stderr
            )
        except DatasetError as error:
            raise CommandError(str(error)) from error
        self._print(report)
        if options.get("report"):
            path = Path(options["report"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
            self.stdout.write(f"Report written to {path}.")

    def _rerun_on(self, url: str) -> None:
        """Settings read DATABASE_URL once: run again with it set."""
        argv = [a for a in sys.argv if not a.startswith("--database-url")]
        if "--database-url" in sys.argv:
            position = sys.argv.index("--database-url")
            argv = sys.argv[:position] + sys.argv[position + 2 :]
        # This very command again, on the other database.
        environment = {**os.environ, "DATABASE_URL": url}
        os.execve(sys.executable, [sys.executable, *argv], environment)  # noqa: S606

    def _print(self, report: dict[str, Any]) -> None:
        self.stdout.write(
            f"Dataset {report['scale']} (seed {report['seed']}) on {report['database']}: "
            f"{report['total_rows']:,} rows in {report['total_seconds']:.1f} s, "
            f"peak memory {report['peak_memory_mb']:,.0f} MB."
        )
        for part in report["parts"]:
            self.stdout.write(
                f"  {part['name']:<22} {part['rows']:>12,} rows {part['seconds']:>9.1f} s"
            )
        for label, count in sorted(report["rows"].items()):
            self.stdout.write(f"  {label:<32} {count:>12,}")


def _clock(value: str | None) -> datetime:
    if not value:
        today = datetime.now(UTC).date()
        return datetime(today.year, today.month, today.day, tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--now: not an ISO date or time: {value!r}") from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
