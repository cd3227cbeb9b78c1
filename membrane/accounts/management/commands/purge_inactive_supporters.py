"""manage.py purge_inactive_supporters [--dry-run]: the daily retention run
(accounts/retention.py). Schedule it once a day (docs/configuration.md)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from membrane.accounts.retention import (
    inactive_supporters_purge,
    supporters_to_erase,
    supporters_to_warn,
    warnings_to_clear,
)


class Command(BaseCommand):
    help = (
        "Warn by email the supporters inactive for RETENTION_INACTIVE_DAYS, and erase those "
        "warned RETENTION_GRACE_DAYS ago who did not come back (contributions kept, signed "
        "“former member”). Verified members, staff and animators are never concerned."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count who would be warned, erased or cleared, without changing anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            now = timezone.now()
            cleared = warnings_to_clear().count()
            erased = supporters_to_erase(now=now).count()
            warned = supporters_to_warn(now=now).count()
            prefix = "Would have: "
        else:
            report = inactive_supporters_purge()
            cleared, erased, warned = len(report.cleared), len(report.erased), len(report.warned)
            prefix = ""
        self.stdout.write(
            f"{prefix}warned {warned}, erased {erased}, cleared {cleared} warning(s)."
        )
