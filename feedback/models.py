"""The suggestion board: categories with their handlers, suggestions, their photos, supports,
reports and the status history.

Anonymity holds by construction: an anonymous suggestion has no link to its author, only an
`author_token`, a keyed hash of his account id (see `feedback.anonymity`) that nobody without
the server's secret can turn back into a person.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from common.names import in_reader_language


class Category(models.Model):
    """A top-level area (教育教学, 管理, 服务) routed to its handlers, with response targets."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    first_response_days = models.PositiveSmallIntegerField(
        _("first response within (days)"), default=3
    )
    answer_days = models.PositiveSmallIntegerField(_("answer within (days)"), default=7)
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handlers"),
        blank=True,
        related_name="feedback_categories",
        help_text=_("Staff and workstation members who accept and answer suggestions here."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(m2m_fields=[handlers])

    class Meta:
        verbose_name = _("suggestion category")
        verbose_name_plural = _("suggestion categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return in_reader_language(self.name, self.name_en)


class SubArea(models.Model):
    """A sub-area of a category: 宿舍, 食堂, 自习室, 图书馆, 网络, …"""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="sub_areas"
    )
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sub-area")
        verbose_name_plural = _("sub-areas")
        ordering = ["category__position", "position", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "name"],
                name="feedback_subarea_unique_name",
                violation_error_message=_("This category already has a sub-area of this name."),
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return in_reader_language(self.name, self.name_en)


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged as a duplicate")


# Waiting for a handler: these count towards the response targets.
OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.IN_PROGRESS)
FINISHED_STATUSES = (Status.CLOSED, Status.DECLINED, Status.MERGED)


def _days(field: str) -> ExpressionWrapper:
    """The number of days in `field`, as an interval."""
    return ExpressionWrapper(F(field) * datetime.timedelta(days=1), output_field=DurationField())


def overdue_at(now: datetime.datetime) -> Q:
    """The one rule of lateness: an open suggestion is overdue when, at `now`, its first response
    is later than its category's target, or its answer is (on a `with_targets` queryset)."""
    return Q(status__in=OPEN_STATUSES) & (
        Q(first_response_at__isnull=True, first_response_due__lt=now) | Q(answer_due__lt=now)
    )


def late_stage() -> Concat:
    """The stage an open suggestion is late in, as SQL: "first" (its first response) or
    "answer", with "-reopened" once its author has reopened it."""
    return Concat(
        Case(When(first_response_at__isnull=True, then=Value("first")), default=Value("answer")),
        Case(When(reopened_at__isnull=False, then=Value("-reopened")), default=Value("")),
    )


class SuggestionQuerySet(models.QuerySet["Suggestion"]):
    def shown(self) -> "SuggestionQuerySet":
        """Not hidden by moderation."""
        return self.filter(hidden=False)

    def open(self) -> "SuggestionQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def with_targets(self) -> "SuggestionQuerySet":
        """With the due times of the first response and of the answer (the latter counted from
        the author's reopening, if he reopened it), for the filters below."""
        return self.alias(
            first_response_due=F("created_at") + _days("category__first_response_days"),
            answer_due=Coalesce("reopened_at", "created_at") + _days("category__answer_days"),
        )

    def overdue(self, now: datetime.datetime) -> "SuggestionQuerySet":
        """Those overdue at `now` (see `overdue_at`): the reminder sweep, the statistics and the
        queue's filter."""
        return self.with_targets().filter(overdue_at(now))

    def overdue_untold(
        self, now: datetime.datetime, escalate_after: datetime.timedelta
    ) -> "SuggestionQuerySet":
        """Those overdue at `now` of which the reminder sweep has something left to tell: its
        handlers not reminded of the stage it is late in, or staff not told of it once it has
        stayed late `escalate_after` (see `Suggestion.overdue_reminded`). Each has `late_stage`."""
        deadline = Case(
            When(first_response_at__isnull=True, then=F("first_response_due")),
            default=F("answer_due"),
        )
        done = Q(overdue_reminded=F("late_stage")) & (
            Q(overdue_escalated=F("late_stage")) | Q(late_deadline__gt=now - escalate_after)
        )
        return (
            self.overdue(now)
            .annotate(late_stage=late_stage())
            .alias(late_deadline=deadline)
            .exclude(done)
        )

    def with_overdue(self, now: datetime.datetime) -> "SuggestionQuerySet":
        """Each with `is_overdue`: whether it is overdue at `now`, for the pages to mark it."""
        return self.with_targets().annotate(
            is_overdue=ExpressionWrapper(overdue_at(now), output_field=BooleanField())
        )

    def search(self, text: str) -> "SuggestionQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(title__icontains=text) | Q(body__icontains=text))


class Suggestion(models.Model):
    """A suggestion raised by a student; anonymous ones keep no link to him (`author` is null)."""

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("details"))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="suggestions"
    )
    sub_area = models.ForeignKey(
        SubArea,
        verbose_name=_("sub-area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    # Exactly one of these two is set: the author of a named suggestion, or the keyed hash that
    # lets an anonymous author (and only him) find his suggestion again.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    author_token = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_suggestions",
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    answer = models.TextField(_("official answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_suggestions",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    satisfied = models.BooleanField(_("author satisfied"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    support_count = models.PositiveIntegerField(_("supporters"), default=0)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    hidden = models.BooleanField(_("hidden"), default=False, db_index=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    # The stage (`late_stage`) whose lateness the reminder sweep has told the handlers of, and
    # staff: an hourly run then leaves out what it has done, however many suggestions are late.
    # The notices' keys still make each notice once.
    overdue_reminded = models.CharField(max_length=20, blank=True, editable=False)
    overdue_escalated = models.CharField(max_length=20, blank=True, editable=False)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-pk"]
        permissions = [("moderate_suggestion", _("Can hide and restore suggestions"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False, author_token="")
                | Q(is_anonymous=True, author__isnull=True),
                name="feedback_anonymous_has_no_author",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("feedback:detail", kwargs={"pk": self.pk})

    @property
    def waiting_since(self) -> datetime.datetime:
        """Since when the handlers owe an answer: submission, or the author's reopening."""
        return self.reopened_at or self.created_at

    def first_response_due(self) -> datetime.datetime:
        return self.created_at + datetime.timedelta(days=self.category.first_response_days)

    def answer_due(self) -> datetime.datetime:
        return self.waiting_since + datetime.timedelta(days=self.category.answer_days)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


def photo_path(instance: "Photo", filename: str) -> str:
    """A random name: never the uploader's file name, which may carry his name."""
    return f"feedback/photos/{uuid.uuid4().hex}.{instance.extension}"


class Photo(models.Model):
    """A photo of a suggestion, re-encoded without its metadata; served only through a view."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("image"), upload_to=photo_path)
    content_type = models.CharField(_("image type"), max_length=32)
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["suggestion", "pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:photo", kwargs={"pk": self.pk})

    @property
    def extension(self) -> str:
        return {"image/png": "png", "image/webp": "webp"}.get(self.content_type, "jpg")


def start_of_today() -> datetime.datetime:
    """Today at midnight, in the portal's time zone."""
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))


class Support(models.Model):
    """One person's +1 on a suggestion; the board shows only the count."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="supports"
    )
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supporter"),
        on_delete=models.CASCADE,
        related_name="feedback_supports",
    )
    # The day only: a +1 given on the submission page (to a similar suggestion) just before an
    # anonymous submission would otherwise carry its author's name and nearly its time.
    created_at = models.DateTimeField(_("supported"), default=start_of_today)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "supporter"], name="feedback_support_once"
            )
        ]

    def __str__(self) -> str:
        return f"+1 #{self.suggestion_id}"


class Report(models.Model):
    """A person's report that a suggestion is inappropriate; enough of them hide it."""

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.CASCADE,
        related_name="feedback_reports",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = pgettext_lazy("model", "reports")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "reporter"], name="feedback_report_once")
        ]

    def __str__(self) -> str:
        return f"#{self.suggestion_id}: {self.reason}"


class Step(models.Model):
    """One step of a suggestion's history: who did what, when.

    `actor` is null when the author of an anonymous suggestion acts (`by_author` says so), so
    that the history never names him.
    """

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted")
        ACCEPT = "accept", _("Accepted")
        ASSIGN = "assign", _("Assigned")
        START = "start", _("Work started")
        ANSWER = "answer", _("Answered")
        CLOSE = "close", _("Closed")
        DECLINE = "decline", _("Declined")
        MERGE = "merge", _("Merged as a duplicate")
        RATE = "rate", _("Rated by the author")
        REOPEN = "reopen", _("Reopened by the author")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Shown again")

    suggestion = models.ForeignKey(
        Suggestion, verbose_name=_("suggestion"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    by_author = models.BooleanField(_("by the author"), default=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    # Whether the author has been told of this step. Authors of anonymous suggestions are told
    # in batches by `deliver_anonymous_news`, not at the moment of the step.
    author_told = models.BooleanField(_("author told"), default=False)

    class Meta:
        verbose_name = _("history step")
        verbose_name_plural = _("history steps")
        ordering = ["suggestion", "created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="feedback_step_untold_idx",
                condition=Q(author_told=False, by_author=False),
            )
        ]

    def __str__(self) -> str:
        return f"#{self.suggestion_id} {self.get_action_display()}"


class NewsBatch(models.Model):
    """A batch that told the authors of anonymous suggestions of news (see
    `services.deliver_anonymous_news`): when it went, so that the next waits its turn."""

    sent_at = models.DateTimeField(
        pgettext_lazy("news batch", "sent"), default=timezone.now, db_index=True
    )
    authors = models.PositiveIntegerField(_("authors told"), default=0)

    class Meta:
        verbose_name = _("news batch for anonymous authors")
        verbose_name_plural = _("news batches for anonymous authors")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M}"
