"""The portal's and the college's names, in the language of the page or e-mail."""

from collections.abc import Iterable

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import get_language, pgettext


def site_names(language: str | None = None) -> dict[str, str]:
    """`site_name` and `college_name` in `language` (the active language by default): the
    English names on English pages and e-mails, the Chinese ones otherwise."""
    language = language or get_language() or settings.LANGUAGE_CODE
    if language.startswith("en"):
        return {"site_name": settings.SITE_NAME_EN, "college_name": settings.COLLEGE_NAME_EN}
    return {"site_name": settings.SITE_NAME, "college_name": settings.COLLEGE_NAME}


def in_reader_language(chinese: str, english: str) -> str:
    """A name or text staff keep in both languages, as the reader reads the portal: the English
    one on English pages when it is given, the Chinese one otherwise."""
    if english and (get_language() or "").startswith("en"):
        return english
    return chinese


def join_names(names: Iterable[object]) -> str:
    """Names (or labels) as a list in the reader's language: 张三、李四 in Chinese, "Zhang San,
    Li Si" in English."""
    return pgettext("list separator", ", ").join(str(name) for name in names)


def join_clauses(clauses: Iterable[object]) -> str:
    """Phrases that may hold lists of their own, one after the other: a full-width semicolon in
    Chinese, "; " in English."""
    return pgettext("clause separator", "; ").join(str(clause) for clause in clauses)


# For values fixed at start-up but read in each request's language (the admin's titles).
site_name_lazy = lazy(lambda: site_names()["site_name"], str)
college_name_lazy = lazy(lambda: site_names()["college_name"], str)
