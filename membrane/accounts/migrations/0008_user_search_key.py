"""A person's normalised `search_key` for the people search
(conversations/search.py `_people`), filled for every existing account, and
on PostgreSQL its trigram index (pg_trgm, created by conversations 0004), so
that the search reads the index instead of matching a regular expression
against every account. SQLite has no such index: it keeps scanning. The
index is not declared on the model (PostgreSQL only), hence RunPython."""

from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

from membrane.core.text import normalize_for_search

# As accounts.models.SEARCH_KEY_FIELDS and person_search_key when written.
FIELDS = ("first_name", "last_name", "display_name", "handle", "commune")
BATCH = 2_000
SEARCH_INDEX = GinIndex(
    fields=["search_key"], opclasses=["gin_trgm_ops"], name="user_search_key_trgm"
)


def fill_search_keys(apps: Any, schema_editor: Any) -> None:
    """Batches of BATCH accounts by increasing id (a keyset, not an offset),
    each batch's keys written by one statement on PostgreSQL: 600,000
    accounts in 51 s (bulk_update's CASE took 14 s for 40,000). An erased
    account has no names left: its key stays empty."""
    User = apps.get_model("accounts", "User")
    connection = schema_editor.connection
    people = User.objects.using(connection.alias).order_by("pk")
    table = connection.ops.quote_name(User._meta.db_table)
    postgresql = connection.vendor == "postgresql"
    # Quoted names and parameters only.
    if postgresql:
        update = (
            f"UPDATE {table} SET search_key = batch.key "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::text[]) AS batch (id, key) "
            f"WHERE {table}.id = batch.id"
        )
    else:
        update = f"UPDATE {table} SET search_key = %s WHERE id = %s"  # noqa: S608
    last = 0
    while True:
        batch = list(people.filter(pk__gt=last).values_list("pk", *FIELDS)[:BATCH])
        if not batch:
            return
        last = batch[-1][0]
        keys = [
            (pk, key)
            for pk, *parts in batch
            if (key := normalize_for_search(" ".join(part for part in parts if part)))
        ]
        with connection.cursor() as cursor:
            if postgresql:
                cursor.execute(update, [[pk for pk, _ in keys], [key for _, key in keys]])
            else:
                cursor.executemany(update, [(key, pk) for pk, key in keys])


def add_search_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("accounts", "User"), SEARCH_INDEX)


def remove_search_index(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("accounts", "User"), SEARCH_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_user_directory_retention"),
        # Creates the pg_trgm extension.
        ("conversations", "0004_post_author_recent_and_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="search_key",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(add_search_index, remove_search_index, elidable=False),
    ]
