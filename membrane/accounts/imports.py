"""Import of the party's member file: each listed email whose account exists
is verified as an adhérent·e, and every row that is not is reported with its
line number and a reason. Nothing is skipped silently.

The file is a CSV (`,` or `;`, chosen from the header line) whose header names
at least the membership number and the email, in English or in French::

    numero_adherent;courriel
    A-1042;camille.durand@example.org
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from membrane.accounts.models import User
from membrane.accounts.services import membership_verify
from membrane.security.models import AuditAction
from membrane.security.services import audit_record

NUMBER_PATTERN = re.compile(r"[A-Za-z0-9./-]{1,32}")
NUMBER_COLUMNS = {"membership_number", "numero_adherent", "numero_d_adherent", "numero"}
EMAIL_COLUMNS = {"email", "courriel", "e_mail"}
# Accounts are loaded in one query per this many distinct emails: a single
# query for any real member file, within every database's parameter limit.
LOOKUP_BATCH = 5000

ImportSource = str | bytes | IO[str] | IO[bytes] | Iterable[str] | Iterable[bytes]


class MembershipImportError(ValueError):
    """The file as a whole cannot be read: no row was imported."""


class Reason(StrEnum):
    """Why a row was not verified."""

    EMPTY_ROW = "empty_row"
    MISSING_EMAIL = "missing_email"
    MALFORMED_EMAIL = "malformed_email"
    MISSING_NUMBER = "missing_number"
    MALFORMED_NUMBER = "malformed_number"
    DUPLICATE_ROW = "duplicate_row"
    DUPLICATE_NUMBER = "duplicate_number"
    NO_ACCOUNT = "no_account"
    INACTIVE_ACCOUNT = "inactive_account"
    NUMBER_CONFLICT = "number_conflict"
    SEVERAL_ACCOUNTS = "several_accounts"
    ALREADY_VERIFIED = "already_verified"

    @property
    def label(self) -> str:
        return str(REASON_LABELS[self])


REASON_LABELS = {
    Reason.EMPTY_ROW: gettext_lazy("empty row"),
    Reason.MISSING_EMAIL: gettext_lazy("missing email"),
    Reason.MALFORMED_EMAIL: gettext_lazy("malformed email"),
    Reason.MISSING_NUMBER: gettext_lazy("missing membership number"),
    Reason.MALFORMED_NUMBER: gettext_lazy("malformed membership number"),
    Reason.DUPLICATE_ROW: gettext_lazy("duplicate row in the file"),
    Reason.DUPLICATE_NUMBER: gettext_lazy("membership number given twice in the file"),
    Reason.NO_ACCOUNT: gettext_lazy("no account uses this email"),
    Reason.INACTIVE_ACCOUNT: gettext_lazy("the account with this email is deactivated"),
    Reason.NUMBER_CONFLICT: gettext_lazy("the account gave another membership number"),
    Reason.SEVERAL_ACCOUNTS: gettext_lazy("several accounts use this email"),
    Reason.ALREADY_VERIFIED: gettext_lazy("already verified, nothing to do"),
}
# How reported rows add up in the summary.
MALFORMED = frozenset(
    {
        Reason.EMPTY_ROW,
        Reason.MISSING_EMAIL,
        Reason.MALFORMED_EMAIL,
        Reason.MISSING_NUMBER,
        Reason.MALFORMED_NUMBER,
        Reason.DUPLICATE_ROW,
        Reason.DUPLICATE_NUMBER,
    }
)
UNMATCHED = frozenset({Reason.NO_ACCOUNT})
CONFLICTS = frozenset({Reason.NUMBER_CONFLICT, Reason.SEVERAL_ACCOUNTS, Reason.INACTIVE_ACCOUNT})


@dataclass(frozen=True)
class ImportedRow:
    """A data row of the file; `line` is the line it starts on (header = 1)."""

    line: int
    email: str
    membership_number: str


@dataclass(frozen=True)
class ReportedRow:
    """A row that was not verified, and why."""

    line: int
    email: str
    membership_number: str
    reason: Reason
    detail: str = ""

    @property
    def message(self) -> str:
        return f"{self.reason.label} ({self.detail})" if self.detail else self.reason.label


@dataclass
class ImportReport:
    dry_run: bool = False
    rows: int = 0
    verified: list[ImportedRow] = field(default_factory=list)
    reported: list[ReportedRow] = field(default_factory=list)

    def count(self, reasons: Iterable[Reason]) -> int:
        wanted = set(reasons)
        return sum(1 for row in self.reported if row.reason in wanted)

    @property
    def verified_count(self) -> int:
        return len(self.verified)

    @property
    def already_verified_count(self) -> int:
        return self.count([Reason.ALREADY_VERIFIED])

    @property
    def unmatched_count(self) -> int:
        """Well-formed rows whose email is no account's."""
        return self.count(UNMATCHED)

    @property
    def conflict_count(self) -> int:
        """Rows matching an account that could not be verified."""
        return self.count(CONFLICTS)

    @property
    def malformed_count(self) -> int:
        return self.count(MALFORMED)

    @property
    def matched_count(self) -> int:
        """Rows whose email is that of an account, verified or not."""
        return self.verified_count + self.already_verified_count + self.conflict_count


def membership_import(*, rows: ImportSource, dry_run: bool = False) -> ImportReport:
    """Verify the memberships listed in a member file (see the module's doc).

    `rows` is the file: its bytes or text, a binary or text stream, or an
    iterable of its lines. With `dry_run` nothing is saved and the report is
    the same. Raises MembershipImportError, before any change, when the file
    as a whole is unusable: empty, not UTF-8, no header, a column missing."""
    report = ImportReport(dry_run=dry_run)
    candidates = _check_rows(_read_rows(rows), report)
    with transaction.atomic():
        accounts = _accounts_by_email({row.email for row in candidates}, lock=not dry_run)
        for row in candidates:
            _import_row(row, accounts.get(row.email, []), report, dry_run=dry_run)
        if not dry_run:
            audit_record(
                actor=None,
                action=AuditAction.MEMBERSHIP_IMPORT,
                summary=f"{report.verified_count} verified, {report.unmatched_count} unmatched",
            )
    report.reported.sort(key=lambda reported: reported.line)
    return report


def _import_row(
    row: ImportedRow, accounts: list[User], report: ImportReport, *, dry_run: bool
) -> None:
    def reject(reason: Reason, detail: str = "") -> None:
        report.reported.append(
            ReportedRow(row.line, row.email, row.membership_number, reason, detail)
        )

    if not accounts:
        reject(Reason.NO_ACCOUNT)
        return
    if len(accounts) > 1:
        reject(Reason.SEVERAL_ACCOUNTS)
        return
    person = accounts[0]
    if not person.is_active:
        reject(Reason.INACTIVE_ACCOUNT)
        return
    given = person.membership_number.strip()
    if given and _number_key(given) != _number_key(row.membership_number):
        reject(
            Reason.NUMBER_CONFLICT,
            _("the file says %(file)s, the account says %(account)s")
            % {"file": row.membership_number, "account": given},
        )
        return
    if person.is_verified_member:
        reject(Reason.ALREADY_VERIFIED)
        return
    report.verified.append(row)
    if dry_run:
        return
    membership_verify(person=person, verified_by=None)
    if not given:
        person.membership_number = row.membership_number
        person.save(update_fields=["membership_number"])


def _accounts_by_email(emails: set[str], *, lock: bool) -> dict[str, list[User]]:
    """The accounts whose email, compared case-insensitively, is one of
    `emails` (lower-case): one query for up to LOOKUP_BATCH emails."""
    found: dict[str, list[User]] = {}
    ordered = sorted(emails)
    for start in range(0, len(ordered), LOOKUP_BATCH):
        people = User.objects.annotate(email_key=Lower("email")).filter(
            email_key__in=ordered[start : start + LOOKUP_BATCH], erased_at__isnull=True
        )
        if lock:
            people = people.select_for_update()
        for person in people.order_by("pk"):
            found.setdefault(person.email_key, []).append(person)
    return found


def _check_rows(rows: Iterator[tuple[int, list[str]]], report: ImportReport) -> list[ImportedRow]:
    """Check each data row on its own and against the rows above it; return
    the rows worth looking up and report the others."""
    _line, header = next(rows)
    email_at, number_at = _columns(header)
    by_email: dict[str, ImportedRow] = {}
    by_number: dict[str, ImportedRow] = {}
    candidates: list[ImportedRow] = []
    for line, cells in rows:
        report.rows += 1
        email = _cell(cells, email_at)
        number = _cell(cells, number_at)
        row = ImportedRow(line=line, email=email.lower(), membership_number=number)
        reason, detail = _row_problem(row, cells, by_email, by_number)
        if reason is None:
            by_email[row.email] = row
            by_number[_number_key(number)] = row
            candidates.append(row)
        else:
            report.reported.append(ReportedRow(line, row.email, number, reason, detail))
    return candidates


def _row_problem(
    row: ImportedRow,
    cells: list[str],
    by_email: dict[str, ImportedRow],
    by_number: dict[str, ImportedRow],
) -> tuple[Reason | None, str]:
    email, number = row.email, row.membership_number
    if not any(cell.strip() for cell in cells):
        return Reason.EMPTY_ROW, ""
    if not email:
        return Reason.MISSING_EMAIL, ""
    if not _is_email(email):
        return Reason.MALFORMED_EMAIL, ""
    if not number:
        return Reason.MISSING_NUMBER, ""
    if not NUMBER_PATTERN.fullmatch(number):
        return Reason.MALFORMED_NUMBER, _(
            "letters, digits, “-”, “/” and “.” only, 32 characters at most"
        )
    first = by_email.get(email)
    if first is not None:
        if _number_key(first.membership_number) == _number_key(number):
            return Reason.DUPLICATE_ROW, _("same as line %(line)s") % {"line": first.line}
        return Reason.DUPLICATE_ROW, _(
            "this email is already on line %(line)s, with the number %(number)s"
        ) % {"line": first.line, "number": first.membership_number}
    first = by_number.get(_number_key(number))
    if first is not None:
        return Reason.DUPLICATE_NUMBER, _("already on line %(line)s for %(email)s") % {
            "line": first.line,
            "email": first.email,
        }
    return None, ""


def _columns(header: list[str]) -> tuple[int, int]:
    """The positions of the email and membership number columns."""
    names = [_column_key(name) for name in header]
    email_at = [i for i, name in enumerate(names) if name in EMAIL_COLUMNS]
    number_at = [i for i, name in enumerate(names) if name in NUMBER_COLUMNS]
    expected = _(
        "The first line must name the columns, such as “membership_number;email” "
        "or “numero_adherent;courriel”."
    )
    if not email_at and not number_at:
        if any("@" in name for name in header):
            raise MembershipImportError(
                _("The file has no header row: its first line looks like data.") + " " + expected
            )
        raise MembershipImportError(
            _("The header row names neither the email nor the membership number.") + " " + expected
        )
    for found, label in ((email_at, _("email")), (number_at, _("membership number"))):
        if not found:
            raise MembershipImportError(
                _("The header row has no %(column)s column.") % {"column": label} + " " + expected
            )
        if len(found) > 1:
            raise MembershipImportError(
                _("The header row has several %(column)s columns: %(names)s.")
                % {"column": label, "names": ", ".join(header[i].strip() for i in found)}
            )
    return email_at[0], number_at[0]


def _column_key(name: str) -> str:
    """“Numéro adhérent”, “numero-adherent” and “NUMERO_ADHERENT” name one column."""
    name = unicodedata.normalize("NFKD", name.strip())
    name = "".join(char for char in name if not unicodedata.combining(char)).lower()
    return re.sub(r"[\s\-'\u2019]+", "_", name).strip("_")


def _cell(cells: list[str], index: int) -> str:
    return cells[index].strip() if index < len(cells) else ""


def _number_key(number: str) -> str:
    return re.sub(r"\s+", "", number).upper()


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _read_rows(source: ImportSource) -> Iterator[tuple[int, list[str]]]:
    """The file's rows, each with the line it starts on (header = 1). The
    first line is read at once, so that whole-file errors raise here."""
    lines = _text_lines(source)
    try:
        first = next(lines, None)
    except UnicodeDecodeError:
        raise _not_utf8(1) from None
    if first is None:
        raise MembershipImportError(_("The file is empty."))
    if not first.strip():
        raise MembershipImportError(
            _("The file has no header row: its first line is empty.")
            + " "
            + _("The first line must name the columns, such as “membership_number;email”.")
        )
    # Spreadsheets in French write “;”, the rest of the world “,”.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return _rows_with_lines(csv.reader(chain([first], lines), delimiter=delimiter))


def _rows_with_lines(reader: Any) -> Iterator[tuple[int, list[str]]]:
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise _not_utf8(line) from None
        except csv.Error as error:
            raise MembershipImportError(
                _("Line %(line)s cannot be read: %(error)s") % {"line": line, "error": error}
            ) from None
        yield line, cells
        line = reader.line_num + 1


def _text_lines(source: ImportSource) -> Iterator[str]:
    """The file's lines as text, decoded from UTF-8 when given as bytes,
    without the byte-order mark some spreadsheets write."""
    if isinstance(source, io.BufferedIOBase | io.RawIOBase):
        source = source.read()
    if isinstance(source, bytes | bytearray):
        source = _decode(bytes(source))
    if isinstance(source, str):
        source = io.StringIO(source, newline="")
    for number, item in enumerate(source, start=1):
        text = _decode(bytes(item), line=number) if isinstance(item, bytes | bytearray) else item
        yield text.removeprefix("\ufeff") if number == 1 else text


def _decode(data: bytes, *, line: int = 1) -> str:
    try:
        return data.decode("utf-8-sig" if line == 1 else "utf-8")
    except UnicodeDecodeError as error:
        raise _not_utf8(line + data[: error.start].count(b"\n")) from None


def _not_utf8(line: int) -> MembershipImportError:
    return MembershipImportError(
        _("The file is not in UTF-8 (line %(line)s). Save it again as “CSV UTF-8” and retry.")
        % {"line": line}
    )
