from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    """Count each idea's supports once, in one UPDATE (as
    services.support_counts_recount)."""
    Idea = apps.get_model("ideas", "Idea")
    Support = apps.get_model("ideas", "Support")
    counted = (
        Support.objects.filter(idea=OuterRef("pk"))
        .order_by()
        .values("idea")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Idea.objects.update(support_count=Coalesce(Subquery(counted), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("ideas", "0002_idea_thread"),
    ]

    operations = [
        migrations.AddField(
            model_name="idea",
            name="support_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="supports"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
