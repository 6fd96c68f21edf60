"""The admin of a model that keeps its change history (django-simple-history)."""

from django.urls import re_path
from simple_history.admin import SimpleHistoryAdmin

from .admin_lists import LeanChangelistMixin


class HistoryAdmin(LeanChangelistMixin, SimpleHistoryAdmin):
    """simple-history's admin whose version ids are numbers: `<id>/history/password/` (or any
    other word) is not a version, and so a 404 rather than a failed lookup; its changelist is
    lean (`LeanChangelistMixin`)."""

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_simple_history"
        version = re_path(
            r"^([^/]+)/history/([0-9]+)/$",
            self.admin_site.admin_view(self.history_form_view),
            name=name,
        )
        return [version] + [url for url in super().get_urls() if url.name != name]
