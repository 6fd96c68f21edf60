"""The admin of the periodic tasks: staff may look at the schedules; only those who may change
the tasks (superusers, unless given more) enable, disable or run them by hand."""

from django.contrib import admin
from django_celery_beat import admin as beat_admin  # registers its admins first
from django_celery_beat.models import PeriodicTask

CHANGING_ACTIONS = ("enable_tasks", "disable_tasks", "toggle_tasks", "run_tasks")

admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            for name in CHANGING_ACTIONS:
                actions.pop(name, None)
        return actions
