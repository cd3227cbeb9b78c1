"""The territory loader: the national unit and one federation per département,
loaded idempotently."""

from io import StringIO

import pytest
from django.core.management import call_command

from membrane.territory.departements import DEPARTEMENTS
from membrane.territory.models import Unit

# The autouse cache fixture of conftest.py reaches the database (the cache is
# stored there), so every test here needs the marker, not only the `db` fixture.
pytestmark = pytest.mark.django_db


def load_territory() -> str:
    out = StringIO()
    call_command("load_territory", stdout=out)
    return out.getvalue()


def test_the_departements_list_has_101_distinct_codes_and_names():
    codes = [code for code, _name in DEPARTEMENTS]
    names = [name for _code, name in DEPARTEMENTS]
    assert len(DEPARTEMENTS) == 101
    assert len(set(codes)) == 101
    assert len(set(names)) == 101
    assert "20" not in codes
    assert "975" not in codes


def test_it_creates_the_national_unit_and_101_federations_under_it(db):
    output = load_territory()

    national = Unit.objects.get(kind=Unit.Kind.NATIONAL)
    federations = Unit.objects.federations()
    assert federations.count() == 101
    assert set(federations.values_list("parent_id", flat=True)) == {national.pk}
    assert "101 created" in output


def test_corsica_and_overseas_federations_have_their_insee_codes(db):
    load_territory()

    names = dict(Unit.objects.federations().values_list("code", "name"))
    assert names["2A"] == "Corse-du-Sud"
    assert names["2B"] == "Haute-Corse"
    assert names["971"] == "Guadeloupe"
    assert names["974"] == "La Réunion"
    assert names["976"] == "Mayotte"
    assert names["22"] == "Côtes-d'Armor"
    assert names["13"] == "Bouches-du-Rhône"
    assert Unit.objects.get(kind=Unit.Kind.FEDERATION, code="2A").slug == "federation-2a"


def test_a_second_run_changes_nothing(db):
    load_territory()
    before = list(Unit.objects.order_by("pk").values_list("pk", "kind", "code", "name", "slug"))

    output = load_territory()

    after = list(Unit.objects.order_by("pk").values_list("pk", "kind", "code", "name", "slug"))
    assert after == before
    assert Unit.objects.filter(kind=Unit.Kind.NATIONAL).count() == 1
    assert "0 created, 0 updated, 101 unchanged" in output


def test_a_renamed_federation_is_set_back_without_a_new_row(db):
    load_territory()
    gironde = Unit.objects.get(kind=Unit.Kind.FEDERATION, code="33")
    Unit.objects.filter(pk=gironde.pk).update(name="Fédération de la Gironde")

    output = load_territory()

    gironde.refresh_from_db()
    assert gironde.name == "Gironde"
    assert Unit.objects.federations().count() == 101
    assert "0 created, 1 updated, 100 unchanged" in output
