"""Cleaning and checking of the values a person's profile holds, wherever they are typed in."""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
FIRST_GRADE = 1950


def normalize_phone(raw: str) -> str:
    """A mainland mobile number as 11 digits: spaces, dashes and a +86/0086 prefix dropped."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def validate_mobile(value: str) -> None:
    if value and not MOBILE_RE.match(value):
        raise ValidationError(
            _("Enter a mainland mobile number: 11 digits starting with 1, e.g. 13812345678."),
            code="invalid_phone",
        )


def validate_grade(value: int | None) -> None:
    if value is None:
        return
    if not FIRST_GRADE <= value <= timezone.localdate().year + 1:
        raise ValidationError(
            _("The grade must be an entry year between %(first)s and %(last)s."),
            code="invalid_grade",
            params={"first": FIRST_GRADE, "last": timezone.localdate().year + 1},
        )
