from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    """Count each group's active members once (as services.member_counts_recount)."""
    Space = apps.get_model("spaces", "Space")
    Membership = apps.get_model("spaces", "Membership")
    active = (
        Membership.objects.filter(
            space=OuterRef("pk"), user__is_active=True, user__erased_at__isnull=True
        )
        .order_by()
        .values("space")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Space.objects.filter(kind=3).update(
        active_member_count=Coalesce(Subquery(active), 0)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("spaces", "0003_space_moderation_article_space_moderation_state"),
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="space",
            name="active_member_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
