"""The members app's pages: my profile, the directory and its export, a person's page with his
development timeline, and the branches."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exports import sheet_title, xlsx_response
from common.pagination import BranchFirst

from . import access, services
from .choices import everyones, grades_and_majors
from .forms import DirectoryFilterForm, PhoneForm, StepForm, step_details
from .ledger import (
    DEVELOPMENT_STATUSES,
    DUE_OVERDUE,
    DUE_SOON,
    LEDGER_COLUMNS,
    development_rows,
    due_rows,
    incomplete_timelines,
    ledger_dataset,
    ledger_people,
    ledger_row,
    missing_dates,
    stage_counts,
    with_steps,
)
from .models import Branch, PoliticalStatus, User
from .procedure import outlook
from .resources import RosterResource
from .timeline import steps_of as timeline_steps_of

PAGE_SIZE = 25
# The directory's order after the branch's name: the newest grade first, then the number.
DIRECTORY_ORDER = (F("grade").desc(nulls_last=True), "student_number", "pk")


# --- my profile -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """My profile and timeline; the phone is the one thing I change here."""
    person = access.get_person_for_user(request.user, request.user.pk)
    if request.method == "POST":
        form = PhoneForm(request.POST)
        if form.is_valid():
            services.update_own_profile(actor=request.user, phone=form.cleaned_data["phone"])
            messages.success(request, _("Your mobile number is saved."))
            return redirect("members:me")
    else:
        form = PhoneForm(initial={"phone": person.phone})
    context = _person_context(request, person) | {"phone_form": form}
    return render(request, "members/profile.html", context)


# --- the directory ----------------------------------------------------------------------------


def _filtered_people(request: HttpRequest) -> tuple[DirectoryFilterForm, QuerySet[User]]:
    """The people `request.user` may see, narrowed by the directory's search and filters."""
    people = access.people_visible_to(request.user)
    # The branches he may open, and those of the people he sees (their names are on the page).
    branches = Branch.objects.filter(
        Q(pk__in=access.branches_visible_to(request.user).values("pk"))
        | Q(pk__in=people.values("branch_id"))
    )
    # Staff see everyone: their choices are kept a few minutes. A reviewer's people are read
    # through the index on their branch or group.
    choices = everyones() if access.is_staff(request.user) else grades_and_majors(people)
    form = DirectoryFilterForm(request.GET, branches=branches, **choices)
    return form, form.filter(people).select_related("branch", "group")


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    if not access.may_open_directory(request.user):
        raise PermissionDenied
    form, people = _filtered_people(request)
    page = Paginator(BranchFirst(people, "branch", DIRECTORY_ORDER), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "may_export": access.can_export_people(request.user),
        "openable_branch_ids": access.branch_ids_visible_to(request.user),
    }
    return render(request, "members/person_list.html", context)


@require_GET
def directory_export(request: HttpRequest) -> HttpResponse:
    """The directory as filtered, as an Excel roster."""
    if not access.can_export_people(request.user):
        raise PermissionDenied
    _form, people = _filtered_people(request)
    dataset = RosterResource().export(queryset=people.order_by("branch__name", *DIRECTORY_ORDER))
    dataset.title = sheet_title(_("Directory"))
    return xlsx_response(dataset, "roster")


# --- a person and his timeline ----------------------------------------------------------------


def _person_context(request: HttpRequest, person: User) -> dict[str, object]:
    """What the profile and timeline includes show about `person`."""
    timeline = list(
        person.milestones.select_related("recorded_by", "member_1", "member_2").order_by(
            "date", "pk"
        )
    )
    more_steps = timeline_steps_of(person)
    branch_link = (
        person.branch_id is not None
        and access.branches_visible_to(request.user).filter(pk=person.branch_id).exists()
    )
    return {
        "person": person,
        "timeline": timeline,
        "more_steps": more_steps,
        "branch_link": branch_link,
    }


def _render_person(
    request: HttpRequest, person: User, form: StepForm | None = None
) -> HttpResponse:
    context = _person_context(request, person)
    steps = context["timeline"]
    ahead = outlook(steps)
    may_record = access.can_record_step(request.user, person)
    if may_record and form is None and ahead.next_kind is not None:
        form = StepForm(
            person=person, initial={"kind": ahead.next_kind, "date": timezone.localdate()}
        )
    removable_ids = (
        {
            step.pk
            for step in steps
            if services.removable(step, [s for s in steps if s.pk != step.pk])
        }
        if may_record
        else set()
    )
    context |= {
        "may_record": may_record,
        "milestone_form": form,
        "outlook": ahead,
        "removable_ids": removable_ids,
        "today": timezone.localdate(),
    }
    return render(request, "members/person_detail.html", context)


@require_GET
def person(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_person(request, access.get_person_for_user(request.user, pk))


@require_POST
def add_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a step of the person's development, or show why it is refused and change
    nothing."""
    person = access.get_person_for_user(request.user, pk, write=True)
    form = StepForm(request.POST, person=person)
    if form.is_valid():
        try:
            step = services.record_step(
                actor=request.user,
                person=person,
                kind=form.cleaned_data["kind"],
                date=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
                **step_details(form.cleaned_data),
            )
        except ValidationError as error:  # another secretary got there first
            form.add_error(None, error)
        else:
            text = _("“%(milestone)s” is recorded for %(name)s.") % {
                "milestone": step.get_kind_display(),
                "name": person.display_name,
            }
            messages.success(request, text)
            return redirect(person)
    return _render_person(request, person, form)


@require_POST
def remove_step(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    """Take back a step recorded by mistake; the page says what the status became."""
    person = access.get_person_for_user(request.user, pk, write=True)
    step = person.milestones.filter(pk=step_pk).first()
    if step is None:
        raise Http404
    try:
        removal = services.remove_step(actor=request.user, step=step)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(person)
    if removal.status_changed:
        text = _("“%(step)s” is removed; the status changes from “%(before)s” to “%(after)s”.")
    else:
        text = _("“%(step)s” is removed; the status stays “%(before)s”.")
    messages.success(
        request,
        text
        % {
            "step": removal.step,
            "before": PoliticalStatus(removal.status_before).label,
            "after": PoliticalStatus(removal.status_after).label,
        },
    )
    return redirect(person)


# --- development work: the branch's page, the ledger, incomplete timelines -------------------


def _development_branch(request: HttpRequest, pk: int) -> Branch:
    branch = access.get_branch_for_user(request.user, pk)
    if not access.can_see_development(request.user, branch):
        raise PermissionDenied
    return branch


@require_GET
def development(request: HttpRequest, pk: int) -> HttpResponse:
    """A branch's people in development: counts per stage, each one's next step and due date,
    overdue first; searchable and paginated."""
    branch = _development_branch(request, pk)
    today = timezone.localdate()
    query = request.GET.get("q", "").strip()[:64]
    people = branch.people.filter(political_status__in=DEVELOPMENT_STATUSES).search(query)
    due = request.GET.get("due", "")
    due = due if due in (DUE_SOON, DUE_OVERDUE) else ""
    rows = due_rows(development_rows(people, today), today, due)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "branch": branch,
        "due": due,
        "counts": stage_counts(branch),
        "page": page,
        "query": query,
        "today": today,
    }
    return render(request, "members/development.html", context)


def _ledger_scope(request: HttpRequest) -> Branch | None:
    """The branch of a ledger (`?branch=`), or None for the whole college (staff only)."""
    value = request.GET.get("branch", "")
    if value.isdigit():
        return _development_branch(request, int(value))
    if not access.can_export_ledger(request.user):
        raise PermissionDenied
    return None


@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger as a printable page; `?due=soon|overdue` keeps the people in development with
    a step due within 30 days (or overdue), as the development page and the dashboards count
    them, most overdue first."""
    branch = _ledger_scope(request)
    due = request.GET.get("due", "")
    due = due if due in (DUE_SOON, DUE_OVERDUE) else ""
    if due:
        people = ledger_people(branch).filter(political_status__in=DEVELOPMENT_STATUSES)
        today = timezone.localdate()
        rows = [
            ledger_row(row.person) for row in due_rows(development_rows(people, today), today, due)
        ]
    else:
        rows = [ledger_row(person) for person in with_steps(ledger_people(branch))]
    context = {
        "due": due,
        "branch": branch,
        "columns": LEDGER_COLUMNS,
        "rows": rows,
        "today": timezone.localdate(),
    }
    return render(request, "members/ledger.html", context)


@require_GET
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The ledger in Excel, per branch or for the whole college."""
    branch = _ledger_scope(request)
    name = f"ledger-{branch.pk}" if branch else "ledger"
    return xlsx_response(ledger_dataset(ledger_people(branch)), name)


@require_GET
def incomplete(request: HttpRequest) -> HttpResponse:
    """For staff: people with a status and no dates behind it, with what is missing."""
    if not access.can_export_ledger(request.user):
        raise PermissionDenied
    people = with_steps(incomplete_timelines())
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(person, missing_dates(person)) for person in page.object_list]
    return render(request, "members/incomplete.html", {"page": page, "rows": rows})


# --- branches ---------------------------------------------------------------------------------


@require_GET
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    """A branch with its people counted by political status, in one query."""
    branch = access.get_branch_for_user(request.user, pk)
    counts = branch.people.aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(political_status=status)) for status in PoliticalStatus},
    )
    statuses = [(value, label, counts[value]) for value, label in PoliticalStatus.choices]
    may_browse = access.may_open_directory(request.user) and (
        access.is_staff(request.user) or access.leads(request.user, branch)
    )
    directory_url = (
        f"{reverse('members:directory')}?{urlencode({'branch': branch.pk})}" if may_browse else ""
    )
    context = {
        "branch": branch,
        "statuses": statuses,
        "total": counts["total"],
        "directory_url": directory_url,
        "development_url": reverse("members:development", args=[branch.pk])
        if access.can_see_development(request.user, branch)
        else "",
    }
    return render(request, "members/branch_detail.html", context)


@require_GET
def branches(request: HttpRequest) -> HttpResponse:
    """The branches the reader may open: all for staff, his own (or those he leads) for others."""
    if not access.may_list_branches(request.user):
        raise PermissionDenied
    # The people of the page's branches only (a count per branch shown), not a grouping of
    # every person of the portal on each request.
    people = (
        User.objects.filter(branch=OuterRef("pk"))
        .order_by()
        .values("branch")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rows = (
        access.branches_visible_to(request.user)
        .select_related("secretary")
        .annotate(people_count=Coalesce(Subquery(people), 0))
        .order_by("name")
    )
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(name__icontains=query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/branch_list.html", {"page": page, "query": query})
