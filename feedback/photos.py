"""Uploaded photos: checked to be real JPEG, PNG or WebP images, then re-encoded without their
metadata (EXIF, GPS location, comments), so that nothing but the pixels is kept."""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Decompression bombs: a small file that opens as a gigantic image.
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass
class CleanPhoto:
    content: ContentFile
    content_type: str
    width: int
    height: int


def clean_photo(upload) -> CleanPhoto:
    """The upload as a clean image, or a ValidationError saying what is wrong with it."""
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
        with Image.open(upload) as probe:
            image_format = probe.format
            if image_format not in FORMATS:
                raise not_an_image
            if probe.width * probe.height > MAX_PIXELS:
                raise not_an_image
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            # Turn the pixels the way the camera meant before the orientation tag goes.
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA" if image_format != "JPEG" else "RGB")
            # A copy of the pixels only: no EXIF, XMP, ICC or text chunks come along.
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            output = io.BytesIO()
            if image_format == "JPEG":
                clean.convert("RGB").save(output, "JPEG", quality=85, optimize=True)
            elif image_format == "PNG":
                clean.save(output, "PNG", optimize=True)
            else:
                clean.save(output, "WEBP", quality=85)
            width, height = image.size
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise not_an_image from None
    return CleanPhoto(
        content=ContentFile(output.getvalue()),
        content_type=FORMATS[image_format],
        width=width,
        height=height,
    )
