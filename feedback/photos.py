"""A suggestion's photos: at most three, each checked and re-encoded by `common.photos`."""

from common.photos import CleanPhoto, check_photo, clean_photo

MAX_PHOTOS = 3

__all__ = ["MAX_PHOTOS", "CleanPhoto", "check_photo", "clean_photo"]
