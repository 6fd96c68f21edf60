"""Pages of activities and readings: the list and an activity's page with sign-up, scheduling,
the organiser's sign-in screen (code and QR code), sign-in, attendance by hand, the readings and
their PDFs."""

import re
from decimal import Decimal

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import in_workstation, is_reviewer, is_staff

from ..access import activities as access
from ..forms.activities import (
    ActivityFilterForm,
    ActivityForm,
    PlacesFilterForm,
    ReadingConfirmForm,
    ReadingFilterForm,
    SignInForm,
)
from ..models import Activity, ReadingConfirmation, Registration, StudyEntry
from ..services import activities as services

PAGE_SIZE = 20
# Wrong sign-in codes a person may type for one activity before waiting: guessing one of
# 32^6 codes is then hopeless.
SIGN_IN_MAX_FAILURES = 10
SIGN_IN_FAILURE_MINUTES = 15


def may_open_activities(user) -> bool:
    """Members (the audience), reviewers and staff open the activity list."""
    return is_staff(user) or in_workstation(user) or is_reviewer(user)


def _with_places(activities: QuerySet[Activity], user) -> QuerySet[Activity]:
    """Activities with their places taken and the viewer's own registration status."""
    own = Registration.objects.filter(activity=OuterRef("pk"), person=user)
    taken = Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED))
    return activities.annotate(
        taken=taken,
        places_left=F("capacity") - taken,
        my_status=Subquery(own.values("status")[:1]),
        my_attended_at=Subquery(own.values("attended_at")[:1]),
    )


def _redirect_to(activity: Activity) -> HttpResponse:
    return redirect("study:activity", pk=activity.pk)


def _refuse(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- the list ------------------------------------------------------------------------------------


@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    """Upcoming (or past) activities the viewer may see, searched and filtered, phone-first."""
    if not may_open_activities(request.user):
        raise PermissionDenied
    form = ActivityFilterForm(request.GET)
    values = form.values()
    now = timezone.now()
    activities = access.activities_visible_to(request.user)
    if values["when"] == "past":
        activities = activities.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    elif values["when"] == "all":
        activities = activities.order_by("-starts_at", "-pk")
    else:
        activities = activities.filter(ends_at__gte=now).order_by("starts_at", "pk")
    if values["q"]:
        activities = activities.filter(
            Q(title__icontains=values["q"]) | Q(place__icontains=values["q"])
        )
    if values["stage"]:
        activities = activities.filter(stage=values["stage"])
    if values["kind"]:
        activities = activities.filter(kind=values["kind"])
    if values["start"]:
        activities = activities.filter(starts_at__date__gte=values["start"])
    if values["end"]:
        activities = activities.filter(starts_at__date__lte=values["end"])
    if values["branch"]:
        activities = activities.filter(branch_id=values["branch"])
    activities = _with_places(activities, request.user)
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "when": values["when"],
        "page": page,
        "may_schedule": access.can_schedule_activities(request.user),
        "now": now,
    }
    return render(request, "study/activity_list.html", context)


@require_GET
def activity_places(request: HttpRequest) -> HttpResponse:
    """The places taken at the activities the viewer runs, and who attended: the list behind
    the figures of the branch view and the dashboard (see study.glance)."""
    if not access.may_list_places(request.user):
        raise PermissionDenied
    form = PlacesFilterForm(request.GET)
    values = form.values()
    places = access.registrations_visible_to(request.user).filter(
        status=Registration.Status.REGISTERED
    )
    if values["attended"]:
        places = places.filter(attended_at__isnull=False)
    if values["q"]:
        places = places.filter(
            Q(person__name__icontains=values["q"])
            | Q(person__student_number__icontains=values["q"])
            | Q(activity__title__icontains=values["q"])
        )
    if values["start"]:
        places = places.filter(activity__starts_at__date__gte=values["start"])
    if values["end"]:
        places = places.filter(activity__starts_at__date__lte=values["end"])
    if values["branch"]:
        places = places.filter(activity__branch_id=values["branch"])
    places = places.select_related("person", "activity").order_by(
        "-activity__starts_at", "activity_id", "person__student_number", "pk"
    )
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "attended": values["attended"], "page": page}
    return render(request, "study/activity_places.html", context)


# --- an activity ---------------------------------------------------------------------------------


@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk)
    now = timezone.now()
    counts = activity.registrations.aggregate(
        taken=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITLISTED)),
        attended=Count("pk", filter=Q(attended_at__isnull=False)),
    )
    mine = Registration.objects.filter(activity=activity, person=request.user).first()
    position = None
    if mine is not None and mine.status == Registration.Status.WAITLISTED:
        position = (
            activity.registrations.filter(status=Registration.Status.WAITLISTED)
            .filter(
                Q(registered_at__lt=mine.registered_at)
                | Q(registered_at=mine.registered_at, pk__lt=mine.pk)
            )
            .count()
            + 1
        )
    credited = None
    if mine is not None and mine.attended_at is not None:
        credited = StudyEntry.objects.filter(person=request.user, activity=activity).first()
    opens, closes = services.sign_in_window(activity)
    in_audience = access.is_in_audience(request.user, activity)
    started = now >= activity.starts_at
    on_list = mine is not None and mine.status in services.ACTIVE
    context = {
        "activity": activity,
        "counts": counts,
        "places_left": max(activity.capacity - counts["taken"], 0),
        "mine": mine,
        "position": position,
        "credited": credited,
        "opens": opens,
        "closes": closes,
        "sign_in_open": opens <= now <= closes,
        "started": started,
        "ended": now > activity.ends_at,
        "in_audience": in_audience,
        "may_sign_up": in_audience and not started and not on_list,
        "may_cancel": on_list and not started and mine.attended_at is None,
        "may_sign_in": in_audience
        and opens <= now <= closes
        and (mine is None or mine.attended_at is None),
        "may_run": access.can_run_activity(request.user, activity),
    }
    return render(request, "study/activity_detail.html", context)


def _activity_form(request: HttpRequest, activity: Activity | None = None) -> ActivityForm:
    user = request.user
    kwargs = {
        "branches": access.schedulable_branches(user),
        "branch_required": not is_staff(user),
        "activity": activity,
    }
    if request.method == "POST":
        return ActivityForm(request.POST, **kwargs)
    if activity is not None:
        initial = ActivityForm.initial_for(activity)
    else:
        initial = {"capacity": 30, "hours": Decimal(2)}
        branches = list(kwargs["branches"][:2])
        if len(branches) == 1 and kwargs["branch_required"]:
            initial["branch"] = branches[0]
    return ActivityForm(initial=initial, **kwargs)


@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    """Staff and reviewers schedule an activity, and organise it."""
    if not access.can_schedule_activities(request.user):
        raise PermissionDenied
    form = _activity_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.schedule_activity(actor=request.user, details=form.details())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity is scheduled."))
            return _redirect_to(activity)
    return render(request, "study/activity_form.html", {"form": form, "activity": None})


@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk, write=True)
    form = _activity_form(request, activity)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(actor=request.user, activity=activity, details=form.details())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity is saved."))
            return _redirect_to(activity)
    return render(request, "study/activity_form.html", {"form": form, "activity": activity})


@require_POST
def activity_sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk)
    try:
        registration = services.sign_up_for_activity(actor=request.user, activity=activity)
    except ValidationError as error:
        _refuse(request, error)
    else:
        if registration.status == Registration.Status.REGISTERED:
            messages.success(request, _("You have a place at this activity."))
        else:
            messages.warning(
                request,
                _(
                    "The activity is full: you are on the waiting list and will be told if a "
                    "place comes free."
                ),
            )
    return _redirect_to(activity)


@require_POST
def activity_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk)
    registration = Registration.objects.filter(activity=activity, person=request.user).first()
    if registration is None:
        messages.error(request, _("You are not on this activity's list."))
        return _redirect_to(activity)
    try:
        services.cancel_registration(actor=request.user, registration=registration)
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, _("You are off this activity's list."))
    return _redirect_to(activity)


# --- sign-in -------------------------------------------------------------------------------------


def _qr_svg(text: str) -> str:
    """`text` as a QR code, an inline SVG that scales with its box."""
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    label = _("QR code of the sign-in page")
    return re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        f'<svg class="sign-in-qr w-100 h-100" role="img" aria-label="{escape(label)}"',
        svg,
        count=1,
    )


@require_GET
def activity_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's screen: the code in large type and a QR code of the sign-in page."""
    activity = access.get_activity_for_user(request.user, pk, write=True)
    sign_in_url = request.build_absolute_uri(
        reverse("study:activity-sign-in", kwargs={"pk": activity.pk})
        + "?"
        + urlencode({"code": activity.sign_in_code})
    )
    opens, closes = services.sign_in_window(activity)
    now = timezone.now()
    counts = activity.registrations.aggregate(
        taken=Count("pk", filter=Q(status=Registration.Status.REGISTERED)),
        attended=Count("pk", filter=Q(attended_at__isnull=False)),
    )
    context = {
        "activity": activity,
        "sign_in_url": sign_in_url,
        "qr_svg": mark_safe(_qr_svg(sign_in_url)),  # noqa: S308 - made here from an escaped URL
        "opens": opens,
        "closes": closes,
        "sign_in_open": opens <= now <= closes,
        "too_early": now < opens,
        "counts": counts,
    }
    return render(request, "study/activity_code.html", context)


@require_http_methods(["GET", "POST"])
def activity_sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign in with the organiser's code: typed, or brought by the QR code and confirmed."""
    activity = access.get_activity_for_user(request.user, pk)
    if request.method == "POST":
        form = SignInForm(request.POST)
        failures_key = f"study-sign-in-failures:{activity.pk}:{request.user.pk}"
        if form.is_valid() and cache.get(failures_key, 0) >= SIGN_IN_MAX_FAILURES:
            form.add_error(
                "code",
                _("Too many wrong codes: wait %(minutes)s minutes, or ask the organiser.")
                % {"minutes": SIGN_IN_FAILURE_MINUTES},
            )
        elif form.is_valid():
            try:
                services.sign_in_to_activity(
                    actor=request.user, activity=activity, code=form.cleaned_data["code"]
                )
            except ValidationError as error:
                form.add_error("code", error)
                if error.code == "wrong_code":
                    # Counted outside the service's transaction, which the refusal rolls back.
                    cache.add(failures_key, 0, SIGN_IN_FAILURE_MINUTES * 60)
                    cache.incr(failures_key)
            else:
                messages.success(
                    request,
                    _("You are signed in. %(hours)s hours are credited to your study.")
                    % {"hours": activity.hours},
                )
                return _redirect_to(activity)
    else:
        form = SignInForm(initial={"code": request.GET.get("code", "")[:20]})
    opens, closes = services.sign_in_window(activity)
    context = {"activity": activity, "form": form, "opens": opens, "closes": closes}
    return render(request, "study/activity_sign_in.html", context)


# --- attendance by hand --------------------------------------------------------------------------


@require_GET
def activity_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The list of the activity's people, to mark present (or take a mark back)."""
    activity = access.get_activity_for_user(request.user, pk, write=True)
    registrations = list(
        activity.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("person", "person__branch", "attendance_marked_by")
        .order_by("status", "registered_at", "pk")
    )
    opens, _closes = services.sign_in_window(activity)
    context = {
        "activity": activity,
        "registrations": registrations,
        "attended": sum(1 for r in registrations if r.attended_at),
        "may_mark": timezone.now() >= opens,
        "opens": opens,
    }
    return render(request, "study/activity_attendance.html", context)


@require_POST
def activity_mark(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk, write=True)
    registration = access.get_registration_for_user(request.user, activity, registration_pk)
    try:
        services.mark_attendance(actor=request.user, registration=registration)
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(request, _("%(name)s is marked present.") % {"name": registration.person})
    return redirect("study:activity-attendance", pk=activity.pk)


@require_POST
def activity_unmark(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    activity = access.get_activity_for_user(request.user, pk, write=True)
    registration = access.get_registration_for_user(request.user, activity, registration_pk)
    try:
        services.unmark_attendance(actor=request.user, registration=registration)
    except ValidationError as error:
        _refuse(request, error)
    else:
        messages.success(
            request,
            _("The attendance of %(name)s is taken back, with the hours it credited.")
            % {"name": registration.person},
        )
    return redirect("study:activity-attendance", pk=activity.pk)


# --- readings ------------------------------------------------------------------------------------


@require_GET
def reading_list(request: HttpRequest) -> HttpResponse:
    """The readings by stage, each with whether the viewer has confirmed it."""
    if not access.can_read_readings(request.user):
        raise PermissionDenied
    form = ReadingFilterForm(request.GET)
    form.is_valid()
    stage = form.cleaned_data.get("stage")
    readings = access.readings_visible_to(request.user)
    if stage:
        readings = readings.filter(stage=stage)
    confirmed = ReadingConfirmation.objects.filter(reading=OuterRef("pk"), person=request.user)
    readings = readings.annotate(
        confirmed_at=Subquery(confirmed.values("confirmed_at")[:1])
    ).order_by("stage", "title", "pk")
    page = Paginator(readings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "study/reading_list.html", {"form": form, "page": page})


@require_http_methods(["GET", "POST"])
def reading_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A reading, and its confirmation with a short note (once)."""
    reading = access.get_reading_for_user(request.user, pk)
    confirmation = ReadingConfirmation.objects.filter(reading=reading, person=request.user).first()
    form = None
    if confirmation is None:
        form = ReadingConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.confirm_reading(
                    actor=request.user, reading=reading, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                form.add_error("note", error)
            else:
                messages.success(request, _("Thank you: the reading is confirmed."))
                return redirect("study:reading", pk=reading.pk)
    elif request.method == "POST":
        messages.error(request, _("You have already confirmed this reading."))
        return redirect("study:reading", pk=reading.pk)
    context = {"reading": reading, "confirmation": confirmation, "form": form}
    return render(request, "study/reading_detail.html", context)


@require_GET
def reading_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The reading's PDF, to members and staff only."""
    reading = access.get_reading_for_user(request.user, pk)
    if not reading.document:
        raise Http404
    try:
        document = reading.document.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    filename = f"{reading.title}.pdf"
    return FileResponse(
        document, as_attachment=False, filename=filename, content_type="application/pdf"
    )
