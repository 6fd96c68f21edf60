"""Readings recorded with no text, link or PDF get their source (or title) as their text.

It says at least where the text is to be found, so that the rule "something to read" can hold
for every row; staff then add the text or a link in the admin. Going back leaves the rows as
they are (the text column goes with the migration before this one).
"""

from django.db import migrations
from django.db.models import Q


def fill(apps, schema_editor):
    Reading = apps.get_model("study", "Reading")
    empty = Reading.objects.filter(Q(text="") & Q(url="") & Q(document=""))
    for reading in empty.only("pk", "title", "source"):
        reading.text = reading.source or reading.title
        reading.save(update_fields=["text"])


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0003_add_reading_text"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
