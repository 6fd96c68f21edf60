"""The suggestion board's pages: the board, submitting, my suggestions, a suggestion with its
history and the handlers' and author's actions, photos, the handlers' queue, statistics and the
Excel export."""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exports import xlsx_response

from . import access, services, workflow
from . import statistics as stats
from .export import export_suggestions
from .forms import (
    HANDLER_FIELDS,
    AnswerForm,
    AssigneeSearchForm,
    AssignForm,
    BoardFilterForm,
    BulkAssignForm,
    MergeForm,
    OptionalReasonForm,
    QueueFilterForm,
    RateForm,
    ReasonForm,
    SuggestionForm,
    handler_label,
)
from .models import OPEN_STATUSES, Status, Step, Suggestion, Support
from .similar import similar_suggestions

PAGE_SIZE = 20


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- the board --------------------------------------------------------------------------------


@login_not_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    if not access.may_read_board(request.user):
        return redirect_to_login(request.get_full_path())
    form = BoardFilterForm(request.GET)
    suggestions = form.filter(access.suggestions_visible_to(request.user)).select_related(
        "category", "sub_area", "author"
    )
    page = Paginator(suggestions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/board.html", {"form": form, "page": page})


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My suggestions, named and anonymous, with what happened to each."""
    suggestions = (
        Suggestion.objects.filter(access.mine(request.user))
        .select_related("category", "sub_area")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(suggestions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/mine.html", {"page": page})


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SuggestionForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                suggestion = services.submit_suggestion(
                    actor=request.user,
                    title=data["title"],
                    body=data["body"],
                    category=data["category"],
                    sub_area=data["sub_area"],
                    anonymous=data["anonymous"],
                    photos=data["photos"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if suggestion.is_anonymous:
                    text = _(
                        "Your suggestion is submitted anonymously. Only you can find it, under "
                        "“My suggestions”."
                    )
                else:
                    text = _("Your suggestion is submitted.")
                messages.success(request, text)
                return redirect(suggestion)
    else:
        form = SuggestionForm()
    left = max(0, settings.FEEDBACK_DAILY_LIMIT - services.submitted_today(request.user))
    return render(request, "feedback/suggestion_form.html", {"form": form, "left": left})


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """Suggestions with a title like the one being typed (htmx), to avoid duplicates."""
    title = request.GET.get("title", "")[:100]
    found = similar_suggestions(access.suggestions_visible_to(request.user), title)
    return render(request, "feedback/_similar.html", {"similar": found})


# --- one suggestion ---------------------------------------------------------------------------


@login_not_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.may_read_board(request.user):
        return redirect_to_login(request.get_full_path())
    suggestion = access.get_suggestion_for_user(request.user, pk)
    return _render_detail(request, suggestion)


def _render_detail(request: HttpRequest, suggestion: Suggestion) -> HttpResponse:
    user = request.user
    may_handle = user.is_authenticated and access.can_handle(user, suggestion)
    actions = workflow.allowed_actions(user, suggestion)
    supported = (
        user.is_authenticated
        and Support.objects.filter(suggestion=suggestion, supporter=user).exists()
    )
    context = {
        "suggestion": suggestion,
        "photos": list(suggestion.photos.all()),
        "steps": list(suggestion.steps.select_related("actor")),
        "is_author": access.is_author(user, suggestion),
        "supported": supported,
        "actions": actions,
        "may_support": workflow.SUPPORT in actions,
        "may_handle": may_handle,
        "may_moderate": access.can_moderate(user),
    }
    if may_handle:
        context |= {
            "assign_form": AssignForm(
                assignees=access.eligible_assignees(suggestion.category),
                search_url=_assignee_search_url(suggestion.category_id),
                initial={"assignee": suggestion.assignee_id or user.pk},
            ),
            "answer_form": AnswerForm(initial={"answer": suggestion.answer}),
            "decline_form": ReasonForm(prefix="decline"),
            "merge_form": MergeForm(),
        }
    if context["may_moderate"]:
        context["hide_form"] = ReasonForm(prefix="hide")
    return render(request, "feedback/suggestion_detail.html", context)


@require_POST
def support(request: HttpRequest, pk: int) -> HttpResponse:
    """Toggle my +1 (htmx redraws the button and the count)."""
    suggestion = access.get_suggestion_for_user(request.user, pk)
    try:
        supported = services.toggle_support(actor=request.user, suggestion=suggestion)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(_error_text(error), status=400)
        messages.error(request, _error_text(error))
        return redirect(suggestion)
    if request.htmx:
        context = {"suggestion": suggestion, "supported": supported, "may_support": True}
        return render(request, "feedback/_support.html", context)
    return redirect(suggestion)


@require_POST
def report(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = access.get_suggestion_for_user(request.user, pk)
    form = OptionalReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is at most 200 characters."))
        return redirect(suggestion)
    try:
        hidden = services.report_suggestion(
            actor=request.user, suggestion=suggestion, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(suggestion)
    messages.success(request, _("Thank you: staff will look at your report."))
    if hidden and not access.suggestions_visible_to(request.user).filter(pk=pk).exists():
        return redirect("feedback:board")
    return redirect(suggestion)


HANDLE_ACTIONS = {"accept", "assign", "start", "answer", "close", "decline", "merge"}


def _valid_data(form: Form, refusal: str) -> dict:
    """The form's cleaned data, or `refusal`, shown like a service's own refusal."""
    if not form.is_valid():
        raise ValidationError(refusal)
    return form.cleaned_data


def _take_step(
    request: HttpRequest, suggestion: Suggestion, step: Callable[[], str]
) -> HttpResponse:
    """Take `step`, show what it returns (or why it was refused) and go back to the suggestion."""
    try:
        done = step()
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, done)
    return redirect(suggestion)


@require_POST
def handle(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A handler's step: accept, assign, start, answer, close, decline or merge."""
    if action not in HANDLE_ACTIONS:
        raise Http404
    suggestion = access.get_suggestion_for_user(request.user, pk, write=True)
    return _take_step(
        request, suggestion, lambda: _handle(request.user, suggestion, action, request.POST)
    )


def _handle(actor, suggestion: Suggestion, action: str, data: QueryDict) -> str:
    if action in ("accept", "assign"):
        form = AssignForm(data, assignees=access.eligible_assignees(suggestion.category))
        assignee = _valid_data(form, _("Choose a handler from the list."))["assignee"]
        if action == "accept":
            services.accept_suggestion(actor=actor, suggestion=suggestion, assignee=assignee)
            return _("The suggestion is accepted.")
        services.assign_suggestions(actor=actor, suggestions=[suggestion], assignee=assignee)
        return _("The suggestion is assigned.")
    if action == "start":
        services.start_work(actor=actor, suggestion=suggestion)
        return _("Work on the suggestion has started.")
    if action == "answer":
        form = AnswerForm(data)
        answer = _valid_data(form, _("Write the answer (at most 5000 characters)."))["answer"]
        services.answer_suggestion(actor=actor, suggestion=suggestion, answer=answer)
        return _("The answer is published; the author and supporters are told.")
    if action == "close":
        services.close_suggestion(actor=actor, suggestion=suggestion)
        return _("The suggestion is closed.")
    if action == "decline":
        form = ReasonForm(data, prefix="decline")
        reason = _valid_data(form, _("Give the reason for declining."))["reason"]
        services.decline_suggestion(actor=actor, suggestion=suggestion, reason=reason)
        return _("The suggestion is declined.")
    number = _valid_data(MergeForm(data), _("Give the number of the original suggestion."))["into"]
    into = access.merge_target_for(actor, number)
    if into is None:
        raise ValidationError(_("There is no suggestion with that number for you."))
    services.merge_suggestion(actor=actor, suggestion=suggestion, into=into)
    return _("The suggestion is merged as a duplicate.")


def _suggestion_for(request: HttpRequest, pk: int, may: Callable[..., bool]) -> Suggestion:
    """The suggestion `pk`, if the user may take the step (`may`): 403 for anyone else who may
    see it, before his input is read."""
    suggestion = access.get_suggestion_for_user(request.user, pk)
    if not may(request.user, suggestion):
        raise PermissionDenied
    return suggestion


@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The author says whether the answer satisfies him."""
    suggestion = _suggestion_for(request, pk, access.can_rate)

    def step() -> str:
        form = RateForm(request.POST)
        satisfied = _valid_data(form, _("Choose satisfied or not satisfied."))["satisfied"]
        services.rate_answer(actor=request.user, suggestion=suggestion, satisfied=satisfied)
        return _("Thank you for your feedback on the answer.")

    return _take_step(request, suggestion, step)


@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """The author reopens his answered or closed suggestion, saying why."""
    suggestion = _suggestion_for(request, pk, access.can_reopen)

    def step() -> str:
        form = ReasonForm(request.POST, prefix="reopen")
        reason = _valid_data(form, _("Say why you reopen it."))["reason"]
        services.reopen_suggestion(actor=request.user, suggestion=suggestion, reason=reason)
        return _("The suggestion is reopened; the handler is told.")

    return _take_step(request, suggestion, step)


@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff hide a suggestion with a reason, or show it again."""
    restoring = request.POST.get("op") == "restore"
    suggestion = _suggestion_for(request, pk, access.can_restore if restoring else access.can_hide)

    def step() -> str:
        if restoring:
            services.restore_suggestion(actor=request.user, suggestion=suggestion)
            return _("The suggestion is shown on the board again.")
        form = ReasonForm(request.POST, prefix="hide")
        refusal = _("Give the reason for hiding it; the author will read it.")
        reason = _valid_data(form, refusal)["reason"]
        services.hide_suggestion(actor=request.user, suggestion=suggestion, reason=reason)
        return _("The suggestion is hidden from the board.")

    return _take_step(request, suggestion, step)


@login_not_required
@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo, only to those who may see its suggestion."""
    if not access.may_read_board(request.user):
        return redirect_to_login(request.get_full_path())
    picture = access.get_photo_for_user(request.user, pk)
    try:
        handle = picture.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=picture.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- the handlers' queue, statistics and export ------------------------------------------------


def _filtered_queue(request: HttpRequest) -> tuple[QueueFilterForm, QuerySet[Suggestion]]:
    form = QueueFilterForm(request.GET)
    suggestions = access.queue_for(request.user)
    data = form.cleaned_data if form.is_valid() else {"status": form.STATUS_OPEN}
    status = data["status"]
    if status == form.STATUS_OPEN:
        suggestions = suggestions.filter(status__in=OPEN_STATUSES)
    elif status:
        suggestions = suggestions.filter(status=status)
    if data.get("category"):
        suggestions = suggestions.filter(category=data["category"])
    age = data.get("age")
    now = timezone.now()
    if age in ("3", "7"):
        suggestions = suggestions.filter(created_at__lt=now - datetime.timedelta(days=int(age)))
    elif age == "overdue":
        suggestions = suggestions.overdue(now)
    if data.get("start"):
        suggestions = suggestions.filter(created_at__date__gte=data["start"])
    if data.get("end"):
        suggestions = suggestions.filter(created_at__date__lte=data["end"])
    suggestions = suggestions.search(data.get("q") or "").with_overdue(now)
    return form, suggestions.select_related("category", "sub_area", "assignee").order_by(
        "created_at", "pk"
    )


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    if not access.is_handler(request.user):
        raise PermissionDenied
    form, suggestions = _filtered_queue(request)
    page = Paginator(suggestions, 25).get_page(request.GET.get("page"))
    rows = [
        (suggestion, workflow.may_take(request.user, suggestion, Step.Action.ASSIGN))
        for suggestion in page
    ]
    assign_form = AssignForm(
        assignees=access.eligible_assignees(),
        search_url=_assignee_search_url(),
        chooser=request.user,
    )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "assign_form": assign_form,
        "may_export": access.may_export(request.user),
    }
    return render(request, "feedback/queue.html", context)


def _assignee_search_url(category_id: int | None = None) -> str:
    url = reverse("feedback:assignees")
    return f"{url}?category={category_id}" if category_id else url


ASSIGNEE_RESULTS = 20


@require_GET
def assignees(request: HttpRequest) -> HttpResponse:
    """The people found by name or number among those who may be given suggestions (of one
    category, or of any), as the options of a handler select (htmx)."""
    if not access.is_handler(request.user):
        raise PermissionDenied
    form = AssigneeSearchForm(request.GET, categories=access.handled_categories(request.user))
    if not form.is_valid():
        raise Http404
    category = form.cleaned_data["category"]
    found = list(
        access.eligible_assignees(category)
        .search(form.cleaned_data["q"])
        .only(*HANDLER_FIELDS)[: ASSIGNEE_RESULTS + 1]
    )
    context = {
        "found": [(person.pk, handler_label(person)) for person in found[:ASSIGNEE_RESULTS]],
        "more": len(found) > ASSIGNEE_RESULTS,
    }
    return render(request, "feedback/_handler_options.html", context)


@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    if not access.is_handler(request.user):
        raise PermissionDenied
    form = BulkAssignForm(
        request.POST,
        assignees=access.eligible_assignees(),
        queue=access.queue_for(request.user).filter(
            status__in=workflow.statuses_allowing(Step.Action.ASSIGN)
        ),
    )
    back = request.POST.get("next", "")
    target = back if back.startswith("/suggestions/queue/") else "feedback:queue"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(target)
    try:
        count = services.assign_suggestions(
            actor=request.user,
            suggestions=list(form.cleaned_data["suggestions"]),
            assignee=form.cleaned_data["assignee"],
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d suggestion assigned to %(name)s.",
                "%(count)d suggestions assigned to %(name)s.",
                count,
            )
            % {"count": count, "name": form.cleaned_data["assignee"].display_name},
        )
    return redirect(target)


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The queue as filtered, as an Excel workbook; anonymous authors stay anonymous."""
    if not access.may_export(request.user):
        raise PermissionDenied
    _form, suggestions = _filtered_queue(request)
    return xlsx_response(export_suggestions(suggestions), "suggestions")


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    if not access.may_see_stats(request.user):
        raise PermissionDenied
    report = stats.compute(Suggestion.objects.all())
    chart = {
        "labels": [row["category"] for row in report["by_category"]],
        "series": [
            {"label": str(label), "data": [row["counts"][value] for row in report["by_category"]]}
            for value, label in Status.choices
        ],
    }
    context = {"report": report, "chart": chart}
    return render(request, "feedback/statistics.html", context)
