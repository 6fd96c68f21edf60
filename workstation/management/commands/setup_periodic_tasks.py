"""Create the portal's periodic tasks in django-celery-beat's schedule (kept in the database).

Missing tasks are created; tasks that exist keep whatever staff changed in the admin.
"""

from django.core.management.base import BaseCommand
from django_celery_beat.models import IntervalSchedule, PeriodicTask

# name shown in the admin -> (task, every N minutes)
PERIODIC_TASKS: dict[str, tuple[str, int]] = {
    "Send pending notice e-mails": ("notifications.send_pending_emails", 5),
    "Remind of probations ending": ("members.remind_probation_ending", 24 * 60),
    # Checked daily; each participant is told at most once per ISO week.
    "Remind participants behind their study plan": ("study.remind_behind_schedule", 24 * 60),
    "Remind reviewers of study entries waiting": ("study.remind_review_queue", 24 * 60),
    "Remind of study activities tomorrow": ("study.remind_activity_tomorrow", 60),
    "Remind of overdue suggestions": ("feedback.remind_overdue", 60),
    # Checked hourly; a batch goes only when its time has come and it has enough authors (the
    # FEEDBACK_ANONYMOUS_NEWS_* settings), however often or by whom it is run.
    "Tell anonymous authors of news": ("feedback.deliver_anonymous_news", 60),
}


class Command(BaseCommand):
    help = "Create the portal's periodic tasks (idempotent)."

    def handle(self, *args, **options) -> None:
        for name, (task, minutes) in PERIODIC_TASKS.items():
            schedule, _ = IntervalSchedule.objects.get_or_create(
                every=minutes, period=IntervalSchedule.MINUTES
            )
            _, created = PeriodicTask.objects.get_or_create(
                name=name, defaults={"task": task, "interval": schedule}
            )
            self.stdout.write(f"{'created' if created else 'kept'}: {name} ({task})")
