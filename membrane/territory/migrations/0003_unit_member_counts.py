from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    """Count each section's people once, in one UPDATE (as
    services.section_counts_recount)."""
    Unit = apps.get_model("territory", "Unit")
    User = apps.get_model("accounts", "User")
    counted = User.objects.filter(section=OuterRef("pk"), is_active=True, erased_at__isnull=True)
    listed = counted.filter(
        listed_in_directory=True, profile_visibility__in=["public", "signed_in"]
    )

    def count_of(people):
        return people.order_by().values("section").annotate(n=Count("pk")).values("n")

    Unit.objects.filter(kind=2).update(
        member_count=Coalesce(Subquery(count_of(counted)), 0),
        listed_member_count=Coalesce(Subquery(count_of(listed)), 0),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("territory", "0002_search_key"),
        ("accounts", "0007_user_directory_retention"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="member_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="people"),
        ),
        migrations.AddField(
            model_name="unit",
            name="listed_member_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="people listed in the directory"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
