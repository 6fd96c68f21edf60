"""The base of the portal's page forms: Bootstrap's classes on every widget, and invalid fields
marked for the field template (`common/_field.html`)."""

from django import forms


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
