from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Suggestion board")

    def ready(self) -> None:
        from PIL import Image

        # Pillow refuses to open an image over twice this many pixels (a decompression bomb);
        # `feedback.photos` refuses anything over it, from the header, before decoding.
        Image.MAX_IMAGE_PIXELS = settings.FEEDBACK_PHOTO_MAX_PIXELS
