"""A person's latest posts by index; on PostgreSQL, indexes for the search.

The search (conversations/search.py) filters on
`to_tsvector('french', COALESCE(body, '')) @@ query OR search_key LIKE '%word%'`
(the title for threads). The GIN indexes below are on exactly those
expressions, so that both branches are read from an index (a BitmapOr)
instead of computing every post's vector. SQLite has neither: it keeps
scanning `search_key`. Not declared on the models, hence RunPython."""

from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.conf import settings
from django.db import migrations, models

SEARCH_INDEXES = {
    "post": [
        GinIndex(SearchVector("body", config="french"), name="post_body_fts"),
        GinIndex(
            fields=["search_key"], opclasses=["gin_trgm_ops"], name="post_search_key_trgm"
        ),
    ],
    "thread": [
        GinIndex(SearchVector("title", config="french"), name="thread_title_fts"),
        GinIndex(
            fields=["search_key"], opclasses=["gin_trgm_ops"], name="thread_search_key_trgm"
        ),
    ],
}


def add_search_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    # Trusted since PostgreSQL 13: the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for model_name, indexes in SEARCH_INDEXES.items():
        model = apps.get_model("conversations", model_name)
        for index in indexes:
            schema_editor.add_index(model, index)


def remove_search_indexes(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, indexes in SEARCH_INDEXES.items():
        model = apps.get_model("conversations", model_name)
        for index in indexes:
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0003_post_moderation_article_post_moderation_state_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["author", "-created_at"], name="post_author_recent"),
        ),
        migrations.RunPython(add_search_indexes, remove_search_indexes, elidable=False),
    ]
