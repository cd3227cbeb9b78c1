from django.db import migrations
from django.db.models import OuterRef, Subquery


def carry(apps, schema_editor):
    """Give the visible comment thread of each held or hidden idea the idea's
    state, as moderation.services now does when it decides on an idea."""
    Idea = apps.get_model("ideas", "Idea")
    Thread = apps.get_model("conversations", "Thread")
    article = Idea.objects.filter(thread=OuterRef("pk")).values("moderation_article")[:1]
    for state in ("held", "hidden"):
        ideas = Idea.objects.filter(moderation_state=state, thread__moderation_state="visible")
        Thread.objects.filter(pk__in=ideas.values("thread_id")).update(
            moderation_state=state, moderation_article=Subquery(article)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0008_thread_title_vector"),
        ("ideas", "0003_idea_support_count"),
    ]

    operations = [
        migrations.RunPython(carry, migrations.RunPython.noop, elidable=True),
    ]
