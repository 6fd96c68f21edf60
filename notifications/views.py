from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.views.decorators.http import require_GET, require_POST

from . import services
from .access import get_notice_for_user, notices_visible_to

PAGE_SIZE = 20


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notices = notices_visible_to(request.user)
    show = request.GET.get("show", "all")
    if show == "unread":
        notices = notices.unread()
    query = request.GET.get("q", "").strip()
    if query:
        notices = notices.matching(query, get_language())
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "show": show, "query": query},
    )


@require_POST
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a notice read, then follow its link (or, from htmx, redraw its row and the badges)."""
    notice = get_notice_for_user(request.user, pk)
    settled = services.mark_notice_read(actor=request.user, notice=notice)
    if request.htmx:
        context = {
            "notice": notice,
            "settled": notices_visible_to(request.user).filter(pk__in=settled),
        }
        return render(request, "notifications/_notice_marked_read.html", context)
    if notice.link and url_has_allowed_host_and_scheme(
        notice.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notice.link)
    return redirect("notifications:inbox")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_notices_read(actor=request.user)
    text = ngettext("%(count)d notice marked as read.", "%(count)d notices marked as read.", count)
    messages.success(request, text % {"count": count})
    return redirect("notifications:inbox")
