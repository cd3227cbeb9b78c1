"""manage.py purge_data_exports: the daily removal of the personal data
exports past their EXPORT_LIFETIME (accounts/exports.py). Schedule it once a
day, next to purge_inactive_supporters (docs/configuration.md)."""

from typing import Any

from django.core.management.base import BaseCommand

from membrane.accounts.exports import data_exports_purge


class Command(BaseCommand):
    help = (
        "Delete the personal data exports whose link expired, downloaded or not "
        "(their JSON with them). Exports still being built or within their 24 hours stay."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {data_exports_purge()} expired data export(s).")
