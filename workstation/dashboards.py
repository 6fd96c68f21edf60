"""The branch view (secretaries and staff), the staff dashboard, "compute again" and the
semester report (a workbook and a printable page): panels from every registered source."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.exports import xlsx_response
from common.glance import Panel, Scope
from common.names import site_names
from members.models import Branch
from notifications.queue import enqueue_on_commit

from . import access, figures
from .periods import Period, PeriodForm
from .report import workbook
from .tasks import refresh_figures


def _period(request: HttpRequest) -> tuple[PeriodForm, Period]:
    """The period asked for; bad input is refused with a message and this semester shown."""
    form = PeriodForm(request.GET)
    if not form.is_valid():
        messages.error(
            request, _("The period was not understood, so this semester is shown: see below.")
        )
    return form, form.chosen()


def _page_of(branch: Branch | None) -> str:
    """The branch view or the dashboard a report belongs to."""
    if branch is None:
        return reverse("workstation:dashboard")
    return reverse("workstation:branch", args=[branch.pk])


def _charts(panels: list[Panel]) -> list[dict]:
    """The charts' data for the page's script (json_script; no inline script)."""
    return [
        {
            "id": f"chart-{panel.key}-{chart.key}",
            "kind": chart.kind,
            "label": chart.label,
            "labels": chart.labels,
            "values": chart.values,
            "urls": chart.urls,
        }
        for panel in panels
        for chart in panel.charts
    ]


def _scope_context(request: HttpRequest, branch: Branch | None) -> dict:
    form, period = _period(request)
    scope = Scope(branch.pk if branch else None, period.start, period.end)
    panels = figures.panels(scope)
    report_query = urlencode(({"branch": branch.pk} if branch else {}) | dict(request.GET.items()))
    return {
        "form": form,
        "period": period,
        "scope": scope,
        "branch": branch,
        "panels": panels,
        "charts": _charts(panels),
        "report_query": report_query,
        "may_refresh": access.can_refresh_figures(request.user),
    }


@require_GET
def branch_views(request: HttpRequest) -> HttpResponse:
    """The branches whose view the reader may open; a secretary of one goes straight to it."""
    if not access.may_list_branch_views(request.user):
        raise PermissionDenied
    branches = list(access.branch_views_visible_to(request.user).order_by("name"))
    if len(branches) == 1 and not access.can_view_dashboard(request.user):
        return redirect("workstation:branch", pk=branches[0].pk)
    return render(request, "workstation/branch_views.html", {"branches": branches})


@require_GET
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    branch = access.get_branch_view_for_user(request.user, pk)
    return render(request, "workstation/scope.html", _scope_context(request, branch))


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    if not access.can_view_dashboard(request.user):
        raise PermissionDenied
    return render(request, "workstation/scope.html", _scope_context(request, None))


def _branch_id(value: str) -> int:
    """A branch id from a query or form; 404 for anything that cannot be one."""
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise Http404
    return int(value)


def _report_branch(request: HttpRequest) -> Branch | None:
    """The branch of the report (`?branch=`), 404 if the reader may not see it; None for the
    college, which only staff may read."""
    value = request.GET.get("branch", "")
    branch = None
    if value:
        branch = access.get_branch_view_for_user(request.user, _branch_id(value))
    if not access.can_download_report(request.user, branch):
        raise PermissionDenied
    return branch


@require_GET
def report(request: HttpRequest) -> HttpResponse:
    """The semester report as a printable page (A4, one part per page)."""
    context = _scope_context(request, _report_branch(request))
    return render(request, "workstation/report.html", context | site_names())


@require_GET
def report_xlsx(request: HttpRequest) -> HttpResponse:
    """The semester report as a workbook: one sheet per part, figures and tables."""
    branch = _report_branch(request)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        # Back to the page, which says what was wrong; no workbook of another period.
        query = urlencode({k: v for k, v in request.GET.items() if k != "branch"})
        return redirect(f"{_page_of(branch)}?{query}")
    period = form.chosen()
    scope = Scope(branch.pk if branch else None, period.start, period.end)
    where = branch.name if branch else site_names()["college_name"]
    content = workbook(figures.panels(scope), title=f"{where} · {period.label}")
    return xlsx_response(content, "semester-report")


@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Staff have the heavy figures of a scope computed again, in the background."""
    if not access.can_refresh_figures(request.user):
        raise PermissionDenied
    form = PeriodForm(request.POST)
    branch_id = request.POST.get("branch", "")
    branch = (
        access.get_branch_view_for_user(request.user, _branch_id(branch_id)) if branch_id else None
    )
    back = _page_of(branch)
    if not form.is_valid():
        messages.error(request, _("The period was not understood; nothing was computed."))
        return redirect(back)
    period = form.chosen()
    enqueue_on_commit(
        refresh_figures,
        branch.pk if branch else None,
        period.start.isoformat(),
        period.end.isoformat(),
    )
    messages.success(
        request, _("The figures are being computed again; reload the page in a minute.")
    )
    query = urlencode({key: value for key, value in request.POST.items() if key in form.fields})
    return redirect(f"{back}?{query}")
