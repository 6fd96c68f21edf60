"""Keep only the day of the +1s given so far, as new ones are kept."""

from django.conf import settings
from django.db import migrations

TRUNCATE = (
    "UPDATE feedback_support SET created_at = "
    "date_trunc('day', created_at AT TIME ZONE %s) AT TIME ZONE %s"
)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0005_support_day_only")]

    operations = [
        migrations.RunSQL(
            [(TRUNCATE, [settings.TIME_ZONE, settings.TIME_ZONE])], migrations.RunSQL.noop
        )
    ]
