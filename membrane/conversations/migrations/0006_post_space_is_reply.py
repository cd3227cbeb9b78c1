"""Post.space (its thread's) and Post.is_reply, for the home feed.

The feed reads, space by space, the newest posts on (space, -created_at,
-id); `is_reply` replaces an EXISTS per post ("is there an earlier post in
this thread?"). Both columns are added nullable, filled by ONE statement per
table (millions of posts: no loop), then made NOT NULL."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

# The opening post of a thread is its first by id, as the feed had it.
BACKFILL = {
    "postgresql": """
        UPDATE conversations_post AS p
        SET space_id = t.space_id, is_reply = (p.id <> f.first_id)
        FROM conversations_thread AS t,
             (SELECT thread_id, MIN(id) AS first_id
              FROM conversations_post GROUP BY thread_id) AS f
        WHERE t.id = p.thread_id AND f.thread_id = p.thread_id
    """,
    "sqlite": """
        UPDATE conversations_post
        SET space_id = (
                SELECT t.space_id FROM conversations_thread AS t
                WHERE t.id = conversations_post.thread_id
            ),
            is_reply = EXISTS (
                SELECT 1 FROM conversations_post AS e
                WHERE e.thread_id = conversations_post.thread_id
                AND e.id < conversations_post.id
            )
    """,
}


def backfill(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(BACKFILL[schema_editor.connection.vendor])


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0005_thread_recent"),
        ("spaces", "0004_space_active_member_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="space",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                db_index=False,
                to="spaces.space",
                verbose_name="space",
            ),
        ),
        migrations.AddField(
            model_name="post",
            name="is_reply",
            field=models.BooleanField(null=True, verbose_name="reply"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="post",
            name="space",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                db_index=False,
                to="spaces.space",
                verbose_name="space",
            ),
        ),
        migrations.AlterField(
            model_name="post",
            name="is_reply",
            field=models.BooleanField(verbose_name="reply"),
        ),
        migrations.AddIndex(
            model_name="post",
            index=models.Index(fields=["space", "-created_at", "-id"], name="post_space_recent"),
        ),
        migrations.AddIndex(
            model_name="thread",
            index=models.Index(fields=["space", "-created_at", "-id"], name="thread_space_recent"),
        ),
    ]
