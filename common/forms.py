"""The base of the portal's page forms: Bootstrap's classes on every widget, and invalid fields
marked for the field template (`common/_field.html`)."""

from django import forms


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
