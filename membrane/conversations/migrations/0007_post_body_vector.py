"""PostgreSQL: each post's French full-text vector stored, and indexed.

The search tests `to_tsvector('french', body)` post by post when it walks
the newest posts for a common word, and again to rank the matches: 40 µs a
post, 1.1 s for one page of a common word at `section` scale. A stored
generated column computes it once, when the post is written (PostgreSQL
keeps it up to date: nothing in Django writes it). The GIN index moves from
the expression (0004) to the column. Not on the model: Django would read
the vector with every post; `conversations.search.StoredBodyVector` names
it. SQLite has neither (its search uses `search_key`).

At party scale (5.4 million posts) adding the column rewrites the table:
minutes, the table locked meanwhile."""

from typing import Any

from django.db import migrations

ADD = """
ALTER TABLE conversations_post ADD COLUMN body_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('french'::regconfig, COALESCE(body, ''))) STORED;
CREATE INDEX post_body_vector ON conversations_post USING gin (body_vector);
DROP INDEX IF EXISTS post_body_fts;
"""

REMOVE = """
CREATE INDEX post_body_fts ON conversations_post
    USING gin (to_tsvector('french'::regconfig, COALESCE(body, '')));
ALTER TABLE conversations_post DROP COLUMN body_vector;
"""


def add_body_vector(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def remove_body_vector(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE)


class Migration(migrations.Migration):
    dependencies = [("conversations", "0006_post_space_is_reply")]

    operations = [migrations.RunPython(add_body_vector, remove_body_vector, elidable=False)]
