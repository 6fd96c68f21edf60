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

# name shown in the admin (English msgid, translated when written) -> (task, every N minutes)
PERIODIC_TASKS: dict[str, tuple[str, int]] = {
    gettext_noop("Send pending notice e-mails"): ("notifications.send_pending_emails", 5),
    gettext_noop("Remind of probations ending"): ("members.remind_probation_ending", 24 * 60),
    gettext_noop("Remind of steps of Party development due"): (
        "members.remind_development",
        24 * 60,
    ),
    # Checked daily; each participant is told at most once per ISO week.
    gettext_noop("Remind participants behind their study plan"): (
        "study.remind_behind_schedule",
        24 * 60,
    ),
    gettext_noop("Remind reviewers of study entries waiting"): (
        "study.remind_review_queue",
        24 * 60,
    ),
    gettext_noop("Remind of study activities tomorrow"): ("study.remind_activity_tomorrow", 60),
    # The staff overview's figures, so that its page never computes everyone's progress itself.
    gettext_noop("Compute the study overview"): ("study.refresh_overviews", 10),
    gettext_noop("Remind of overdue suggestions"): ("feedback.remind_overdue", 60),
    # Checked hourly; a batch goes only when its time has come and it has enough authors (the
    # FEEDBACK_ANONYMOUS_NEWS_* settings), however often or by whom it is run.
    gettext_noop("Tell anonymous authors of news"): ("feedback.deliver_anonymous_news", 60),
    # Each notice once per event (a quiet spell, a wait, a proposal, a survey), however often run.
    gettext_noop("Remind of quiet tutoring pairings"): ("tutoring.remind_quiet_pairings", 24 * 60),
    gettext_noop("Remind of tutoring requests and proposals waiting"): (
        "tutoring.remind_waiting",
        60,
    ),
    gettext_noop("Send tutoring check-in surveys"): ("tutoring.send_check_ins", 24 * 60),
    gettext_noop("Compute the dashboards' figures"): ("workstation.refresh_figures", 60),
    # Checked hourly; each round start, round ending, overdue follow-up and review told once.
    gettext_noop("Remind of dorm rounds, follow-ups and reviews"): ("dorms.send_reminders", 60),
    # Checked hourly; each campaign opens, reminds and closes once, when its time has come.
    gettext_noop("Open, remind and close evaluation campaigns"): (
        "evaluations.advance_campaigns",
        60,
    ),
}


class Command(BaseCommand):
    help = "Create the portal's periodic tasks (idempotent)."

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            for english_name, (task, minutes) in PERIODIC_TASKS.items():
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
