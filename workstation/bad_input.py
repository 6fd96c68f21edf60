"""Input that no page can use, refused once for every page before any view reads it."""

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


class RefuseNulBytesMiddleware:
    """A NUL byte in a query or form field is answered 400 with a message, and changes nothing.

    PostgreSQL cannot store or compare a text with a NUL byte in it, so a search box or form
    field that passes one on to a query would fail with a server error. Uploaded files are not
    fields and are not looked at.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return render(
                request,
                "400.html",
                {
                    "reason": _(
                        "The request contains a character that is not allowed (a NUL byte). "
                        "Remove it and try again."
                    )
                },
                status=HTTPStatus.BAD_REQUEST,
            )
        return self.get_response(request)
