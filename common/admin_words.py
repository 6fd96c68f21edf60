"""Words other packages write in the admin without passing them through a translation, put
through one: `translate_admin_words`, called once from `CommonConfig.ready`. (A word a package
does translate, but not well, is corrected in the catalogue instead: see
`workstation.third_party_strings`.)

- Django's yes/no icons: their alt text is the Python value ("True", "False", "None"), what a
  screen reader reads out and what shows where the icon does not load. Its changelists,
  read-only fields and `@admin.display(boolean=True)` columns all ask
  `admin_list._boolean_icon` when they draw one; this one writes 是/否/未知 (Yes/No/Unknown)
  from Django's own catalogue.
- django-celery-beat names a periodic task's task field "Task Name", a plain string (the
  filter beside the task list read "以 Task Name", the tasks under a schedule "Task Name"),
  and the list's column of schedules by its property, "Scheduler".
"""

from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

ICONS = {True: "yes", False: "no", None: "unknown"}


def boolean_icon(value: bool | None) -> str:
    """Django's icon for `value`, its text in the reader's language."""
    text = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{ICONS[value]}.svg"), text
    )


def translate_admin_words() -> None:
    from django_celery_beat.models import PeriodicTask

    admin_list._boolean_icon = boolean_icon
    # The Celery task a periodic task runs (its name, "Name", is beat's 任务名).
    PeriodicTask._meta.get_field("task").verbose_name = gettext_lazy("Task Name")
    PeriodicTask.scheduler.fget.short_description = gettext_lazy("Scheduler")
