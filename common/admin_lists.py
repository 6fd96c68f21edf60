"""What every admin changelist shares: rows that render quickly at a hundred to a page, filters
that stay short however many choices there are, and filters in the address that ask only what
the list shows."""

from django.contrib import admin
from django.contrib.admin import helpers, widgets
from django.db.models.constants import LOOKUP_SEP
from django.utils.html import format_html
from django.utils.translation import gettext

# Django's own wording of a row's checkbox, translated by Django's catalogue (a name, not a
# literal, so that the portal's catalogue does not collect it).
ROW_CHECKBOX_LABEL = "Select this object for an action - {}"


class LeanChangelistMixin:
    """A ModelAdmin whose row checkboxes are written directly rather than through a form
    widget's template: the same HTML, at a fraction of the cost (the widget's templates were
    half of a changelist's rendering)."""

    def action_checkbox(self, obj) -> str:
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(gettext(ROW_CHECKBOX_LABEL), str(obj)),
        )


class ShownLookupsMixin:
    """A ModelAdmin whose list takes filters in its address (`?field=value`) only on what it
    shows or offers to filter by (a column of the list, one of its filters, its date
    hierarchy), and the lookups named in `address_lookups`, for the portal's own links into the
    list.

    Django's admin takes any filter on a field of the model or through one relation, shown or
    not, and answers with the rows that match: a list that hides a field still tells its value
    a character at a time (`?author_token__startswith=`), and the people list told who received
    a notice the notice list hides (`?notices=`). Every admin of the portal has this mixin (a
    test checks it)."""

    address_lookups: tuple[str, ...] = ()

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        if lookup in self.address_lookups or self._raw_id_lookup(lookup, value):
            return True
        if lookup.split(LOOKUP_SEP, 1)[0] not in self._shown_fields(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def _shown_fields(self, request) -> set[str]:
        """The fields the list shows or filters by (the first field of each path)."""
        shown = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                shown.add(getattr(item, "field_path", "") or item.parameter_name)
            elif isinstance(item, list | tuple):
                shown.add(item[0])
            else:
                shown.add(item)
        names = {field.name for field in self.model._meta.get_fields()}
        display = self.get_list_display(request) if request is not None else self.list_display
        shown.update(name for name in display if isinstance(name, str) and name in names)
        return {path.split(LOOKUP_SEP, 1)[0] for path in shown if path}

    def _raw_id_lookup(self, lookup: str, value) -> bool:
        """The filters of a raw-id popup, from a foreign key's `limit_choices_to`."""
        for fk_lookup in self.model._meta.related_fkey_lookups:
            choices = fk_lookup() if callable(fk_lookup) else fk_lookup
            if (lookup, value) in widgets.url_params_from_lookup_dict(choices).items():
                return True
        return False


class TextListFilter(admin.SimpleListFilter):
    """A list filter that is a search box rather than a list of links, for a field whose
    choices run to hundreds (the branches of a university): the rows whose `field_path`
    contains the text typed. Made for a field by `text_filter`."""

    template = "admin/text_filter.html"
    field_path = ""

    def lookups(self, request, model_admin) -> tuple:
        return ()

    def has_output(self) -> bool:
        return True

    def queryset(self, request, queryset):
        text = (self.value() or "").strip()
        if not text:
            return queryset
        return queryset.filter(**{f"{self.field_path}__icontains": text})

    def choices(self, changelist):
        # One "choice": the box, with the list's other parameters kept as hidden fields.
        yield {
            "parameter": self.parameter_name,
            "value": self.value() or "",
            "kept": [
                (name, value)
                for name, values in changelist.filter_params.items()
                if name != self.parameter_name
                for value in values
            ],
        }


def text_filter(field_path: str, title) -> type[TextListFilter]:
    """A `TextListFilter` on `field_path` (e.g. "person__branch__name"), named `title`."""
    return type(
        "TextListFilter",
        (TextListFilter,),
        {"field_path": field_path, "title": title, "parameter_name": field_path},
    )
