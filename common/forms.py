"""The base of the portal's page forms: Bootstrap's classes on every widget, and invalid fields
marked for the field template (`common/_field.html`)."""

from django import forms
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe


class BootstrapForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes, marked invalid once validated; its
    drop-down lists are `Select`s (the same HTML, written faster)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                # The same widget, every attribute kept; only its rendering differs.
                field.widget.__class__ = Select
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


class Select(forms.Select):
    """Django's drop-down list, each option written directly rather than through a template of
    its own: the HTML of Django's templates (`django/forms/widgets/select.html` and
    `select_option.html`), without a template render per option, which made a list of hundreds
    of people or branches the slowest part of its page."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{_as_text(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{_shown(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


_CONTEXT = Context()


def _shown(value) -> str:
    """`{{ value }}`: localised and escaped."""
    return render_value_in_context(value, _CONTEXT)


def _as_text(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    text = str(value)
    return _shown(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs(attrs: dict) -> str:
    """`django/forms/widgets/attrs.html`."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_as_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
