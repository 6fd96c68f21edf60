from django.apps import AppConfig


class CommonConfig(AppConfig):
    """Plumbing every app shares: the base form and its field template, spreadsheets read and
    written safely, the admin's import page. No models, no product rules, no portal app
    imported."""

    name = "common"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        from .admin_words import translate_admin_words

        # Pillow refuses to open an image over twice this many pixels (a decompression bomb);
        # `common.photos` refuses anything over it, from the header, before decoding.
        Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS
        # The admin's yes/no icons say 是/否, not "True"/"False", and celery-beat's "Task Name"
        # is translated (see common.admin_words).
        translate_admin_words()
