from django.db import migrations
from django.utils.text import slugify


def create_territorial_spaces(apps, schema_editor):
    """Every existing unit gets its private conversation space."""
    Unit = apps.get_model("territory", "Unit")
    Space = apps.get_model("spaces", "Space")
    taken = set(Space.objects.values_list("slug", flat=True))
    have_space = set(Space.objects.exclude(unit=None).values_list("unit_id", flat=True))
    spaces = []
    for unit in Unit.objects.exclude(pk__in=have_space):
        base = slugify(unit.slug) or "espace"
        slug, suffix = base, 2
        while slug in taken:
            slug, suffix = f"{base}-{suffix}", suffix + 1
        taken.add(slug)
        spaces.append(
            Space(
                kind=unit.kind,  # national 0, federation 1, section 2: the same numbers
                unit=unit,
                name=unit.name,
                slug=slug,
                visibility="private",
                joining="invitation",
                search_key=unit.name.lower(),
            )
        )
    Space.objects.bulk_create(spaces, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("spaces", "0001_initial"), ("territory", "0002_search_key")]

    operations = [migrations.RunPython(create_territorial_spaces, migrations.RunPython.noop)]
