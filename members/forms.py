"""Account forms: allauth's, with the portal's labels (sign in by e-mail or student number)."""

from allauth.account import forms as allauth_forms
from django.utils.translation import gettext_lazy as _


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = _("E-mail or student number")
        field.widget.attrs["placeholder"] = _("E-mail or student number")
        field.widget.attrs["autocomplete"] = "username"


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.label = _("Student number")
        field.widget.attrs["placeholder"] = _("Student number")
        field.help_text = _("The number on your student card.")
