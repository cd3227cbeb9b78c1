"""A person's `search_key` — first name, last name, display name, handle and
commune, normalised — follows every write of those fields (sign-up, profile,
admin, erasure, the demo, the dataset); the people search matches it
whatever the accents and case, and on PostgreSQL reads its trigram index."""

from datetime import UTC, datetime
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from membrane.accounts.models import SEARCH_KEY_FIELDS, User, person_search_key
from membrane.accounts.services import account_delete, consent_withdraw, profile_update
from membrane.conversations.search import PEOPLE, _people, search
from membrane.perf.dataset.run import generate
from tests.factories import UserFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only"
)
backfill = import_module("membrane.accounts.migrations.0008_user_search_key")


def stored_key(person):
    return User.objects.values_list("search_key", flat=True).get(pk=person.pk)


def key_from_fields(person):
    """The key as it should be, from the row's fields as stored."""
    values = User.objects.values_list(*SEARCH_KEY_FIELDS).get(pk=person.pk)
    return person_search_key(*values)


def found(viewer, query):
    results = search(viewer=viewer, query=query, kinds=(PEOPLE,))
    return list(results[PEOPLE]) if results else []


@pytest.fixture
def helene(section):
    return UserFactory(
        first_name="Hélène",
        last_name="Le Dû",
        display_name="Léna Œuvre",
        handle="helene-le-du",
        commune="Saint-Étienne",
        section=section,
        listed_in_directory=True,
    )


# The key follows every write -----------------------------------------------------------------


def test_the_key_is_every_field_normalised_in_order(helene):
    """Lower case, no accents, hyphens and apostrophes as spaces."""
    assert stored_key(helene) == "helene le du lena œuvre helene le du saint etienne"


def test_a_person_without_handle_nor_commune_has_a_key_of_their_names(db):
    person = UserFactory(first_name="Zoé", last_name="Nguyen", handle=None, commune="")

    assert stored_key(person) == "zoe nguyen"


@pytest.mark.django_db(transaction=True)
def test_a_sign_up_writes_the_key(client, charter):
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Anaïs",
            "last_name": "Lefèvre",
            "email": "anais@example.org",
            "password1": "une-phrase-de-passe-solide-42",
            "status": "supporter",
            "membership_number": "",
            "section_query": "",
            "accept_charter": "on",
            "political_consent": "on",
        },
    )

    person = User.objects.get(email="anais@example.org")
    assert stored_key(person) == "anais lefevre anais lefevre"
    assert stored_key(person) == key_from_fields(person)


def test_a_profile_edit_updates_the_key(helene):
    profile_update(user=helene, display_name="La Grande Hélène", commune="Bègles")

    assert stored_key(helene) == "helene le du la grande helene helene le du begles"


def test_a_profile_edit_through_the_page_updates_the_key(client, helene):
    client.force_login(helene)

    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "",
            "bio": "",
            "commune": "Mérignac",
            "profile_visibility": "signed_in",
            "listed_in_directory": "on",
            "language": "fr",
        },
    )

    assert response.status_code == 302
    assert stored_key(helene) == "helene le du helene le du merignac"


def test_saving_other_fields_leaves_a_right_key_alone(helene):
    """save(update_fields=…) without a field of the key writes no key: a
    name changed in memory but not saved does not reach the key."""
    helene.first_name = "Pas enregistré"
    helene.bio = "Une bio"
    helene.save(update_fields=["bio"])

    assert stored_key(helene) == key_from_fields(helene)
    assert "pas enregistre" not in stored_key(helene)


def test_saving_one_field_of_the_key_writes_the_key(helene):
    helene.last_name = "Dupré"
    helene.save(update_fields=["last_name"])

    assert stored_key(helene) == "helene dupre lena œuvre helene le du saint etienne"


def admin_form_data(form):
    """What the admin's change form posts back unchanged (no new password,
    no photo)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or name in ("password", "photo"):
            continue
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        elif isinstance(value, datetime):
            data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%Y-%m-%d %H:%M:%S").split()
        else:
            data[name] = "on" if value is True else getattr(value, "pk", value)
    return data


def test_the_admin_change_page_writes_the_key(client, helene, staff):
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    client.force_login(staff)
    url = reverse("admin:accounts_user_change", args=[helene.pk])
    data = admin_form_data(client.get(url).context["adminform"].form)

    response = client.post(
        url, {**data, "first_name": "Éloïse", "display_name": "", "commune": "Pessac"}
    )

    assert response.status_code == 302
    assert stored_key(helene) == "eloise le du helene le du pessac"


@pytest.mark.parametrize(
    "erase",
    [
        lambda person: account_delete(user=person, keep_contributions=True),
        lambda person: consent_withdraw(user=person),
    ],
    ids=["deletion keeping contributions", "consent withdrawn"],
)
def test_an_erased_account_has_an_empty_key(helene, supporter, erase):
    erase(helene)

    assert stored_key(helene) == ""
    assert found(supporter, "helene") == []


def test_the_migration_fills_every_key_and_leaves_erased_accounts_empty(helene, supporter):
    account_delete(user=supporter, keep_contributions=True)
    User.objects.update(search_key="")

    backfill.fill_search_keys(apps, connection.schema_editor())

    assert stored_key(helene) == "helene le du lena œuvre helene le du saint etienne"
    assert stored_key(supporter) == ""
    for person in User.objects.all():
        assert stored_key(person) == key_from_fields(person)


def test_the_migration_fills_keys_past_one_batch(db, monkeypatch):
    monkeypatch.setattr(backfill, "BATCH", 3)
    people = UserFactory.create_batch(7, commune="Cenon")
    User.objects.update(search_key="")

    backfill.fill_search_keys(apps, connection.schema_editor())

    assert all(stored_key(person) == key_from_fields(person) for person in people)


def test_the_dataset_generator_writes_the_keys(db):
    generate(scale="tiny", seed=5, now=datetime(2026, 11, 1, tzinfo=UTC), stream=StringIO())

    generated = User.objects.filter(email__endswith="@dataset.membrane.localhost")
    assert generated.exists()
    rows = generated.values_list("search_key", *SEARCH_KEY_FIELDS)
    assert all(key == person_search_key(*fields) for key, *fields in rows)
    assert not generated.filter(search_key="").exists()


def test_the_demo_loader_writes_the_keys(db):
    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())

    rows = User.objects.values_list("search_key", *SEARCH_KEY_FIELDS)
    assert len(rows) > 10
    assert all(key == person_search_key(*fields) for key, *fields in rows)


# The search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "Hélène",
        "helene",
        "HÉLÈNE",
        "Le Dû",
        "le du",
        "Léna",
        "lena",
        "Œuvre",
        "œuvre",
        "helene-le-du",
        "Saint-Étienne",
        "saint etienne",
        "ETIENNE",
        "hélène étienne",
    ],
)
def test_a_person_is_found_by_each_field_with_or_without_accents(supporter, helene, query):
    assert found(supporter, query) == [helene]


def test_every_word_must_match(supporter, helene):
    assert found(supporter, "hélène martin") == []


def test_wildcards_are_taken_literally(supporter, helene):
    assert found(supporter, "h_l%ne") == []


def test_people_not_listed_are_still_not_found(supporter, helene):
    UserFactory(first_name="Hélène", last_name="Discrète", listed_in_directory=False)

    assert found(supporter, "hélène") == [helene]


def test_a_hidden_profile_is_found_by_its_person_and_staff_only(supporter, staff, helene):
    User.objects.filter(pk=helene.pk).update(moderation_state="hidden")

    assert found(supporter, "hélène") == []
    assert found(helene, "hélène") == [helene]
    assert found(staff, "hélène") == [helene]


@postgresql_only
def test_the_people_search_reads_the_trigram_index(supporter, helene):
    """Every word's LIKE is served by user_search_key_trgm (a bitmap): no
    regular expression over every account."""
    # Enough listed, visible people that only the words select (on a few
    # rows the planner would rather read the moderation state's index).
    crowd = [
        User(
            email=f"foule-{n}@example.org",
            first_name="Paul",
            last_name=f"Martin {n}",
            handle=f"foule-{n}",
            listed_in_directory=True,
        )
        for n in range(3000)
    ]
    for person in crowd:
        person.refresh_search_key()
    User.objects.bulk_create(crowd)
    people = _people(supporter, ["helene", "etienne"]).order_by().values("pk")

    with connection.cursor() as cursor:
        # What a bulk insert leaves in the GIN's pending list goes into the
        # index proper (as autovacuum would), and the statistics are made.
        cursor.execute("SELECT gin_clean_pending_list('user_search_key_trgm')")
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = people.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        shown = "\n".join(row[0] for row in cursor.fetchall())

    assert "user_search_key_trgm" in shown
    assert "~*" not in shown


@postgresql_only
def test_the_trigram_index_exists(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, User._meta.db_table)

    assert constraints["user_search_key_trgm"]["columns"] == ["search_key"]
    assert constraints["user_search_key_trgm"]["type"] == "gin"
