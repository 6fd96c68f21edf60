"""The admins of the parts the portal takes from others: the periodic tasks (staff may look at
the schedules; only those who may change the tasks, superusers unless given more, enable,
disable or run them by hand) and two-factor authenticators. Like the portal's own, they take
filters in the address only on what they show (`common.admin_lists.ShownLookupsMixin`)."""

from allauth.mfa import admin as mfa_admin  # registers its admin first
from django.contrib import admin
from django_celery_beat import admin as beat_admin  # registers its admins first
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from common.admin_lists import ShownLookupsMixin

CHANGING_ACTIONS = ("enable_tasks", "disable_tasks", "toggle_tasks", "run_tasks")

admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(ShownLookupsMixin, beat_admin.PeriodicTaskAdmin):
    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            for name in CHANGING_ACTIONS:
                actions.pop(name, None)
        return actions


for model, model_admin in [
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
    (mfa_admin.Authenticator, mfa_admin.AuthenticatorAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (ShownLookupsMixin, model_admin), {}))
