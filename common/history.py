"""The admin of a model that keeps its change history (django-simple-history)."""

from django.core.exceptions import PermissionDenied
from django.urls import re_path
from simple_history.admin import SimpleHistoryAdmin

from .admin_lists import LeanChangelistMixin, ShownLookupsMixin


class HistoryAdmin(ShownLookupsMixin, LeanChangelistMixin, SimpleHistoryAdmin):
    """simple-history's admin, read-only: its history and its versions are shown, never
    reverted to.

    A revert saves an old version of the row through the admin's form: it would restore the
    fields the form leaves read-only, re-create a deleted row and pass round the services (a
    closed campaign or key dorm opened again, a deleted approved entry back), with the view
    permission alone. A change is made on the row itself, under its rules.

    Its version ids are numbers: `<id>/history/password/` (or any other word) is not a version,
    and so a 404 rather than a failed lookup; its changelist is lean (`LeanChangelistMixin`)."""

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_simple_history"
        version = re_path(
            r"^([^/]+)/history/([0-9]+)/$",
            self.admin_site.admin_view(self.history_form_view),
            name=name,
        )
        return [version] + [url for url in super().get_urls() if url.name != name]

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
