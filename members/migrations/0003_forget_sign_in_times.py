"""Forget when people signed in: keep only the day of the last sign-in, and drop the history rows
that sign-ins added (rows that change nothing the history tracks, saved by the person himself or
by nobody; a row saved by someone else, such as staff setting a password, stays)."""

from django.conf import settings
from django.db import migrations

HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user_id",
}


def forget_sign_in_times(apps, schema_editor):
    User = apps.get_model("members", "User")
    HistoricalUser = apps.get_model("members", "HistoricalUser")
    # The start of the day in the portal's time zone, as `record_sign_in_day` stores it.
    schema_editor.execute(
        f"UPDATE {User._meta.db_table} SET last_login = "
        "date_trunc('day', last_login AT TIME ZONE %s) AT TIME ZONE %s "
        "WHERE last_login IS NOT NULL",
        [settings.TIME_ZONE, settings.TIME_ZONE],
    )
    tracked = [
        field.attname
        for field in HistoricalUser._meta.fields
        if field.attname not in HISTORY_FIELDS
    ]
    rows = HistoricalUser.objects.order_by("id", "history_date", "history_id").values_list(
        "history_id", "history_type", "history_user_id", *tracked
    )
    previous = None
    unchanged = []
    for history_id, history_type, saved_by, *values in rows.iterator(chunk_size=2000):
        by_himself = saved_by is None or saved_by == values[tracked.index("id")]
        if history_type == "~" and by_himself and previous == values:
            unchanged.append(history_id)
        previous = values
    for start in range(0, len(unchanged), 2000):
        HistoricalUser.objects.filter(history_id__in=unchanged[start : start + 2000]).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0002_profiles_branches_timeline")]

    operations = [migrations.RunPython(forget_sign_in_times, migrations.RunPython.noop)]
