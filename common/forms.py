"""The base of the portal's page forms: Bootstrap's classes on every widget, and invalid fields
marked for the field template (`common/_field.html`); selects of hundreds of choices written
quickly."""

from html import escape

from django import forms
from django.utils.safestring import SafeData, mark_safe


class FigureListForm(forms.Form):
    """Which list of a page of lists (`?show=`, its choices declared by the subclass), the
    period a figure of a dashboard counted (`?start=&end=`) and a search (`?q=`). A value that
    does not fit is left out: the first list, no bound on the dates, no search."""

    show = forms.ChoiceField(choices=[], required=False)
    start = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    end = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    q = forms.CharField(required=False, max_length=100, strip=True)

    def values(self) -> dict:
        """The valid values, with the defaults for the rest."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "show": data.get("show") or self.fields["show"].choices[0][0],
            "start": data.get("start"),
            "end": data.get("end"),
            "q": data.get("q") or "",
        }


class BootstrapForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes, marked invalid once validated."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"


class LeanSelect(forms.Select):
    """A <select> whose options are written directly rather than through a template each: the
    HTML of Django's own, at a fraction of the cost for a field of hundreds of choices (the
    branches of a university: 400 options took 13 ms a page through the templates)."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{_text(group_name)}">')
            parts.extend(
                f'<option value="{escape(str(option["value"]))}"{_attributes(option["attrs"])}>'
                f"{_text(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped


class LeanSelectMultiple(LeanSelect, forms.SelectMultiple):
    """`LeanSelect` for a choice of several."""


def _text(value: object) -> str:
    """A label as Django's templates write it: escaped unless already safe."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def _attributes(attrs: dict) -> str:
    """Attributes as Django's `attrs.html` writes them, in their order: `True` as a bare
    name, `False` left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )
