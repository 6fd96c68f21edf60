from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Plumbing every app shares: the base form and its field template, spreadsheets read and
    written safely, the admin's import page. No models, no product rules, no portal app
    imported."""

    name = "common"
