"""The dorms' pages: my dorm work (the inspector's list, the rooms I look after, my room), a
room, an inspection (its result side by side with the original, residents' comments), the
inspection form with its per-item draft, key dorms with their plans, and the staff pages:
rounds and their progress, scores over rounds, disputes, and their Excel exports; and a
branch's lists behind its view's figures."""

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Prefetch, Q
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exports import xlsx_response
from members.access import in_workstation

from . import access, services, workflow
from .export import export_disputes, export_key_dorms, export_round, export_scores
from .forms import (
    ActionForm,
    BranchListForm,
    DisputeForm,
    PeriodForm,
    PlanForm,
    ReasonForm,
    ReassignForm,
    SettleForm,
)
from .glance import (
    branch_contacts,
    branch_inspections,
    confirmed_assistance,
    rooms_looked_after,
    rounds_of,
)
from .models import (
    Answer,
    AssistanceAction,
    Dispute,
    DisputeStatus,
    Inspection,
    InspectionStatus,
    KeyDorm,
    KeyStatus,
    Residency,
    Room,
    Round,
)

PAGE_SIZE = 25


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _valid_data(form: Form, refusal: str) -> dict:
    if not form.is_valid():
        raise ValidationError(refusal)
    return form.cleaned_data


def _take_step(request: HttpRequest, target, step: Callable[[], str]) -> HttpResponse:
    """Take `step`, show what it returns (or why it was refused) and go back to `target`."""
    try:
        done = step()
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, done)
    return redirect(target)


def _require_manager(request: HttpRequest) -> None:
    if not access.can_manage(request.user):
        raise PermissionDenied


# --- my dorm work -----------------------------------------------------------------------------


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The inspector's list (open rounds, with what is done), the rooms he looks after, and
    the room he lives in."""
    user = request.user
    today = timezone.localdate()
    inspections = (
        Inspection.objects.filter(inspector=user, round__ends__gte=today - datetime.timedelta(30))
        .select_related("round", "room__floor__building")
        .order_by("status", "round__ends", "room__floor__building__name", "room__number")
    )
    page = Paginator(inspections, PAGE_SIZE).get_page(request.GET.get("page"))
    done = inspections.filter(status=InspectionStatus.DONE).count()
    looked_after = (
        Room.objects.filter(pk__in=access._looked_after_ids(user))
        .select_related("floor__building")
        .annotate(residents=Count("residencies", filter=Q(residencies__until__isnull=True)))
    )
    home = (
        Residency.objects.current()
        .filter(person=user)
        .select_related("room__floor__building", "bed")
        .first()
    )
    context = {
        "page": page,
        "done": done,
        "total": page.paginator.count,
        "looked_after": list(looked_after[:100]),
        "home": home,
        "is_member": in_workstation(user),
    }
    return render(request, "dorms/mine.html", context)


@require_GET
def room(request: HttpRequest, pk: int) -> HttpResponse:
    """A room: its residents (their class and phone for staff and the members looking after
    it), its inspections, and (for those who may see it) whether it is a key dorm."""
    user = request.user
    room = access.get_room_for_user(user, pk)
    residencies = list(
        Residency.objects.current().filter(room=room).select_related("person", "bed")
    )
    inspections = list(
        access.inspections_visible_to(user)
        .filter(room=room)
        .select_related("round", "inspector")
        .order_by("-round__starts", "-pk")[:20]
    )
    key_dorms = list(
        access.key_dorms_visible_to(user).filter(room=room).exclude(status=KeyStatus.CLOSED)
    )
    context = {
        "room": room,
        "residencies": residencies,
        "show_contact": access.can_see_residents_contact(user, room),
        "inspections": inspections,
        "key_dorms": key_dorms,
        "may_open_key_dorm": access.can_open_key_dorm(user, room) and not key_dorms,
        "reason_form": ReasonForm(),
    }
    return render(request, "dorms/room.html", context)


# --- inspections ------------------------------------------------------------------------------


@require_GET
def inspection(request: HttpRequest, pk: int) -> HttpResponse:
    """An inspection's result; a re-inspection side by side with its original; the
    residents' comments and disputes."""
    user = request.user
    inspection = access.get_inspection_for_user(user, pk)
    if not inspection.is_done and access.can_inspect(user, inspection):
        return redirect("dorms:inspect", pk=inspection.pk)
    answers = list(
        inspection.answers.select_related("follow_up").prefetch_related(
            Prefetch("disputes", queryset=Dispute.objects.select_related("resident"))
        )
    )
    earlier = {}
    if inspection.original_id:
        earlier = {a.item_id: a for a in inspection.original.answers.all()}
    is_resident = access.lives_in(user, inspection.room_id)
    rows = []
    for answer in answers:
        disputes = list(answer.disputes.all())
        mine = [d for d in disputes if d.resident_id == user.pk]
        rows.append(
            {
                "answer": answer,
                "earlier": earlier.get(answer.item_id),
                # Residents see their own comment only; staff and members see all.
                "disputes": mine if is_resident and not access.can_manage(user) else disputes,
                "may_dispute": is_resident and inspection.is_done and not mine,
            }
        )
    context = {
        "inspection": inspection,
        "rows": rows,
        "dispute_form": DisputeForm(),
        "may_reinspect": access.can_reinspect(user, inspection),
        "reinspections": list(inspection.reinspections.all()),
    }
    return render(request, "dorms/inspection.html", context)


@require_http_methods(["GET", "POST"])
def inspect(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone-first form, item by item. Without script it posts every item at once; with
    script each item is kept as a draft as it is filled (`inspect_item`).

    An inspection still to do shows a button that starts it (copies the checklist): opening a
    page changes nothing, whoever or whatever opens it."""
    inspection = access.get_inspection_for_user(request.user, pk, write=True)
    if request.method == "GET" and inspection.status == InspectionStatus.TO_DO:
        return render(request, "dorms/inspect_start.html", {"inspection": inspection})
    if request.method == "POST":
        inspection = services.start_inspection(actor=request.user, inspection=inspection)
        if request.POST.get("op") == "start":
            return redirect("dorms:inspect", pk=inspection.pk)
        marks = [
            services.Mark(
                answer_id=answer.pk,
                value=request.POST.get(f"value-{answer.pk}", answer.value),
                note=request.POST.get(f"note-{answer.pk}", answer.note),
                photo=request.FILES.get(f"photo-{answer.pk}"),
            )
            for answer in inspection.answers.all()
            if f"value-{answer.pk}" in request.POST or request.FILES.get(f"photo-{answer.pk}")
        ]
        try:
            services.save_answers(actor=request.user, inspection=inspection, marks=marks)
            if request.POST.get("op") == "submit":
                services.submit_inspection(
                    actor=request.user, inspection=inspection, note=request.POST.get("note", "")
                )
                messages.success(request, _("The inspection is done. Thank you."))
                return redirect(inspection)
            messages.success(request, _("Your draft is kept."))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect("dorms:inspect", pk=inspection.pk)
    answers = list(inspection.answers.all())
    earlier = {}
    if inspection.original_id:
        earlier = {a.item_id: a for a in inspection.original.answers.all()}
    context = {
        "inspection": inspection,
        "rows": [(answer, earlier.get(answer.item_id)) for answer in answers],
        "marked": sum(answer.value is not None for answer in answers),
    }
    return render(request, "dorms/inspect.html", context)


@require_POST
def inspect_item(request: HttpRequest, pk: int) -> JsonResponse:
    """One item of the draft, sent by the form's script as it is filled (or when the network
    is back): JSON, saying what was kept or why not."""
    inspection = access.get_inspection_for_user(request.user, pk, write=True)
    try:
        answer_id = int(request.POST.get("answer", ""))
    except ValueError:
        return JsonResponse({"error": _("This item is not part of the inspection.")}, status=400)
    try:
        answer = services.save_answer(
            actor=request.user,
            inspection=inspection,
            answer_id=answer_id,
            value=request.POST.get("value"),
            note=request.POST.get("note", ""),
            photo=request.FILES.get("photo"),
        )
    except ValidationError as error:
        return JsonResponse({"error": _error_text(error)}, status=400)
    return JsonResponse({"answer": answer.pk, "value": answer.value, "photo": bool(answer.photo)})


@require_POST
def reinspect(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = access.get_inspection_for_user(request.user, pk)
    if not access.can_reinspect(request.user, inspection):
        raise PermissionDenied
    again = services.reinspect(actor=request.user, inspection=inspection)
    if access.can_inspect(request.user, again):
        return redirect("dorms:inspect", pk=again.pk)
    messages.success(request, _("The re-inspection is given to the room's inspector."))
    return redirect(again)


@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """An item's photo, only to those who may see the inspection."""
    answer = access.get_answer_photo_for_user(request.user, pk)
    try:
        handle = answer.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=answer.photo_type or "image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_POST
def dispute(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident comments on or disputes an item of his room's inspection, once."""
    answer = (
        Answer.objects.filter(pk=pk, inspection__in=access.inspections_visible_to(request.user))
        .select_related("inspection")
        .first()
    )
    if answer is None:
        raise Http404
    if not access.can_dispute(request.user, answer):
        raise PermissionDenied

    def step() -> str:
        data = _valid_data(DisputeForm(request.POST), _("Write your comment."))
        services.dispute_item(
            actor=request.user, answer=answer, text=data["text"], is_dispute=data["is_dispute"]
        )
        if data["is_dispute"]:
            return _("Your dispute is sent to staff.")
        return _("Your comment is kept.")

    return _take_step(request, answer.inspection, step)


# --- key dorms --------------------------------------------------------------------------------


@require_GET
def key_dorms(request: HttpRequest) -> HttpResponse:
    if not access.can_see_key_dorms(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "open")
    rows = access.key_dorms_visible_to(request.user).select_related(
        "room__floor__building", "responsible", "rule"
    )
    if status == "open":
        rows = rows.exclude(status=KeyStatus.CLOSED)
    elif status in KeyStatus.values:
        rows = rows.filter(status=status)
    rows = rows.annotate(action_count=Count("actions")).order_by("-opened_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": KeyStatus.choices,
        "may_export": access.can_manage(request.user),
    }
    return render(request, "dorms/key_dorms.html", context)


@require_GET
def key_dorm(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    key_dorm = access.get_key_dorm_for_user(user, pk)
    actions = list(key_dorm.actions.select_related("member", "confirmed_by"))
    allowed = workflow.allowed_actions(user, key_dorm)
    context = {
        "key_dorm": key_dorm,
        "steps": [
            (step, workflow.ACTION_LABELS.get(step.action, workflow.OPENED_LABEL))
            for step in key_dorm.steps.select_related("actor")
        ],
        "actions": [(a, access.can_confirm_action(user, a)) for a in actions],
        "allowed": allowed,
        "buttons": [
            (action, workflow.ACTION_LABELS[action])
            for action in (
                workflow.START,
                workflow.REQUEST_REVIEW,
                workflow.CONTINUE,
                workflow.CLOSE,
                workflow.REOPEN,
            )
            if action in allowed
        ],
        "plan_form": PlanForm(
            initial={
                "goals": key_dorm.goals,
                "responsible": key_dorm.responsible_id,
                "reviewer": key_dorm.reviewer_id,
                "review_date": key_dorm.review_date,
            }
        ),
        "action_form": ActionForm(),
    }
    return render(request, "dorms/key_dorm.html", context)


@require_POST
def key_dorm_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff make a room a key dorm by hand."""
    room = access.get_room_for_user(request.user, pk)
    if not access.can_open_key_dorm(request.user, room):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    try:
        data = _valid_data(form, _("Say why this room becomes a key dorm."))
        key_dorm = services.open_key_dorm(actor=request.user, room=room, reason=data["reason"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(room)
    messages.success(request, _("The room is a key dorm now. Agree its assistance plan."))
    return redirect(key_dorm)


@require_POST
def key_dorm_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A workflow step: agree the plan, start, log an action, ask for the review, continue,
    close or reopen."""
    if action not in workflow.WHO:
        raise Http404
    key_dorm = access.get_key_dorm_for_user(request.user, pk)
    workflow.require(request.user, key_dorm, action)

    def step() -> str:
        if action == workflow.AGREE_PLAN:
            data = _valid_data(PlanForm(request.POST), _("Fill in every part of the plan."))
            services.agree_plan(actor=request.user, key_dorm=key_dorm, **data)
            return _("The plan is agreed.")
        if action == workflow.LOG_ACTION:
            data = _valid_data(ActionForm(request.POST), _("Give the date, kind and note."))
            services.log_action(actor=request.user, key_dorm=key_dorm, **data)
            return _("The action is logged; the plan's reviewer will confirm it.")
        services.take_step(
            actor=request.user,
            key_dorm=key_dorm,
            action=action,
            note=request.POST.get("note", "")[:2000],
        )
        return _("Done: %(action)s.") % {"action": workflow.ACTION_LABELS[action]}

    return _take_step(request, key_dorm, step)


@require_POST
def action_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's reviewer confirms an assistance action."""
    action = (
        AssistanceAction.objects.filter(
            pk=pk, key_dorm__in=access.key_dorms_visible_to(request.user)
        )
        .select_related("key_dorm")
        .first()
    )
    if action is None:
        raise Http404
    if not access.can_confirm_action(request.user, action):
        raise PermissionDenied
    services.confirm_action(actor=request.user, action=action)
    messages.success(request, _("The action is confirmed."))
    return redirect(action.key_dorm)


# --- staff pages ------------------------------------------------------------------------------


@require_GET
def rounds(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    rows = (
        Round.objects.select_related("checklist")
        .annotate(
            rooms=Count("inspections", filter=Q(inspections__original__isnull=True)),
            done=Count(
                "inspections",
                filter=Q(inspections__original__isnull=True, inspections__status="done"),
            ),
        )
        .order_by("-starts", "-pk")
    )
    # `?start=&end=`: the rounds of a period, as the workstation's figures count them.
    period = PeriodForm(request.GET)
    if period.is_valid() and period.cleaned_data["start"] and period.cleaned_data["end"]:
        rows = rows.filter(
            pk__in=rounds_of(period.cleaned_data["start"], period.cleaned_data["end"])
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dorms/rounds.html", {"page": page})


def _progress(round_: Round, field: str) -> list[dict]:
    return list(
        round_.inspections.filter(original__isnull=True)
        .values(field)
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=InspectionStatus.DONE)),
            average=Avg("score"),
        )
        .order_by(field)
    )


@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's progress by inspector and by building, and its rooms (search, reassign)."""
    _require_manager(request)
    round_ = Round.objects.select_related("checklist").filter(pk=pk).first()
    if round_ is None:
        raise Http404
    by_inspector = _progress(round_, "inspector__name")
    by_building = _progress(round_, "room__floor__building__name")
    rows = round_.inspections.select_related("room__floor__building", "inspector")
    query = request.GET.get("q", "").strip()[:50]
    if query:
        rows = rows.filter(
            Q(room__number__icontains=query)
            | Q(room__floor__building__name__icontains=query)
            | Q(inspector__name__icontains=query)
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "round": round_,
        "by_inspector": by_inspector,
        "by_building": by_building,
        "page": page,
        "q": query,
        # The choices once for every room's reassign form.
        "inspectors": list(ReassignForm().fields["inspector"].choices)[1:],
    }
    return render(request, "dorms/round.html", context)


@require_GET
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    round_ = Round.objects.filter(pk=pk).first()
    if round_ is None:
        raise Http404
    return xlsx_response(export_round(round_), "dorm-round")


@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    inspection = Inspection.objects.select_related("round").filter(pk=pk).first()
    if inspection is None:
        raise Http404
    if not access.can_reassign(request.user, inspection):
        raise PermissionDenied

    def step() -> str:
        data = _valid_data(ReassignForm(request.POST), _("Choose an inspector from the list."))
        services.reassign_inspection(
            actor=request.user, inspection=inspection, inspector=data["inspector"]
        )
        return _("The room is given to %(name)s.") % {"name": data["inspector"].display_name}

    return _take_step(request, inspection.round, step)


def score_table() -> tuple[list[Round], list[dict]]:
    """The average score of each building and floor in each of the last rounds: a fixed number
    of queries."""
    recent = list(Round.objects.order_by("-starts", "-pk")[:8])[::-1]
    rows = (
        Inspection.objects.filter(
            round__in=recent, status=InspectionStatus.DONE, original__isnull=True
        )
        .values("round_id", "room__floor__building__name", "room__floor__number")
        .annotate(average=Avg("score"))
    )
    table: dict[tuple, dict] = defaultdict(dict)
    for row in rows:
        key = (row["room__floor__building__name"], row["room__floor__number"])
        table[key][row["round_id"]] = round(float(row["average"]), 1)
    lines = [
        {
            "building": building,
            "floor": floor,
            "scores": [table[building, floor].get(r.pk) for r in recent],
        }
        for building, floor in sorted(table)
    ]
    return recent, lines


@require_GET
def scores(request: HttpRequest) -> HttpResponse:
    """Scores by building and floor over the rounds, with a chart."""
    _require_manager(request)
    recent, lines = score_table()
    buildings: dict[str, list] = defaultdict(list)
    for line in lines:
        buildings[line["building"]].append(line["scores"])
    chart = {
        "labels": [r.name for r in recent],
        "series": [
            {
                "label": building,
                "data": [
                    _mean([floor[index] for floor in floors if floor[index] is not None])
                    for index in range(len(recent))
                ],
            }
            for building, floors in sorted(buildings.items())
        ],
    }
    context = {"rounds": recent, "lines": lines, "chart": chart}
    return render(request, "dorms/scores.html", context)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


@require_GET
def scores_export(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    recent, lines = score_table()
    return xlsx_response(export_scores(recent, lines), "dorm-scores")


@require_GET
def disputes(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    rows = Dispute.objects.select_related(
        "resident", "answer__inspection__room__floor__building", "settled_by"
    )
    status = request.GET.get("status", DisputeStatus.OPEN)
    if status in DisputeStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [(dispute, access.can_settle(request.user, dispute)) for dispute in page],
        "status": status,
        "statuses": DisputeStatus.choices,
        "settle_form": SettleForm(),
    }
    return render(request, "dorms/disputes.html", context)


@require_GET
def disputes_export(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    return xlsx_response(export_disputes(Dispute.objects.all()), "dorm-disputes")


@require_POST
def settle(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    dispute = Dispute.objects.filter(pk=pk).first()
    if dispute is None:
        raise Http404
    if not access.can_settle(request.user, dispute):
        raise PermissionDenied

    def step() -> str:
        data = _valid_data(SettleForm(request.POST), _("Decide and write your answer."))
        services.settle_dispute(
            actor=request.user, dispute=dispute, upheld=data["upheld"], answer=data["answer"]
        )
        return _("The dispute is settled; the resident sees your answer.")

    return _take_step(request, "dorms:disputes", step)


@require_GET
def key_dorms_export(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    return xlsx_response(export_key_dorms(KeyDorm.objects.all()), "key-dorms")


def _looked_after_by(branch_id: int, rooms: list[Room]) -> list[tuple[Room, list[str]]]:
    """Each of `rooms` with the names of the branch's members looking after it (1 query)."""
    by_room: dict[int, set[str]] = defaultdict(set)
    by_floor: dict[int, set[str]] = defaultdict(set)
    for contact in branch_contacts(branch_id).select_related("member"):
        if contact.room_id is not None:
            by_room[contact.room_id].add(contact.member.display_name)
        else:
            by_floor[contact.floor_id].add(contact.member.display_name)
    return [(room, sorted(by_room[room.pk] | by_floor[room.floor_id])) for room in rooms]


def _branch_rows(show: str, branch_id: int, start: datetime.date, end: datetime.date):
    """The rows behind the figure `show` of the branch's view, in the order they are listed."""
    if show == "assistance":
        return (
            confirmed_assistance(branch_id, start, end)
            .select_related("member")
            .order_by("-date", "-pk")
        )
    if show == "looked-after":
        return (
            rooms_looked_after(branch_id)
            .select_related("floor__building")
            .order_by("floor__building__name", "floor__number", "number", "pk")
        )
    return (
        branch_inspections(branch_id, start, end)[show]
        .select_related("round", "room__floor__building", "inspector")
        .order_by("-round__starts", "room__floor__building__name", "room__number", "pk")
    )


def _branch_search(show: str, text: str) -> Q:
    """A branch list's search: the member's name or number, or the room's number."""
    if show == "looked-after":
        return Q(number__icontains=text)
    if show == "assistance":
        return Q(member__name__icontains=text) | Q(member__student_number__icontains=text)
    return (
        Q(inspector__name__icontains=text)
        | Q(inspector__student_number__icontains=text)
        | Q(room__number__icontains=text)
    )


@require_GET
def branch(request: HttpRequest, pk: int) -> HttpResponse:
    """A branch's members' dorm work, read-only, for its secretary and staff (`?show=`): the
    rooms given to them in a period's rounds and those inspected, the inspections they did, the
    assistance confirmed and the rooms they look after, as its view counts them. No score, no
    resident, no key dorm."""
    branch_row = access.get_branch_work_lists_for_user(request.user, pk)
    form = BranchListForm(request.GET)
    values = form.values()
    start = values["start"] or datetime.date.min
    end = values["end"] or datetime.date.max
    rows = _branch_rows(values["show"], branch_row.pk, start, end)
    if values["q"]:
        rows = rows.filter(_branch_search(values["show"], values["q"]))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "branch": branch_row,
        "show": values["show"],
        "lists": form.fields["show"].choices,
        "start": values["start"],
        "end": values["end"],
        "q": values["q"],
        "page": page,
        "looked_after": _looked_after_by(branch_row.pk, list(page))
        if values["show"] == "looked-after"
        else [],
    }
    return render(request, "dorms/branch.html", context)
