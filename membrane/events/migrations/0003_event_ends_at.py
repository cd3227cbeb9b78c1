from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0002_calendar_token_reminded_for"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["ends_at"], name="event_ends_at"),
        ),
    ]
