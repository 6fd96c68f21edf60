"""Peer tutoring's pages: asking for a tutor and my requests, a request with its suggested
tutors, a pairing with its history, sessions and steps, the check-in survey, the tutor's page
and his offer, the staff overview with the handover and the Excel exports, and a branch's
lists behind its view's figures."""

import datetime
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exports import xlsx_response

from . import access, services, workflow
from . import statistics as stats
from .export import EXPORTS
from .forms import (
    BranchListForm,
    CheckInForm,
    EndForm,
    HandOverAllForm,
    HandOverForm,
    OfferForm,
    ProposeForm,
    RatingForm,
    ReasonForm,
    RequestForm,
    SearchForm,
    SessionForm,
)
from .glance import active_pairings, confirmed_sessions, waiting_requests
from .matching import rank_tutors
from .models import (
    OPEN_REQUEST_STATUSES,
    CheckIn,
    Offer,
    Pairing,
    Request,
    RequestStatus,
    Session,
    Status,
    Step,
)
from .ratings import average_for

PAGE_SIZE = 20
A = Step.Action


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _take_step(request: HttpRequest, target, step: Callable[[], str]) -> HttpResponse:
    """Take `step`, show what it returns (or why it was refused) and go to `target`."""
    try:
        done = step()
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, done)
    return redirect(target)


def _valid(form, refusal: str) -> dict:
    if not form.is_valid():
        raise ValidationError(refusal)
    return form.cleaned_data


# --- asking ---------------------------------------------------------------------------------------


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My tutoring requests, with their pairings, and the check-ins waiting for my answer."""
    requests = (
        Request.objects.filter(tutee=request.user)
        .prefetch_related(
            Prefetch(
                "pairings",
                queryset=Pairing.objects.select_related("tutor").order_by("-created_at", "-pk"),
            )
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    check_ins = list(
        CheckIn.objects.filter(pairing__tutee=request.user, answered_at__isnull=True)
        .select_related("pairing__tutor")
        .order_by("created_at")
    )
    context = {
        "page": page,
        "check_ins": check_ins,
        "may_request": access.can_request(request.user),
    }
    return render(request, "tutoring/mine.html", context)


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    if not access.can_request(request.user):
        raise PermissionDenied
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            asked = services.submit_request(
                actor=request.user,
                topic=data["topic"],
                course=data["course"],
                times=data["times"],
                description=data["description"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Your request is sent: staff will propose a tutor."))
            return redirect(asked)
    return render(request, "tutoring/request_form.html", {"form": form})


@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A request: what is asked, its pairings, and for its student and staff the suggested
    tutors with the reasons, to propose one while it waits."""
    asked = access.get_request_for_user(request.user, pk)
    pairings = list(
        access.pairings_visible_to(request.user)
        .filter(request=asked)
        .select_related("tutor")
        .order_by("-created_at", "-pk")
    )
    may_propose = access.can_propose(request.user, asked) and asked.status == RequestStatus.OPEN
    context = {
        "asked": asked,
        "pairings": pairings,
        "may_propose": may_propose,
        "candidates": rank_tutors(asked)[:10] if may_propose else [],
        "may_withdraw": access.can_withdraw(request.user, asked)
        and asked.status in OPEN_REQUEST_STATUSES,
        "is_staff": access.may_see_overview(request.user),
    }
    return render(request, "tutoring/request_detail.html", context)


@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    asked = access.get_request_for_user(request.user, pk)
    if not access.can_withdraw(request.user, asked):
        raise PermissionDenied

    def step() -> str:
        services.withdraw_request(actor=request.user, request=asked)
        return _("Your request is withdrawn.")

    return _take_step(request, asked, step)


@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff, or the student from the suggestions, propose a tutor."""
    asked = access.get_request_for_user(request.user, pk, write=True)

    def step() -> str:
        chosen = _valid(ProposeForm(request.POST), _("Choose a tutor from the suggestions."))
        tutor = get_user_model().objects.filter(pk=chosen["tutor"]).first()
        if tutor is None:
            raise ValidationError(_("Choose a tutor from the suggestions."))
        # The service refuses anyone who is not among the suggested tutors.
        services.propose_tutor(actor=request.user, request=asked, tutor=tutor)
        return _("%(name)s is proposed and asked to accept.") % {"name": tutor.display_name}

    return _take_step(request, asked, step)


# --- a pairing ----------------------------------------------------------------------------------


def _session_rows(user, pairing: Pairing) -> list[dict]:
    sessions = pairing.sessions.select_related("logged_by", "tutor", "rating").order_by(
        "-date", "-pk"
    )
    reads_ratings = access.may_read_ratings(user)
    rows = []
    for session in sessions:
        rating = getattr(session, "rating", None)
        rows.append(
            {
                "session": session,
                "may_confirm": not session.is_confirmed
                and access.can_confirm_session(user, session),
                "may_rate": session.is_confirmed
                and rating is None
                and access.can_rate_session(user, session),
                # The tutee sees his own rating; staff see all; the tutor never sees one, nor
                # which sessions were rated: with his average's change, a rating's session
                # would tell him its score and who gave it.
                "rating": rating
                if rating is not None and (reads_ratings or access.is_tutee(user, pairing))
                else None,
            }
        )
    return rows


@require_GET
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_pairing(request, access.get_pairing_for_user(request.user, pk))


def _render_pairing(
    request: HttpRequest, pairing: Pairing, *, session_form: SessionForm | None = None
) -> HttpResponse:
    """The pairing's page; with a bound `session_form` when a session was refused, so that
    what was typed is shown again with the reasons (status 200, nothing saved)."""
    user = request.user
    actions = workflow.allowed_actions(user, pairing)
    context = {
        "pairing": pairing,
        "steps": list(pairing.steps.select_related("actor")),
        "rows": _session_rows(user, pairing),
        "actions": actions,
        "is_tutee": access.is_tutee(user, pairing),
        "is_tutor": access.is_tutor(user, pairing),
        "session_form": (session_form or SessionForm())
        if workflow.LOG_SESSION in actions
        else None,
        "decline_form": ReasonForm(prefix="decline") if A.DECLINE in actions else None,
        "end_form": EndForm(prefix="end") if A.END in actions else None,
        "rating_form": RatingForm(),
        "average": average_for(user, pairing.tutor),
        # The two sides reach each other once the tutor has accepted.
        "show_contact": pairing.accepted_at is not None,
    }
    if A.HAND_OVER in actions:
        context["hand_over_form"] = HandOverForm(
            prefix="handover", tutors=services.tutors_to_hand_to()
        )
    return render(request, "tutoring/pairing_detail.html", context)


PAIRING_STEPS = {A.ACCEPT, A.DECLINE, A.PAUSE, A.RESUME, A.END, A.HAND_OVER}


@require_POST
def pairing_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A step of the workflow: accept, decline, pause, resume, end or hand over."""
    if action not in PAIRING_STEPS:
        raise Http404
    pairing = access.get_pairing_for_user(request.user, pk)
    if not workflow.WHO[action](request.user, pairing):
        raise PermissionDenied
    return _take_step(request, pairing, lambda: _pairing_step(request, pairing, action))


def _pairing_step(request: HttpRequest, pairing: Pairing, action: str) -> str:
    actor, data = request.user, request.POST
    if action == A.ACCEPT:
        services.accept_pairing(actor=actor, pairing=pairing)
        return _("You have accepted: the student is told.")
    if action == A.DECLINE:
        reason = _valid(
            ReasonForm(data, prefix="decline"),
            pgettext("tutoring", "Give the reason for declining."),
        )
        services.decline_pairing(actor=actor, pairing=pairing, reason=reason["reason"])
        return _("You have declined; staff will propose another tutor.")
    if action == A.PAUSE:
        services.pause_pairing(actor=actor, pairing=pairing)
        return _("The pairing is paused.")
    if action == A.RESUME:
        services.resume_pairing(actor=actor, pairing=pairing)
        return _("The pairing goes on.")
    if action == A.END:
        ending = _valid(EndForm(data, prefix="end"), _("Choose the reason for ending."))
        services.end_pairing(
            actor=actor, pairing=pairing, reason=ending["reason"], note=ending["note"]
        )
        return _("The pairing has ended.")
    form = HandOverForm(data, prefix="handover", tutors=services.tutors_to_hand_to())
    handing = _valid(form, _("Choose the new tutor from the list."))
    services.hand_over_pairing(
        actor=actor, pairing=pairing, new_tutor=handing["new_tutor"], note=handing["note"]
    )
    return _("The pairing is handed over; the student and both tutors are told.")


@require_POST
def session_log(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = access.get_pairing_for_user(request.user, pk)
    if not access.can_log_session(request.user, pairing):
        raise PermissionDenied

    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.log_session(actor=request.user, pairing=pairing, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, _error_text(error))
                return redirect(pairing)
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, _("The session is logged; the other side is asked to confirm it.")
            )
            return redirect(pairing)
    return _render_pairing(request, pairing, session_form=form)


@require_POST
def session_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for_user(request.user, pk)
    if not access.can_confirm_session(request.user, session):
        raise PermissionDenied

    def step() -> str:
        services.confirm_session(actor=request.user, session=session)
        return _("The session is confirmed.")

    return _take_step(request, session.pairing, step)


@require_POST
def session_rate(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for_user(request.user, pk)
    if not access.can_rate_session(request.user, session):
        raise PermissionDenied

    def step() -> str:
        rating = _valid(RatingForm(request.POST), _("Give a rating from 1 to 5."))
        services.rate_session(actor=request.user, session=session, **rating)
        return _("Thank you for rating the session.")

    return _take_step(request, session.pairing, step)


@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The tutee's check-in survey about his pairing (staff may read the answers)."""
    survey = access.get_check_in_for_user(request.user, pk)
    may_answer = access.can_answer_check_in(request.user, survey) and not survey.is_answered
    if request.method == "POST" and not access.can_answer_check_in(request.user, survey):
        raise PermissionDenied
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.answer_check_in(
                actor=request.user,
                check_in=survey,
                helpful=data["helpful"],
                in_touch=data["in_touch"] == "yes",
                go_on=data["go_on"] == "yes",
                comment=data["comment"],
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Thank you for your answers."))
        return redirect("tutoring:mine")
    context = {"survey": survey, "form": form, "may_answer": may_answer}
    return render(request, "tutoring/check_in.html", context)


# --- the tutor ------------------------------------------------------------------------------------


@require_GET
def tutor(request: HttpRequest) -> HttpResponse:
    """The tutor's page: proposals to answer, his tutees with their next steps, the sessions
    waiting for his confirmation, his offer and his average rating (over enough ratings)."""
    user = request.user
    if not access.may_see_tutor_page(user):
        raise PermissionDenied
    last_session = Session.objects.filter(pairing=OuterRef("pk")).order_by("-date", "-pk")
    pairings = list(
        Pairing.objects.filter(
            tutor=user, status__in=[Status.PROPOSED, Status.ACTIVE, Status.PAUSED]
        )
        .select_related("tutee", "request")
        .annotate(
            next_step=Subquery(last_session.exclude(next_step="").values("next_step")[:1]),
            last_date=Subquery(last_session.values("date")[:1]),
        )
        .order_by("status", "tutee__name", "pk")
    )
    to_confirm = list(
        Session.objects.filter(pairing__tutor=user, confirmed_at__isnull=True)
        .exclude(logged_by=user)
        .select_related("pairing__tutee")
        .order_by("date", "pk")
    )
    context = {
        "proposals": [p for p in pairings if p.status == Status.PROPOSED],
        "tutees": [p for p in pairings if p.status != Status.PROPOSED],
        "to_confirm": to_confirm,
        "offer": Offer.objects.filter(tutor=user).prefetch_related("courses").first(),
        "average": average_for(user, user),
        "may_offer": access.can_offer(user),
    }
    return render(request, "tutoring/tutor.html", context)


def _offer_initial(offer: Offer | None) -> dict:
    if offer is None:
        return {}
    # As the field's help asks them typed, with the reader's comma (full-width in Chinese).
    typed = pgettext("course and grade typed", "%(course)s, %(grade)s")
    courses = "\n".join(
        typed % {"course": c.course, "grade": c.grade_got} if c.grade_got else c.course
        for c in offer.courses.all()
    )
    return {
        "topics": offer.topics,
        "courses": courses,
        "capacity": offer.capacity,
        "times": offer.times,
        "note": offer.note,
        "paused": offer.paused,
    }


@require_http_methods(["GET", "POST"])
def offer(request: HttpRequest) -> HttpResponse:
    if not access.can_offer(request.user):
        raise PermissionDenied
    current = Offer.objects.filter(tutor=request.user).prefetch_related("courses").first()
    form = OfferForm(request.POST or None, initial=_offer_initial(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_offer(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Your offer is saved."))
            return redirect("tutoring:tutor")
    return render(request, "tutoring/offer_form.html", {"form": form, "offer": current})


# --- staff ----------------------------------------------------------------------------------------


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Staff: open requests and how long they wait, active pairings, sessions per month, the
    average rating and a chart."""
    if not access.may_see_overview(request.user):
        raise PermissionDenied
    search = SearchForm(request.GET)
    text = search.cleaned_data["q"] if search.is_valid() else ""
    # `?branch=`: the figures of a branch view (its members as students and as tutors).
    branch = request.GET.get("branch", "")
    branch_id = int(branch) if branch.isdigit() else None
    waiting = (
        waiting_requests(branch_id)
        .search(text)
        .select_related("tutee")
        .order_by("waiting_since", "pk")
    )
    requests_page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    active = (
        active_pairings(branch_id)
        .select_related("tutee", "tutor", "request")
        .order_by("quiet_since", "pk")
    )
    pairings_page = Paginator(active, PAGE_SIZE).get_page(request.GET.get("pairings"))
    report = stats.compute()
    now = timezone.now()
    chart = {
        "labels": [row["month"].strftime("%Y-%m") for row in report["per_month"]],
        "series": [
            {"label": _("Confirmed sessions"), "data": [r["count"] for r in report["per_month"]]},
            {"label": _("Hours"), "data": [r["hours"] for r in report["per_month"]]},
        ],
    }
    context = {
        "search": search,
        "requests_page": requests_page,
        "waiting_days": [(r, (now - r.waiting_since).days) for r in requests_page],
        "pairings_page": pairings_page,
        "report": report,
        "chart": chart,
        "today": timezone.localdate(),
    }
    return render(request, "tutoring/overview.html", context)


def _branch_rows(show: str, branch_id: int, start, end):
    """The rows behind the figure `show` of the branch's view, in the order they are listed."""
    if show == "active":
        return (
            active_pairings(branch_id)
            .select_related("tutor", "request")
            .order_by("quiet_since", "pk")
        )
    if show == "sessions":
        return (
            confirmed_sessions(branch_id, start or datetime.date.min, end or datetime.date.max)
            .select_related("tutor", "pairing__request")
            .order_by("-date", "-pk")
        )
    return waiting_requests(branch_id).select_related("tutee").order_by("waiting_since", "pk")


@require_GET
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    """A branch's members' tutoring, read-only, for its secretary and staff: the requests
    waiting, the pairings going on and the sessions confirmed in a period (`?show=`), as its
    view counts them. No rating, no request's description, no session's notes."""
    branch_row = access.get_branch_lists_for_user(request.user, pk)
    form = BranchListForm(request.GET)
    values = form.values()
    rows = _branch_rows(values["show"], branch_row.pk, values["start"], values["end"])
    if values["q"]:
        person = "tutee" if values["show"] == "waiting" else "tutor"
        rows = rows.filter(
            Q(**{f"{person}__name__icontains": values["q"]})
            | Q(**{f"{person}__student_number__icontains": values["q"]})
        )
    context = {
        "branch": branch_row,
        "show": values["show"],
        "lists": form.fields["show"].choices,
        "start": values["start"],
        "end": values["end"],
        "q": values["q"],
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
    }
    return render(request, "tutoring/branch.html", context)


@require_http_methods(["GET", "POST"])
def hand_over_all(request: HttpRequest) -> HttpResponse:
    """Staff: a tutor graduates or leaves; all his pairings go to a new tutor."""
    if not access.can_hand_over(request.user, None):
        raise PermissionDenied
    tutors = services.tutors_to_hand_to()
    leaving = Pairing.objects.filter(status__in=[Status.ACTIVE, Status.PAUSED]).values("tutor")
    form = HandOverAllForm(
        request.POST or None,
        tutors=tutors,
        leaving=get_user_model().objects.filter(pk__in=leaving).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            count = services.hand_over_tutees(
                actor=request.user,
                tutor=data["tutor"],
                new_tutor=data["new_tutor"],
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d pairing handed over to %(name)s.",
                    "%(count)d pairings handed over to %(name)s.",
                    count,
                )
                % {"count": count, "name": data["new_tutor"].display_name},
            )
            return redirect("tutoring:overview")
    return render(request, "tutoring/hand_over.html", {"form": form})


@require_GET
def export(request: HttpRequest, table: str) -> HttpResponse:
    if table not in EXPORTS:
        raise Http404
    if not access.may_export(request.user):
        raise PermissionDenied
    return xlsx_response(EXPORTS[table](), f"tutoring-{table}")
