"""The admin of a model that keeps its change history (django-simple-history), and how its
history list shows each change: as a reader reads the row, for every model alike."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.admin.utils import display_for_field
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Page
from django.db import models
from django.urls import re_path
from django.utils.hashable import make_hashable
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import ObjDiffDisplay

from .admin_lists import LeanChangelistMixin, ShownLookupsMixin
from .names import join_names

# What an empty value (None, a blank text, no related row) shows.
EMPTY = "—"
# A longer value is shortened round its first difference from the other (simple-history's way).
SHOWN_CHARACTERS = 100

# The rows other rows point to, by model and primary key.
Related = Mapping[type[models.Model], Mapping[Any, models.Model]]


def shown_value(field: models.Field, value: Any, related: Related, *, empty: str = EMPTY) -> str:
    """`value` of `field` (as stored: a foreign key's id, a list of ids for a many-to-many
    field) as a reader reads it: a choice by its label, yes or no, a date in the reader's
    format, a related row by its name (from `related`), and `empty` for nothing at all."""
    if isinstance(field, models.ManyToManyField):
        return join_names(sorted(_related_name(field, pk, related) for pk in value)) or empty
    if value is None or value == "":
        return empty
    if field.is_relation:
        return _related_name(field, value, related)
    if field.flatchoices:
        labels = dict(make_hashable(field.flatchoices))
        return str(labels.get(make_hashable(value), value))
    if isinstance(field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(field, models.FileField):
        return str(value)
    return str(display_for_field(value, field, empty))


def _related_name(field: models.Field, pk: Any, related: Related) -> str:
    row = related.get(field.related_model, {}).get(pk)
    if row is None:
        deleted = gettext("Deleted %(type_name)s") % {
            "type_name": field.related_model._meta.verbose_name
        }
        return f"{deleted} #{pk}"
    return str(row)


class _Shortened(ObjDiffDisplay):
    """simple-history's shortening, with an ellipsis where it wrote "[n chars]" in English."""

    def shortened_str(self, prefix: str, num_skipped_chars: int, suffix: str) -> str:
        return f"{prefix}…{suffix}"


def show_versions(versions: Sequence, older=None) -> None:
    """Sets on each of `versions` (historical records of one row, newest first) `shown_object`,
    the row's name as it was then, and `history_delta_changes`, what changed since the version
    after it in `versions` (`older` for the last), each change a dict of the field's name and
    its old and new values as `shown_value` shows them.

    The rows named (by the versions' foreign keys and many-to-many fields) are read once for
    all: one query for each related model and each many-to-many field, however many versions
    there are."""
    if not versions:
        return
    history_model = type(versions[0])
    records = [*versions, older] if older is not None else list(versions)
    fields = [field for field in history_model.tracked_fields if field.editable]
    many = list(history_model._history_m2m_fields)
    chosen = _chosen(history_model, many, records)

    wanted: defaultdict[type[models.Model], set] = defaultdict(set)
    relations = [field for field in history_model.tracked_fields if field.is_relation]
    for record in records:
        for field in relations:
            if (pk := getattr(record, field.attname)) is not None:
                wanted[field.related_model].add(pk)
    for field in many:
        for pks in chosen[field.name].values():
            wanted[field.related_model].update(pks)
    related = {
        # `select_related()` follows every required foreign key, which the names of most rows
        # are made of (a room's is its building's and its number).
        related_model: related_model._base_manager.select_related().in_bulk(pks)
        for related_model, pks in wanted.items()
    }

    shortened = _Shortened(max_length=SHOWN_CHARACTERS)
    for index, version in enumerate(versions):
        version.shown_object = _object_name(version, relations, related)
        previous = records[index + 1] if index + 1 < len(records) else None
        if previous is None:
            continue
        changes = []
        for field in fields:
            old, new = getattr(previous, field.attname), getattr(version, field.attname)
            if old != new:
                changes.append((field, old, new))
        for field in many:
            old, new = chosen[field.name][previous.pk], chosen[field.name][version.pk]
            if old != new:
                changes.append((field, old, new))
        version.history_delta_changes = [
            _change(field, old, new, related, shortened) for field, old, new in changes
        ]


def _change(field, old, new, related: Related, shortened: ObjDiffDisplay) -> dict[str, str]:
    old_text, new_text = shortened.common_shorten_repr(
        shown_value(field, old, related), shown_value(field, new, related)
    )
    return {"field": capfirst(field.verbose_name), "old": old_text, "new": new_text}


def _chosen(history_model, many: Iterable[models.ManyToManyField], records) -> dict:
    """The ids each record's many-to-many fields held, by field name and record, sorted."""
    chosen = {}
    for field in many:
        through = getattr(history_model, field.name).model
        target = through._meta.get_field(field.m2m_reverse_field_name()).attname
        held: dict[Any, list] = {record.pk: [] for record in records}
        rows = through._default_manager.filter(history__in=list(held)).values_list(
            "history_id", target
        )
        for record_pk, pk in rows:
            held[record_pk].append(pk)
        chosen[field.name] = {record_pk: sorted(pks) for record_pk, pks in held.items()}
    return chosen


def _object_name(version, relations: Sequence[models.Field], related: Related) -> str:
    """The row's name as it was in `version`, its related rows taken from `related`; its kind
    and number when a row its name is made of is gone."""
    row = version.history_object
    for field in relations:
        if getattr(row, field.attname) is not None:
            target = related.get(field.related_model, {}).get(getattr(row, field.attname))
            field.set_cached_value(row, target)
    return name_of(row)


def name_of(row: models.Model) -> str:
    """`str(row)`, or its kind and number when a row its name is made of is gone (a room whose
    building was deleted)."""
    try:
        return str(row)
    except ObjectDoesNotExist:
        return f"{capfirst(row._meta.verbose_name)} #{row.pk}"


class HistoryAdmin(ShownLookupsMixin, LeanChangelistMixin, SimpleHistoryAdmin):
    """simple-history's admin, read-only: its history and its versions are shown, never
    reverted to.

    A revert saves an old version of the row through the admin's form: it would restore the
    fields the form leaves read-only, re-create a deleted row and pass round the services (a
    closed campaign or key dorm opened again, a deleted approved entry back), with the view
    permission alone. A change is made on the row itself, under its rules.

    Its version ids are numbers: `<id>/history/password/` (or any other word) is not a version,
    and so a 404 rather than a failed lookup; its changelist is lean (`LeanChangelistMixin`).
    Its history list shows each change as the reader reads the row (`show_versions`)."""

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

    def history_view_title(self, request, obj) -> str:
        """The title, the row named by `name_of` (its breadcrumb too: the `row_name` filter in
        templates/simple_history/object_history.html)."""
        return gettext("View history: %s") % name_of(obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name: str, object_id):
        # The related rows are read once for the page (`show_versions`), not joined to each
        # version.
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        versions = list(historical_records)
        older = None
        if isinstance(historical_records, Page) and historical_records.has_next():
            # The first version of the next page, to tell what the last of this one changed.
            end = historical_records.end_index()
            older = next(iter(historical_records.paginator.object_list[end : end + 1]), None)
        show_versions(versions, older)
