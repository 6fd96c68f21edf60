"""What the benchmark's server adds to the portal: the floor view and a query count."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

QUERY_COUNT_HEADER = "X-Bench-Queries"


@login_not_required
def floor(request: HttpRequest) -> HttpResponse:
    """One query and a tiny answer: the best any page served by the same server could do."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


def layout(request: HttpRequest) -> HttpResponse:
    """The portal's layout and nothing in it, for the person signed in: the session, the user,
    the navigation and the base template. No page of the portal can be faster than this, so its
    ratio to the floor is the most any page can reach."""
    return render(request, "base.html")


class QueryCountMiddleware:
    """Reports the number of SQL statements a request ran in a response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response[QUERY_COUNT_HEADER] = str(count)
        return response
