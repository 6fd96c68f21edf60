"""Create the portal's periodic tasks in django-celery-beat's schedule (kept in the database).

A task's name is data shown in the admin: it is written in the portal's default language
(LANGUAGE_CODE, Chinese), the staff's. Missing tasks are created; a task that still carries the
name this command gave it in English before is renamed; anything staff changed in the admin is
kept.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django_celery_beat.models import IntervalSchedule, PeriodicTask

# task -> (name shown in the admin, every N minutes)
PERIODIC_TASKS: dict[str, tuple[str, int]] = {
    "notifications.send_pending_emails": (gettext_noop("Send pending notice e-mails"), 5),
    "members.remind_probation_ending": (gettext_noop("Remind of probations ending"), 24 * 60),
    # Checked daily; each participant is told at most once per ISO week.
    "study.remind_behind_schedule": (
        gettext_noop("Remind participants behind their study plan"),
        24 * 60,
    ),
    "study.remind_review_queue": (
        gettext_noop("Remind reviewers of study entries waiting"),
        24 * 60,
    ),
    "study.remind_activity_tomorrow": (gettext_noop("Remind of study activities tomorrow"), 60),
    "feedback.remind_overdue": (gettext_noop("Remind of overdue suggestions"), 60),
    "feedback.deliver_anonymous_news": (gettext_noop("Tell anonymous authors of news"), 60),
}


class Command(BaseCommand):
    help = "Create the portal's periodic tasks (idempotent)."

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            for task, (english_name, minutes) in PERIODIC_TASKS.items():
                name = gettext(english_name)
                outcome = self._set_up(task, name, english_name, minutes)
                self.stdout.write(f"{outcome}: {name} ({task})")

    def _set_up(self, task: str, name: str, english_name: str, minutes: int) -> str:
        existing = PeriodicTask.objects.filter(task=task).order_by("pk").first()
        if existing is None:
            schedule, _ = IntervalSchedule.objects.get_or_create(
                every=minutes, period=IntervalSchedule.MINUTES
            )
            PeriodicTask.objects.create(name=name, task=task, interval=schedule)
            return "created"
        if existing.name == english_name and name != english_name:
            existing.name = name
            existing.save(update_fields=["name"])
            return "renamed"
        return "kept"
