"""The evaluations' pages: my ballots and results, a ballot, a member's results (with the final
grade for those who record it), and for staff the campaigns' overview, export and publication."""

from collections import OrderedDict

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exports import xlsx_response

from . import access, services
from .export import export_results
from .forms import BallotForm, FinalGradeForm, SearchForm
from .models import (
    REASONS,
    Campaign,
    Evaluatee,
    Grade,
    Status,
    below_qualified,
    closing_between,
)
from .results import result_of
from .statistics import grade_counts, participation

PAGE_SIZE = 30


def _search_text(request: HttpRequest) -> tuple[SearchForm, str]:
    search = SearchForm(request.GET)
    return search, search.filters()["q"]


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The members I may evaluate in open campaigns, with why and whether I have; my published
    results; and the campaigns whose grades I record."""
    search, text = _search_text(request)
    eligibilities = (
        access.eligibilities_of(request.user)
        .select_related("campaign", "evaluatee__person")
        .order_by("campaign__closes_at", "campaign_id", "evaluatee__person__name", "evaluatee_id")
    )
    if text:
        eligibilities = eligibilities.filter(
            Q(evaluatee__person__name__icontains=text)
            | Q(evaluatee__person__student_number__icontains=text)
        )
    # One row per member to evaluate, with all the reasons.
    targets: OrderedDict[int, dict] = OrderedDict()
    for row in eligibilities:
        target = targets.setdefault(
            row.evaluatee_id,
            {"evaluatee": row.evaluatee, "campaign": row.campaign, "reasons": [], "voted": False},
        )
        target["reasons"].append(REASONS[row.relation])
    voted = services.voted_evaluatee_ids(evaluator=request.user, eligibilities=eligibilities)
    for pk, target in targets.items():
        target["voted"] = pk in voted
    page = Paginator(list(targets.values()), PAGE_SIZE).get_page(request.GET.get("page"))
    results = (
        access.own_results_of(request.user)
        .select_related("campaign")
        .order_by("-campaign__closes_at")
    )
    context = {
        "search": search,
        "page": page,
        "to_cast": sum(not target["voted"] for target in targets.values()),
        "results": results,
        "appraisals": access.appraisals_of(request.user),
        "is_staff": request.user.is_staff,
    }
    return render(request, "evaluations/mine.html", context)


@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, campaign: int, pk: int) -> HttpResponse:
    """A ballot on one member: a score per question and a comment, changeable until voting
    closes."""
    evaluatee = access.get_ballot_target_for_user(request.user, campaign, pk)
    campaign_row = evaluatee.campaign
    questions = list(campaign_row.questions.all())
    own = services.own_ballot(evaluator=request.user, evaluatee=evaluatee)
    initial = {}
    if own is not None:
        initial = {f"q{key}": value for key, value in own.scores.items()} | {"comment": own.comment}
    form = BallotForm(
        request.POST if request.method == "POST" else None, initial=initial, questions=questions
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.cast_ballot(
                actor=request.user,
                evaluatee=evaluatee,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your ballot on %(name)s is saved; you may change it until voting closes.")
                % {"name": evaluatee.person.display_name},
            )
            return redirect("evaluations:mine")
    context = {
        "evaluatee": evaluatee,
        "campaign": campaign_row,
        "form": form,
        "reasons": [REASONS[relation] for relation in evaluatee.relations],
        "has_voted": own is not None,
        "is_self": evaluatee.person_id == request.user.pk,
    }
    return render(request, "evaluations/ballot.html", context)


@require_GET
def result(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's results in a campaign: for him once published; for staff and his branch's
    secretary and committee once closed, with the final grade to record."""
    evaluatee = access.get_evaluatee_for_user(request.user, pk)
    may_appraise = access.may_appraise(request.user, evaluatee)
    form = None
    if may_appraise:
        form = FinalGradeForm(
            initial={
                "grade": evaluatee.final_grade or evaluatee.computed_grade,
                "reason": evaluatee.final_reason,
            }
        )
    context = {
        "result": result_of(evaluatee),
        "evaluatee": evaluatee,
        "campaign": evaluatee.campaign,
        "form": form,
        "is_own": evaluatee.person_id == request.user.pk,
    }
    return render(request, "evaluations/result.html", context)


@require_POST
def appraise(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a member's final grade."""
    evaluatee = access.get_evaluatee_for_user(request.user, pk, write=True)
    form = FinalGradeForm(request.POST)
    if form.is_valid():
        try:
            services.record_final_grade(
                actor=request.user,
                evaluatee=evaluatee,
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The final grade of %(name)s is recorded: %(grade)s.")
                % {
                    "name": evaluatee.person.display_name,
                    "grade": Grade(evaluatee.final_grade).label,
                },
            )
            return redirect(evaluatee)
    context = {
        "result": result_of(evaluatee),
        "evaluatee": evaluatee,
        "campaign": evaluatee.campaign,
        "form": form,
        "is_own": False,
    }
    return render(request, "evaluations/result.html", context)


@require_GET
def campaigns(request: HttpRequest) -> HttpResponse:
    """Staff: every campaign, newest first."""
    if not access.may_see_campaigns(request.user):
        raise PermissionDenied
    search = SearchForm(request.GET)
    filters = search.filters()
    rows = Campaign.objects.order_by("-opens_at", "-pk")
    if filters["q"]:
        rows = rows.filter(name__icontains=filters["q"])
    if filters["start"] or filters["end"]:
        rows = closing_between(rows, filters["start"], filters["end"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "search": search,
        "filters": filters,
        "page": page,
    }
    return render(request, "evaluations/campaigns.html", context)


def _members(rows: QuerySet[Evaluatee], text: str, below: bool = False) -> QuerySet[Evaluatee]:
    """A list of `access.evaluatees_visible_to`, searched by name or student number, and
    narrowed to the members below Qualified among those whose results the reader sees."""
    rows = rows.select_related("person", "branch")
    if below:
        rows = access.with_results_shown(rows).filter(below_qualified())
    if text:
        rows = rows.filter(
            Q(person__name__icontains=text) | Q(person__student_number__icontains=text)
        )
    return rows.order_by("branch__name", "person__name", "pk")


@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: a campaign's participation by branch and by kind of evaluator, its grades (a
    chart), the members below Qualified and every member's results."""
    campaign_row = access.get_campaign_for_user(request.user, pk)
    search = SearchForm(request.GET)
    filters = search.filters()
    by_branch, by_relation = participation(campaign_row)
    rows = access.evaluatees_visible_to(request.user, campaign_row)
    grades = grade_counts(access.with_results_shown(rows)) if campaign_row.has_results else []
    below = _members(rows, "", below=True) if campaign_row.has_results else rows.none()
    members = Paginator(_members(rows, filters["q"], below=filters["below"]), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    chart = {
        "labels": [str(label) for _grade, label, _count in grades],
        "series": [{"label": _("Members"), "data": [count for *_rest, count in grades]}],
    }
    context = {
        "campaign": campaign_row,
        "by_branch": by_branch,
        "by_relation": by_relation,
        "grades": grades,
        "chart": chart,
        "below": below,
        "search": search,
        "filters": filters,
        "page": members,
        "may_publish": campaign_row.status == Status.CLOSED,
    }
    return render(request, "evaluations/campaign.html", context)


@require_GET
def branch(request: HttpRequest, pk: int, branch: int) -> HttpResponse:
    """A branch's members in a closed campaign, with their grades, for its secretary and
    committee (and staff) to record the final grades."""
    campaign_row, branch_row = access.get_branch_appraisal_for_user(request.user, pk, branch)
    search = SearchForm(request.GET)
    filters = search.filters()
    rows = access.evaluatees_visible_to(request.user, campaign_row, branch_row)
    members = Paginator(_members(rows, filters["q"], below=filters["below"]), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "campaign": campaign_row,
        "branch": branch_row,
        "search": search,
        "filters": filters,
        "page": members,
        "min_ballots": services.campaigns.min_ballots(),
    }
    return render(request, "evaluations/branch.html", context)


@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: every member's results as an Excel workbook, without any evaluator."""
    campaign_row = access.get_campaign_for_user(request.user, pk)
    rows = access.evaluatees_visible_to(request.user, campaign_row)
    return xlsx_response(export_results(campaign_row, rows), f"evaluation-{campaign_row.pk}")


@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff publish a closed campaign's results to its members."""
    campaign_row = access.get_campaign_for_user(request.user, pk)
    try:
        told = services.publish_results(actor=request.user, campaign=campaign_row)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The results are published; %(count)d members were told.") % {"count": told}
        )
    return redirect(campaign_row)
