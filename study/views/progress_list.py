"""The participants behind a study figure of the branch view or the staff dashboard, with their
progress: the same selection as the figure (`study.glance`), so its count equals the figure."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from members.access import branches_visible_to, people_visible_to, secretary_of

from ..access import track as access
from ..forms.track import ProgressListForm
from ..glance import BANDS, band_label, matches, visible_progress

PAGE_SIZE = 25


@require_GET
def progress_list(request: HttpRequest) -> HttpResponse:
    """Participants (his people for a reviewer, everyone for staff) by period, branch, stage,
    progress band, behind schedule or ready to sign off."""
    if not access.may_review(request.user):
        raise PermissionDenied
    branches = branches_visible_to(request.user).filter(
        secretary_of(request.user) | Q(pk__in=people_visible_to(request.user).values("branch_id"))
    )
    form = ProgressListForm(
        request.GET,
        branches=branches.order_by("name"),
        bands=[(key, band_label(key)) for key, _low, _high in BANDS],
    )
    rows: list = []
    if form.is_valid():
        data = form.cleaned_data
        today = timezone.localdate()
        start, end = data["start"] or today, data["end"] or data["start"] or today
        branch = data["branch"]
        rows = [
            item
            for item in visible_progress(request.user, branch.pk if branch else None, start, end)
            if matches(
                item,
                stage=data["stage"],
                band=data["band"],
                behind=data["behind"],
                ready=data["ready"],
            )
        ]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "study/progress_list.html", {"form": form, "page": page})
