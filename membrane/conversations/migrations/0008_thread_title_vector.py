"""PostgreSQL: each thread's French full-text vector stored, and indexed,
as 0007 did for posts: a common word's search walked the newest threads
computing `to_tsvector(title)` for each (27,000 titles at party scale, most
in spaces the reader may not read). The GIN index moves from the expression
(0004) to the column; `conversations.search.StoredVector` names it."""

from typing import Any

from django.db import migrations

ADD = """
ALTER TABLE conversations_thread ADD COLUMN title_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('french'::regconfig, COALESCE(title, ''))) STORED;
CREATE INDEX thread_title_vector ON conversations_thread USING gin (title_vector);
DROP INDEX IF EXISTS thread_title_fts;
"""

REMOVE = """
CREATE INDEX thread_title_fts ON conversations_thread
    USING gin (to_tsvector('french'::regconfig, COALESCE(title, '')));
ALTER TABLE conversations_thread DROP COLUMN title_vector;
"""


def add_title_vector(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def remove_title_vector(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):
    dependencies = [("conversations", "0007_post_body_vector")]

    operations = [migrations.RunPython(add_title_vector, remove_title_vector, elidable=False)]
