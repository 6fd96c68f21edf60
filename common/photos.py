"""Uploaded photos, for every app that takes them: checked to be real JPEG, PNG or WebP images
from their size and header (nothing decoded), then re-encoded without their metadata (EXIF, GPS
location, comments), so that nothing but the pixels is kept."""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 5 * 1024 * 1024
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass
class CleanPhoto:
    content: ContentFile
    content_type: str
    width: int
    height: int


def check_photo(upload) -> str:
    """The upload's image format, from its size and header only: nothing is decoded.

    Refuses, with a ValidationError saying why, a file over the size limit, one that is not a
    JPEG, PNG or WebP image, and one with more pixels than `PHOTO_MAX_PIXELS` (a small
    file can hold a gigantic image: decoding it would take the server's memory).
    """
    name = getattr(upload, "name", "") or ""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(size)s."),
            code="too_big",
            params={"name": name, "size": filesizeformat(MAX_PHOTO_BYTES)},
        )
    not_an_image = ValidationError(
        _("“%(name)s” is not a JPEG, PNG or WebP image."),
        code="not_an_image",
        params={"name": name},
    )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Over the limit, Pillow warns; such an image is refused just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(FORMATS)) as probe:
                image_format, width, height = probe.format, probe.width, probe.height
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise not_an_image from None
    except Image.DecompressionBombError:
        width = height = 0  # over twice Pillow's limit; refused just below, with the size
        image_format = ""
    finally:
        upload.seek(0)
    limit = settings.PHOTO_MAX_PIXELS
    if not width or width * height > limit:
        raise ValidationError(
            _(
                "“%(name)s” has too many pixels; a photo may have at most %(limit)s million. "
                "Send a smaller copy of it."
            ),
            code="too_many_pixels",
            params={"name": name, "limit": f"{limit / 1_000_000:g}"},
        )
    return image_format


def clean_photo(upload) -> CleanPhoto:
    """The upload as a clean image, or a ValidationError saying what is wrong with it.

    The checks of `check_photo` come first; the image is then decoded once.
    """
    image_format = check_photo(upload)
    name = getattr(upload, "name", "") or ""
    not_an_image = ValidationError(
        _("“%(name)s” is not a JPEG, PNG or WebP image."),
        code="not_an_image",
        params={"name": name},
    )
    try:
        with Image.open(upload, formats=[image_format]) as image:
            image.load()
            # Turn the pixels the way the camera meant before the orientation tag goes.
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA" if image_format != "JPEG" else "RGB")
            elif image_format == "JPEG" and image.mode != "RGB":
                image = image.convert("RGB")
            # The pixels only: with its info emptied, no EXIF, XMP, ICC, comment or text chunk
            # of the upload is written again (the encoders are given none either).
            image.info = {}
            output = io.BytesIO()
            if image_format == "JPEG":
                image.save(output, "JPEG", quality=85, optimize=True)
            elif image_format == "PNG":
                image.save(output, "PNG", optimize=True)
            else:
                image.save(output, "WEBP", quality=85)
            width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise not_an_image from None
    return CleanPhoto(
        content=ContentFile(output.getvalue()),
        content_type=FORMATS[image_format],
        width=width,
        height=height,
    )
