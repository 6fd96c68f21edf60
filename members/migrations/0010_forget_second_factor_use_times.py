"""Forget when people last used their second factor: keep only the day, as of a sign-in."""

from django.conf import settings
from django.db import migrations


def forget_use_times(apps, schema_editor):
    Authenticator = apps.get_model("mfa", "Authenticator")
    # The start of the day in the portal's time zone, as `keep_the_day_of_use` stores it.
    schema_editor.execute(
        f"UPDATE {Authenticator._meta.db_table} SET last_used_at = "
        "date_trunc('day', last_used_at AT TIME ZONE %s) AT TIME ZONE %s "
        "WHERE last_used_at IS NOT NULL",
        [settings.TIME_ZONE, settings.TIME_ZONE],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_directory_no_branch_order"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(forget_use_times, migrations.RunPython.noop)]
