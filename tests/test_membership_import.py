"""The member-file import: matching accounts are verified, every other row is
reported with its line and a reason, and unusable files are refused whole."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from membrane.accounts.imports import MembershipImportError, Reason, membership_import
from membrane.accounts.models import MembershipStatus, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def reasons_by_line(report):
    return {row.line: row.reason for row in report.reported}


def refreshed(person):
    person.refresh_from_db()
    return person


def test_a_listed_supporter_becomes_a_verified_member_and_gets_the_number(db):
    camille = UserFactory(email="camille@example.org")

    report = membership_import(rows="membership_number,email\nA-1042,camille@example.org\n")

    camille = refreshed(camille)
    assert camille.membership_status == MembershipStatus.MEMBER
    assert camille.membership_verified_by is None  # verified by the file, not by someone
    assert camille.membership_number == "A-1042"
    assert report.verified_count == 1
    assert [row.line for row in report.verified] == [2]
    assert report.reported == []


def test_emails_match_whatever_their_case_and_surrounding_spaces(member_to_verify):
    email = member_to_verify.email.upper()

    report = membership_import(rows=f"email,membership_number\n  {email} , A42\n")

    assert report.verified_count == 1
    assert refreshed(member_to_verify).is_verified_member


def test_a_claimed_number_given_in_another_case_is_the_same_number(member_to_verify):
    report = membership_import(rows=f"email,membership_number\n{member_to_verify.email},a42\n")

    assert report.verified_count == 1
    assert refreshed(member_to_verify).membership_number == "A42"  # the account's is kept


@pytest.mark.parametrize(
    "header",
    [
        "numero_adherent;courriel",
        "Numéro;E-mail",
        "NUMÉRO ADHÉRENT;Courriel",
        "numéro;email",
    ],
)
def test_french_headers_and_semicolons_are_understood(member_to_verify, header):
    report = membership_import(rows=f"{header}\nA42;{member_to_verify.email}\n")

    assert report.verified_count == 1, report.reported
    assert refreshed(member_to_verify).is_verified_member


def test_columns_may_come_in_any_order_among_others(member_to_verify):
    rows = f"nom;prénom;courriel;ville;numero_adherent\nDurand;Camille;{member_to_verify.email};Bègles;A42\n"

    report = membership_import(rows=rows)

    assert report.verified_count == 1


def test_every_row_that_is_not_verified_is_reported_with_its_line_and_reason(
    member_to_verify, member
):
    UserFactory(email="conflict@example.org", membership_claimed=True, membership_number="B-1")
    rows = "\n".join(
        [
            "membership_number,email",  # line 1
            f"A42,{member_to_verify.email}",  # 2: verified
            "X-1,nobody@example.org",  # 3: no account
            "X-2,not-an-email",  # 4: malformed email
            ",someone@example.org",  # 5: missing number
            "X-3,",  # 6: missing email
            "X 4?,other@example.org",  # 7: malformed number
            f"A42,{member_to_verify.email}",  # 8: duplicate row
            "C-9,conflict@example.org",  # 9: the account gave B-1
            f"{member.membership_number},{member.email}",  # 10: already verified
            ",",  # 11: empty row
            "X-1,another@example.org",  # 12: number already on line 3
            "",  # 13: blank line
            "Y" * 33 + ",long@example.org",  # 14: number too long
        ]
    )

    report = membership_import(rows=rows + "\n")

    assert [row.line for row in report.verified] == [2]
    assert reasons_by_line(report) == {
        3: Reason.NO_ACCOUNT,
        4: Reason.MALFORMED_EMAIL,
        5: Reason.MISSING_NUMBER,
        6: Reason.MISSING_EMAIL,
        7: Reason.MALFORMED_NUMBER,
        8: Reason.DUPLICATE_ROW,
        9: Reason.NUMBER_CONFLICT,
        10: Reason.ALREADY_VERIFIED,
        11: Reason.EMPTY_ROW,
        12: Reason.DUPLICATE_NUMBER,
        13: Reason.EMPTY_ROW,
        14: Reason.MALFORMED_NUMBER,
    }
    assert report.rows == 13 == report.verified_count + len(report.reported)
    assert (report.verified_count, report.already_verified_count) == (1, 1)
    assert (report.unmatched_count, report.conflict_count, report.malformed_count) == (1, 1, 9)
    assert report.matched_count == 3


def test_a_number_conflict_is_reported_and_not_verified(member_to_verify):
    report = membership_import(rows=f"email,membership_number\n{member_to_verify.email},Z-9\n")

    (row,) = report.reported
    assert row.reason == Reason.NUMBER_CONFLICT
    assert "Z-9" in row.message and "A42" in row.message
    person = refreshed(member_to_verify)
    assert not person.is_verified_member
    assert person.membership_number == "A42"


def test_an_already_verified_member_is_reported_for_information_and_left_alone(member):
    verified_at = member.membership_verified_at

    report = membership_import(
        rows=f"email,membership_number\n{member.email},{member.membership_number}\n"
    )

    assert [(row.line, row.reason) for row in report.reported] == [(2, Reason.ALREADY_VERIFIED)]
    assert refreshed(member).membership_verified_at == verified_at


def test_a_deactivated_account_is_not_verified(db):
    UserFactory(email="gone@example.org", is_active=False)

    report = membership_import(rows="email,membership_number\ngone@example.org,A-1\n")

    assert reasons_by_line(report) == {2: Reason.INACTIVE_ACCOUNT}
    assert not User.objects.get(email="gone@example.org").is_verified_member


def test_line_numbers_count_lines_of_the_file_even_inside_quoted_cells(db):
    rows = 'email,membership_number,note\nx@example.org,A-1,"two\nlines"\ny@example.org,A-2,\n'

    report = membership_import(rows=rows)

    assert reasons_by_line(report) == {2: Reason.NO_ACCOUNT, 4: Reason.NO_ACCOUNT}


def test_a_dry_run_reports_the_same_and_changes_nothing(member_to_verify, supporter):
    rows = (
        "email;membership_number\n"
        f"{member_to_verify.email};A42\n"
        f"{supporter.email};S-7\n"
        "nobody@example.org;N-1\n"
    )

    dry = membership_import(rows=rows, dry_run=True)

    assert dry.dry_run
    assert not refreshed(member_to_verify).is_verified_member
    assert refreshed(supporter).membership_number == ""
    real = membership_import(rows=rows)
    assert [row.line for row in dry.verified] == [row.line for row in real.verified] == [2, 3]
    assert dry.reported == real.reported
    assert refreshed(supporter).membership_number == "S-7"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(lambda text: text.encode(), id="bytes"),
        pytest.param(lambda text: ("\ufeff" + text).encode(), id="bytes-with-bom"),
        pytest.param(lambda text: io.BytesIO(text.encode()), id="binary-stream"),
        pytest.param(lambda text: io.StringIO(text), id="text-stream"),
        pytest.param(lambda text: text.splitlines(), id="lines-without-ends"),
        pytest.param(lambda text: text.splitlines(keepends=True), id="lines"),
        pytest.param(lambda text: [line.encode() for line in text.splitlines()], id="byte-lines"),
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
    ],
)
def test_the_file_may_come_as_text_bytes_a_stream_or_lines(member_to_verify, source):
    text = f"numéro;courriel\nA42;{member_to_verify.email}\nB-1;nobody@example.org\n"

    report = membership_import(rows=source(text))

    assert [row.line for row in report.verified] == [2]
    assert reasons_by_line(report) == {3: Reason.NO_ACCOUNT}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "no header row"),
        (b"A-1,camille@example.org\nA-2,lou@example.org\n", "looks like data"),
        (b"name,city\nCamille,Paris\n", "neither the email nor the membership number"),
        (b"email,name\ncamille@example.org,Camille\n", "no membership number column"),
        (b"numero;nom\nA-1;Durand\n", "no email column"),
        (b"email,courriel,numero\na@example.org,b@example.org,1\n", "several email columns"),
        ("numéro;courriel\nA-1;zoé@example.org\n".encode("latin-1"), "not in UTF-8 (line 1)"),
        ("numero;courriel\nA-1;zoé@example.org\n".encode("latin-1"), "not in UTF-8 (line 2)"),
    ],
)
def test_an_unusable_file_is_refused_whole_with_a_clear_message(member_to_verify, content, message):
    with pytest.raises(MembershipImportError, match=re.escape(message)):
        membership_import(rows=content)

    assert not refreshed(member_to_verify).is_verified_member


def test_a_file_with_a_malformed_row_further_down_changes_nothing(member_to_verify):
    # csv refuses a field beyond its size limit: the whole file is refused,
    # including the good row above it.
    rows = f'email,numero\n{member_to_verify.email},A42\n"{"x" * 200_000}",B\n'

    with pytest.raises(MembershipImportError, match="Line 3"):
        membership_import(rows=rows)

    assert not refreshed(member_to_verify).is_verified_member


def test_a_header_only_file_imports_nothing(db):
    report = membership_import(rows="email,membership_number\n")

    assert (report.rows, report.verified, report.reported) == (0, [], [])


def _accounts_selects(queries):
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().upper().startswith("SELECT") and "accounts_user" in query["sql"]
    ]


@pytest.mark.parametrize("dry_run", [True, False])
def test_accounts_are_looked_up_in_one_query_whatever_the_number_of_rows(db, dry_run):
    def file_of(count):
        people = UserFactory.create_batch(count, membership_claimed=True)
        lines = ["email,membership_number"]
        lines += [f"{person.email},N-{person.pk}" for person in people]
        lines += [f"unknown{index}-{count}@example.org,U-{index}-{count}" for index in range(count)]
        return "\n".join(lines) + "\n"

    small, large = file_of(3), file_of(30)
    with CaptureQueriesContext(connection) as small_queries:
        small_report = membership_import(rows=small, dry_run=dry_run)
    with CaptureQueriesContext(connection) as large_queries:
        large_report = membership_import(rows=large, dry_run=dry_run)

    assert (small_report.verified_count, large_report.verified_count) == (3, 30)
    assert len(_accounts_selects(small_queries)) == len(_accounts_selects(large_queries)) == 1
    if dry_run:
        assert len(small_queries) == len(large_queries)


# The command ------------------------------------------------------------------


def write_file(tmp_path, text, *, encoding="utf-8"):
    path = tmp_path / "adherents.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_the_command_prints_a_summary_and_every_reported_row(tmp_path, member_to_verify, member):
    path = write_file(
        tmp_path,
        "numero_adherent;courriel\n"
        f"A42;{member_to_verify.email}\n"
        "X-1;nobody@example.org\n"
        f"{member.membership_number};{member.email}\n"
        "X-2;pas-un-courriel\n",
    )
    out = io.StringIO()

    call_command("import_members", path, stdout=out)

    output = out.getvalue()
    assert "Verified: 1" in output
    assert "Already verified: 1" in output
    assert "Unmatched (no account): 1" in output
    assert "Malformed: 1" in output
    assert "Line 3: no account uses this email — nobody@example.org X-1" in output
    assert "Line 4: already verified" in output
    assert "Line 5: malformed email" in output
    assert "Line 2" not in output
    assert refreshed(member_to_verify).is_verified_member


def test_the_command_dry_run_saves_nothing(tmp_path, member_to_verify):
    path = write_file(tmp_path, f"email,membership_number\n{member_to_verify.email},A42\n")
    out = io.StringIO()

    call_command("import_members", path, "--dry-run", stdout=out)

    assert "Dry run" in out.getvalue()
    assert "Verified: 1" in out.getvalue()
    assert not refreshed(member_to_verify).is_verified_member


@pytest.mark.parametrize(
    ("text", "encoding", "message"),
    [
        ("", "utf-8", "empty"),
        ("email\nx@example.org\n", "utf-8", "no membership number column"),
        ("numero;courriel\nA-1;zoé@example.org\n", "latin-1", "not in UTF-8"),
    ],
)
def test_the_command_fails_with_status_1_on_an_unusable_file(tmp_path, db, text, encoding, message):
    path = write_file(tmp_path, text, encoding=encoding)

    with pytest.raises(CommandError, match=message) as raised:
        call_command("import_members", path)

    assert raised.value.returncode == 1


def test_the_command_fails_with_status_1_on_a_missing_file(tmp_path, db):
    with pytest.raises(CommandError, match="Cannot open") as raised:
        call_command("import_members", str(tmp_path / "nope.csv"))

    assert raised.value.returncode == 1


def test_two_accounts_whose_emails_differ_only_in_case_are_a_conflict(db):
    UserFactory(email="Lou@example.org")
    UserFactory(email="lou@example.org")

    report = membership_import(rows="email,membership_number\nLOU@example.org,L-1\n")

    assert reasons_by_line(report) == {2: Reason.SEVERAL_ACCOUNTS}
    assert not User.objects.filter(membership_verified_at__isnull=False).exists()
