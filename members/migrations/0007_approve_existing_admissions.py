from django.db import migrations


def approve_existing_admissions(apps, schema_editor):
    """Existing timelines keep their dates and statuses: a probationary admission recorded
    before the procedure gave the status by itself; now the status comes with the Party
    committee's approval, so each such admission gets its approval, on the same day."""
    Milestone = apps.get_model("members", "Milestone")
    approved = set(
        Milestone.objects.filter(kind="approval").values_list("person_id", flat=True)
    )
    Milestone.objects.bulk_create(
        Milestone(
            person_id=meeting.person_id,
            kind="approval",
            date=meeting.date,
            note="",
            recorded_by_id=meeting.recorded_by_id,
            recorded_at=meeting.recorded_at,
        )
        for meeting in Milestone.objects.filter(kind="probationary")
        if meeting.person_id not in approved
    )


def forget_added_approvals(apps, schema_editor):
    Milestone = apps.get_model("members", "Milestone")
    meetings = Milestone.objects.filter(kind="probationary")
    for meeting in meetings:
        Milestone.objects.filter(
            person_id=meeting.person_id, kind="approval", date=meeting.date
        ).delete()
    # Steps the old timeline did not know cannot be kept.
    Milestone.objects.exclude(
        kind__in=["application", "activist", "candidate", "probationary", "full"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_development_procedure"),
    ]

    operations = [
        migrations.RunPython(approve_existing_admissions, forget_added_approvals),
    ]
