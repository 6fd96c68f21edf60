"""The study track's pages: my study, the log and its entries, the reviewer queue, a person's
progress with the sign-off, the staff overview with its exports, and a plan's participants."""

from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exports import xlsx_response
from common.pagination import BranchFirst
from members.access import is_staff
from members.choices import workstation_grades

from .. import overview as overview_figures
from ..access import track as access
from ..access.activities import activities_visible_to
from ..exports import entries_dataset, progress_dataset
from ..forms.track import (
    BulkApproveForm,
    EnrolForm,
    EntryForm,
    LogFilterForm,
    OverviewForm,
    PersonSearchForm,
    QueueFilterForm,
    ReviewForm,
    SignOffForm,
)
from ..models import Enrollment, Stage, StudyEntry, StudyPlan
from ..progress import progress_of, reflection_minimums
from ..services import track as services

PAGE_SIZE = 20
RECENT_ENTRIES = 20


MAX_UNDER_WAY_SHOWN = 5


def _progress_of_person(person) -> list:
    enrollments = Enrollment.objects.filter(person=person).select_related("plan", "person")
    return progress_of(enrollments.order_by("-plan__starts_on", "-pk"))


# --- my study ---------------------------------------------------------------------------------


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My current plan and stage, progress, upcoming activities and my log."""
    user = request.user
    plans = _progress_of_person(user)
    now = timezone.now()
    # One query: the activities under way and the next ones (a few may run at once).
    coming = list(activities_visible_to(user).upcoming(now)[: 5 + MAX_UNDER_WAY_SHOWN])
    log_form = LogFilterForm(request.GET)
    entries = StudyEntry.objects.filter(person=user).select_related("activity")
    if log_form.is_valid() and log_form.cleaned_data["status"]:
        entries = entries.filter(status=log_form.cleaned_data["status"])
    page = Paginator(entries.order_by("-date", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "plans": plans,
        "current": plans[0] if plans else None,
        "may_log": access.can_log_study(user),
        "under_way": [activity for activity in coming if activity.is_under_way(now)],
        "upcoming": [activity for activity in coming if not activity.is_under_way(now)][:5],
        "log_form": log_form,
        "page": page,
    }
    return render(request, "study/mine.html", context)


# --- the study log ----------------------------------------------------------------------------


def _current_stage(user) -> int:
    enrollment = (
        Enrollment.objects.filter(person=user, completed_at__isnull=True)
        .order_by("-plan__starts_on")
        .first()
    )
    return enrollment.stage if enrollment else Stage.THEORY


def _entry_fields(form: EntryForm) -> dict:
    data = form.cleaned_data
    return {
        "date": data["date"],
        "stage": data["stage"],
        "kind": data["kind"],
        "hours": data["hours"],
        "material": data["material"],
        "notes": data["notes"],
    }


def _saved_message(request: HttpRequest, entry: StudyEntry) -> None:
    if entry.status == StudyEntry.Status.SUBMITTED:
        messages.success(request, _("Your entry is submitted to your reviewer."))
    else:
        messages.success(request, _("Your draft is saved."))


@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    if not access.can_log_study(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            entry = services.create_entry(
                actor=request.user,
                submit=request.POST.get("action") == "submit",
                **_entry_fields(form),
            )
            _saved_message(request, entry)
            return redirect(entry)
    else:
        initial = EntryForm.initial_for(_current_stage(request.user))
        form = EntryForm(initial=initial | EntryForm.initial_from_link(request.GET))
    return _render_entry_form(request, form, None)


def _render_entry_form(
    request: HttpRequest, form: EntryForm, entry: StudyEntry | None
) -> HttpResponse:
    """The form, with the length a reflection must reach in each stage of the person's plans."""
    minimums = [
        (stage, Stage(stage).label, minimum)
        for stage, minimum in reflection_minimums(request.user).items()
    ]
    context = {
        "form": form,
        "entry": entry,
        "minimums": minimums,
        "reflection_kind": StudyEntry.Kind.REFLECTION,
    }
    return render(request, "study/entry_form.html", context)


@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.get_entry_for_user(request.user, pk, write=True)
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            try:
                entry = services.update_entry(
                    actor=request.user,
                    entry=entry,
                    submit=request.POST.get("action") == "submit",
                    **_entry_fields(form),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _saved_message(request, entry)
                return redirect(entry)
    else:
        form = EntryForm(
            initial={
                "date": entry.date,
                "stage": entry.stage,
                "kind": entry.kind,
                "hours": entry.hours,
                "material": entry.material,
                "notes": entry.notes,
            }
        )
    return _render_entry_form(request, form, entry)


def _entry_context(request: HttpRequest, entry: StudyEntry) -> dict:
    history = list(
        entry.history.select_related("history_user").order_by("history_date", "history_id")
    )
    steps = []
    previous = None
    for record in history:
        if record.status != previous:
            steps.append(record)
            previous = record.status
    return {
        "entry": entry,
        "steps": steps,
        "mine": entry.person_id == request.user.pk,
        "editable": access.can_change_entry(request.user, entry),
        "may_review": entry.status == StudyEntry.Status.SUBMITTED
        and access.can_review_entry(request.user, entry),
    }


@require_GET
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.get_entry_for_user(request.user, pk)
    context = _entry_context(request, entry) | {"review_form": ReviewForm()}
    return render(request, "study/entry_detail.html", context)


@require_POST
def entry_submit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.get_entry_for_user(request.user, pk, write=True)
    try:
        services.submit_entry(actor=request.user, entry=entry)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your entry is submitted to your reviewer."))
    return redirect(entry)


@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.get_entry_for_user(request.user, pk, write=True)
    services.delete_entry(actor=request.user, entry=entry)
    messages.success(request, _("The entry is deleted."))
    return redirect("study:mine")


# --- review -----------------------------------------------------------------------------------


def _back(request: HttpRequest, default: str) -> str:
    """The page the reviewer came from: a path on this site, else `default`.

    Only a path will do: `redirect()` would take any other word for a URL name to reverse.
    """
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Approve or return one entry: in place for htmx, else back to where the reviewer was."""
    entry = access.get_entry_for_review(request.user, pk)
    form = ReviewForm(request.POST)
    error = ""
    if form.is_valid():
        comment = form.cleaned_data["comment"]
        try:
            if decision == "approve":
                entry = services.approve_entry(actor=request.user, entry=entry, comment=comment)
            else:
                entry = services.return_entry(actor=request.user, entry=entry, comment=comment)
        except ValidationError as failure:
            error = " ".join(failure.messages)
    else:
        error = " ".join(message for errors in form.errors.values() for message in errors)
    if request.htmx:
        context = {"entry": entry, "review_form": form, "error": error, "done": not error}
        if not error:
            # The queue's count, as filtered on the page the reviewer is on, follows at once.
            filters = QueryDict(urlsplit(request.htmx.current_url or "").query)
            context["queue_count"] = _queue(request.user, filters).count()
        return render(request, "study/_review_row.html", context)
    if error:
        messages.error(request, error)
    elif entry.status == StudyEntry.Status.APPROVED:
        messages.success(
            request, _("%(name)s's entry is approved.") % {"name": entry.person.display_name}
        )
    else:
        messages.success(
            request, _("%(name)s's entry is returned.") % {"name": entry.person.display_name}
        )
    return redirect(_back(request, reverse("study:review")))


@require_POST
def entry_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "approve")


@require_POST
def entry_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, "return")


def _queue(user, filters: QueryDict, form: QueueFilterForm | None = None) -> QuerySet:
    """The entries waiting for `user`, narrowed by the queue page's `filters`, oldest first."""
    form = form or QueueFilterForm(filters)
    return form.filter(access.review_queue(user)).order_by("submitted_at", "pk")


@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Submitted entries of the reviewer's people (all for staff), oldest first."""
    if not access.may_review(request.user):
        raise PermissionDenied
    form = QueueFilterForm(request.GET)
    entries = _queue(request.user, request.GET, form).select_related("person__branch")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "review_form": ReviewForm()}
    return render(request, "study/review_queue.html", context)


@require_POST
def review_approve_selected(request: HttpRequest) -> HttpResponse:
    """Approve the ticked entries; any that are not (or no longer) in the queue are skipped."""
    if not access.may_review(request.user):
        raise PermissionDenied
    raw = request.POST.getlist("entries")
    ids = [int(value) for value in raw if value.isdigit()]
    form = BulkApproveForm(request.POST, ids=ids)
    if not form.is_valid() or len(ids) != len(raw):
        messages.error(request, _("Choose the entries to approve."))
        return redirect(_back(request, reverse("study:review")))
    approved, skipped = services.approve_entries(
        actor=request.user, entry_ids=form.cleaned_data["entries"]
    )
    if approved:
        messages.success(
            request,
            ngettext("%(count)d entry approved.", "%(count)d entries approved.", approved)
            % {"count": approved},
        )
    if skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)d entry was skipped: it is not waiting for your review.",
                "%(count)d entries were skipped: they are not waiting for your review.",
                skipped,
            )
            % {"count": skipped},
        )
    return redirect(_back(request, reverse("study:review")))


# --- a person's progress and the sign-off -----------------------------------------------------


def _render_person(
    request: HttpRequest, person, form: SignOffForm | None = None, form_for: int | None = None
) -> HttpResponse:
    plans = _progress_of_person(person)
    may_sign = access.can_sign_off(request.user, person)
    entries = (
        access.entries_visible_to(request.user)
        .filter(person=person)
        .order_by("-date", "-pk")[:RECENT_ENTRIES]
    )
    context = {
        "person": person,
        "plans": plans,
        "entries": list(entries),
        "may_sign": may_sign,
        "sign_off_form": form or SignOffForm(),
        "form_for": form_for,
    }
    return render(request, "study/person_progress.html", context)


@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_person(request, access.get_participant_for_user(request.user, pk))


@require_POST
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign off the participant's current stage, or show why not and change nothing."""
    enrollment = access.get_enrollment_for_user(request.user, pk, write=True)
    form = SignOffForm(request.POST)
    if form.is_valid():
        try:
            signed = services.sign_off_stage(
                actor=request.user, enrollment=enrollment, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(stage)s is signed off for %(name)s.")
                % {"stage": signed.get_stage_display(), "name": enrollment.person.display_name},
            )
            return redirect("study:person", pk=enrollment.person_id)
    return _render_person(request, enrollment.person, form, form_for=enrollment.pk)


# --- the staff overview and its exports -------------------------------------------------------


def _overview_plan(request: HttpRequest) -> tuple[OverviewForm, StudyPlan | None]:
    if not access.may_see_overview(request.user):
        raise PermissionDenied
    data = request.GET.copy()
    form = OverviewForm(data)
    if not data.get("plan"):
        today = timezone.localdate()
        current = (
            StudyPlan.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
            or StudyPlan.objects.first()
        )
        if current is not None:
            data["plan"] = str(current.pk)
            form = OverviewForm(data)
    plan = form.cleaned_data.get("plan") if form.is_valid() else None
    return form, plan


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Per branch: participants in each stage and their average progress, a page of branches
    at a time (the branch chosen alone); who is behind; as computed at most a few minutes ago
    (`study.overview`), and saying when."""
    form, plan = _overview_plan(request)
    context: dict = {"form": form, "plan": plan}
    if plan is not None:
        figures = overview_figures.figures_of(plan)
        chosen = form.cleaned_data.get("branch") if form.is_valid() else None
        rows = sorted(
            ((name or _("No branch"), *rest) for name, *rest in figures.branches),
            key=lambda branch: branch[0],
        )
        if chosen is not None:
            rows = [row for row in rows if row[0] == chosen.name]
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        table = [
            {
                "name": name,
                "stages": [stages[stage] for stage in Stage.values],
                "completed": stages[0],
                "total": total,
                "average": int(progress_sum / total * 100),
            }
            for name, stages, total, progress_sum in page
        ]
        chart = {
            "labels": [row["name"] for row in table],
            "datasets": [
                {"label": str(label), "data": [row["stages"][index] for row in table]}
                for index, label in enumerate(Stage.labels)
            ]
            + [{"label": _("Completed"), "data": [row["completed"] for row in table]}],
        }
        query = urlencode({key: value for key, value in request.GET.items() if key != "page"})
        context |= {
            "table": table,
            "page": page,
            "behind": overview_figures.behind_shown(figures),
            "behind_count": figures.behind_count,
            "participants": figures.participants,
            "chart": chart,
            "elapsed": int(plan.elapsed_share(timezone.localdate()) * 100),
            "computed_at": figures.computed_at,
            "query": query or urlencode({"plan": plan.pk}),
        }
    return render(request, "study/overview.html", context)


@require_GET
def export_entries(request: HttpRequest) -> HttpResponse:
    """The plan's participants' entries within its period, filtered like the overview."""
    form, plan = _overview_plan(request)
    if plan is None:
        entries = StudyEntry.objects.none()
    else:
        entries = StudyEntry.objects.filter(
            person__in=plan.enrollments.values("person"),
            date__range=(plan.starts_on, plan.ends_on),
        ).order_by("person__student_number", "date", "pk")
        data = form.cleaned_data
        if data.get("status"):
            entries = entries.filter(status=data["status"])
        if data.get("stage"):
            entries = entries.filter(stage=data["stage"])
        if data.get("branch"):
            entries = entries.filter(person__branch=data["branch"])
    return xlsx_response(entries_dataset(entries), "study-entries")


@require_GET
def export_progress(request: HttpRequest) -> HttpResponse:
    """Each participant's progress in the plan."""
    form, plan = _overview_plan(request)
    rows = []
    if plan is not None:
        rows = progress_of(overview_figures.participants(plan, form.cleaned_data.get("branch")))
    return xlsx_response(progress_dataset(rows), "study-progress")


# --- a plan's participants --------------------------------------------------------------------


def _render_participants(
    request: HttpRequest, plan: StudyPlan, enrol_form: EnrolForm, preview: int | None = None
) -> HttpResponse:
    search = PersonSearchForm(request.GET)
    found = list(search.people().exclude(enrollments__plan=plan).order_by("name")[:20])
    participants = plan.enrollments.select_related("person__branch")
    query = request.GET.get("q", "").strip()
    if query:
        participants = participants.filter(
            Q(person__name__icontains=query) | Q(person__student_number__icontains=query)
        )
    participants = BranchFirst(participants, "person__branch", ["person__student_number", "pk"])
    page = Paginator(participants, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "plan": plan,
        "enrol_form": enrol_form,
        "search": search,
        "found": found,
        "page": page,
        "preview": preview,
    }
    return render(request, "study/plan_participants.html", context)


@require_http_methods(["GET", "POST"])
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol members by branch, grade and status (preview the count, then enrol) or by hand."""
    plan = access.get_plan_for_staff(request.user, pk)
    if request.method != "POST":
        return _render_participants(request, plan, EnrolForm(grades=workstation_grades()))
    form = EnrolForm(request.POST, grades=workstation_grades())
    if not form.is_valid():
        return _render_participants(request, plan, form)
    data = form.cleaned_data
    people = services.people_to_enrol(
        branch_ids=[branch.pk for branch in data["branches"]],
        grades=data["grades"],
        statuses=data["statuses"],
        person_ids=[person.pk for person in data["people"]],
    )
    if request.POST.get("action") != "enrol":
        new = people.exclude(enrollments__plan=plan).count()
        return _render_participants(request, plan, form, preview=new)
    added = services.enrol_people(actor=request.user, plan=plan, people=people)
    messages.success(
        request,
        ngettext(
            "%(count)d member now follows this plan.",
            "%(count)d members now follow this plan.",
            added,
        )
        % {"count": added},
    )
    return redirect("study:participants", pk=plan.pk)


@require_POST
def participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_staff(request.user):
        raise PermissionDenied
    enrollment = access.get_enrollment_for_user(request.user, pk)
    services.remove_enrollment(actor=request.user, enrollment=enrollment)
    messages.success(
        request,
        _("%(name)s no longer follows %(plan)s.")
        % {"name": enrollment.person.display_name, "plan": enrollment.plan.name},
    )
    return redirect("study:participants", pk=enrollment.plan_id)
