"""Remember an answer about a user for as long as the user object lives (one request).

A page asks "is he a reviewer?" from the view, the navigation and the template; the answer is
kept in one dictionary on the user object, keyed by the function that computed it, instead of
one private attribute per question. A user loaded afresh (the next request) asks again.
"""

import functools
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

CACHE_ATTRIBUTE = "_answers_for_this_request"


def cached_per_user(function: Callable[..., T]) -> Callable[..., T]:
    """Decorate `function(user)` so that it runs once per user object."""
    key = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def cached(user) -> T:
        answers = getattr(user, CACHE_ATTRIBUTE, None)
        if answers is None:
            answers = {}
            # setattr, not __dict__: request.user is a lazy proxy that passes it on.
            setattr(user, CACHE_ATTRIBUTE, answers)
        if key not in answers:
            answers[key] = function(user)
        return answers[key]

    return cached


def forget_cached_answers(user) -> None:
    """Drop what was remembered about `user` (after a change that alters the answers)."""
    if getattr(user, CACHE_ATTRIBUTE, None) is not None:
        setattr(user, CACHE_ATTRIBUTE, None)
