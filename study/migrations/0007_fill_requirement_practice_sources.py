"""Each practice requirement's one source becomes its list of sources; practice asked for in
stage 1 or 2 moves to stage 3, the only stage that asks for practice from now on.

Backwards, a requirement keeps the first of its sources (the others are lost).
"""

from django.db import migrations

PRACTICE = "practice"
STAGE_THREE = 3


def one_source_to_list(apps, schema_editor):
    for name in ("Requirement", "HistoricalRequirement"):
        model = apps.get_model("study", name)
        rows = list(model.objects.exclude(practice_source=""))
        for row in rows:
            row.practice_sources = [row.practice_source]
        model.objects.bulk_update(rows, ["practice_sources"], batch_size=500)
    Requirement = apps.get_model("study", "Requirement")
    Requirement.objects.filter(kind=PRACTICE).exclude(stage=STAGE_THREE).update(stage=STAGE_THREE)


def list_to_one_source(apps, schema_editor):
    for name in ("Requirement", "HistoricalRequirement"):
        model = apps.get_model("study", name)
        rows = list(model.objects.exclude(practice_sources=[]))
        for row in rows:
            row.practice_source = row.practice_sources[0]
        model.objects.bulk_update(rows, ["practice_source"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("study", "0006_add_requirement_practice_sources"),
    ]

    operations = [
        migrations.RunPython(one_source_to_list, list_to_one_source),
    ]
