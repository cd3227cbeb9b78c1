"""manage.py import_members FILE [--dry-run]: verify the memberships listed
in the party's member file (a CSV with the membership number and the email)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from membrane.accounts.imports import ImportReport, MembershipImportError, membership_import


class Command(BaseCommand):
    help = (
        "Verify as members the accounts whose email is in a member file (CSV with a header "
        "row naming membership_number and email, separated by “,” or “;”), and report every "
        "row that was not verified."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The CSV file, in UTF-8.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would happen, without saving anything.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            with open(path, "rb") as source:
                report = membership_import(rows=source, dry_run=options["dry_run"])
        except OSError as error:
            raise CommandError(
                _("Cannot open %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None
        except MembershipImportError as error:
            raise CommandError(f"{path}: {error}") from None
        self._print_report(report, verbosity=int(options["verbosity"]))

    def _print_report(self, report: ImportReport, *, verbosity: int) -> None:
        if report.dry_run:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing was saved.")))
        self.stdout.write(
            ngettext("%(count)s row read.", "%(count)s rows read.", report.rows)
            % {"count": report.rows}
        )
        summary = [
            (_("Verified"), report.verified_count),
            (_("Already verified"), report.already_verified_count),
            (_("Unmatched (no account)"), report.unmatched_count),
            (_("Matched but not verified (conflict)"), report.conflict_count),
            (_("Malformed"), report.malformed_count),
        ]
        for label, count in summary:
            self.stdout.write(f"{label}: {count}")
        if verbosity >= 2:
            for row in report.verified:
                self.stdout.write(
                    _("Line %(line)s: verified %(email)s (%(number)s)")
                    % {"line": row.line, "email": row.email, "number": row.membership_number}
                )
        for reported in report.reported:
            who = " ".join(part for part in (reported.email, reported.membership_number) if part)
            message = _("Line %(line)s: %(message)s") % {
                "line": reported.line,
                "message": reported.message,
            }
            if who:
                message += f" — {who}"
            self.stdout.write(message)
