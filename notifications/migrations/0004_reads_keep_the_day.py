"""Keep only the day on which each notice so far was read, as new reads are kept."""

from django.conf import settings
from django.db import migrations

TRUNCATE = (
    "UPDATE notifications_notice SET read_at = "
    "date_trunc('day', read_at AT TIME ZONE %s) AT TIME ZONE %s WHERE read_at IS NOT NULL"
)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_notice_private")]

    operations = [
        migrations.RunSQL(
            [(TRUNCATE, [settings.TIME_ZONE, settings.TIME_ZONE])], migrations.RunSQL.noop
        )
    ]
