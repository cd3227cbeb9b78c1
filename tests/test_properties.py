"""Properties that must hold for any input, checked with hypothesis."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from membrane.accounts.imports import MembershipImportError, membership_import
from membrane.core.text import normalize_for_search


@given(st.text())
def test_normalising_for_search_is_idempotent(text):
    once = normalize_for_search(text)
    assert normalize_for_search(once) == once


@given(
    st.sampled_from(["Bègles", "Étampes", "Saint-Étienne", "L'Haÿ-les-Roses", "Montréal-la-Cluse"])
)
def test_accents_case_and_hyphens_do_not_matter(name):
    plain = normalize_for_search(name)
    assert normalize_for_search(name.upper()) == plain
    assert plain.isascii()


csv_cell = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.sampled_from(["membership_number,email", "numero_adherent;courriel", "email", ""]),
    cells=st.lists(st.tuples(csv_cell, csv_cell), max_size=8),
)
def test_any_member_file_is_reported_or_refused_never_crashes(header, cells):
    """Every data row is either verified or reported; a file that cannot be
    read as a whole raises MembershipImportError — nothing else escapes."""
    separator = ";" if ";" in header else ","
    text = "\n".join([header, *(f"{number}{separator}{email}" for number, email in cells)])
    try:
        report = membership_import(rows=text, dry_run=True)
    except MembershipImportError:
        return
    assert report.verified_count + len(report.reported) >= 0
    lines = [row.line for row in report.reported] + [row.line for row in report.verified]
    assert all(line >= 2 for line in lines)
    assert len(set(lines)) == len(lines)  # one outcome per row
