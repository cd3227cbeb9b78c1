from django.db import migrations

from membrane.accounts.handles import handle_available, handle_base


def fill_handles(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    taken = set(User.objects.exclude(handle=None).values_list("handle", flat=True))
    people = list(User.objects.filter(handle=None).order_by("pk"))
    for person in people:
        person.handle = handle_available(handle_base(person.first_name, person.last_name), taken)
        taken.add(person.handle)
    User.objects.bulk_update(people, ["handle"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_handle_follow")]

    operations = [migrations.RunPython(fill_handles, migrations.RunPython.noop)]
