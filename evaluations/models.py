"""Mutual evaluation (党群互评) and the annual appraisal (民主评议党员).

A campaign evaluates some members (`Evaluatee`) over a period; when it opens, who may evaluate
whom, and why, is written down once (`Eligibility`). A `Ballot` belongs to an evaluatee, never to
its evaluator: it carries only `token`, a keyed hash of the campaign, the evaluator and the
evaluatee (see `evaluations.secrecy`), which lets the evaluator (and only someone holding the
key) find his ballot again and makes a second ballot impossible, since the token is unique per
campaign. A ballot keeps no time and its id is random, so neither its time nor its order tells
anything; the results are computed once, when the campaign closes, and shown only over at least
`EVALUATIONS_MIN_BALLOTS` ballots.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from common.names import in_reader_language

# The scale of every question: 1 (very poor) to 5 (very good).
SCORE_MIN = 1
SCORE_MAX = 5


class Kind(models.TextChoices):
    MUTUAL = "mutual", _("Party-masses mutual evaluation")
    APPRAISAL = "appraisal", _("Annual appraisal of Party members")


class Scope(models.TextChoices):
    PARTY_MEMBERS = "party", _("All Party members")
    BRANCH = "branch", _("The Party members of a branch")
    STUDY_PLAN = "plan", _("The people following a study plan")


class Relation(models.TextChoices):
    """Why an evaluator evaluates a member; the label names the evaluators as a kind."""

    SELF = "self", pgettext_lazy("evaluator kind", "Self-evaluation")
    TUTEE = "tutee", pgettext_lazy("evaluator kind", "Tutees")
    RESIDENT = "resident", pgettext_lazy("evaluator kind", "Residents of rooms looked after")
    AUTHOR = "author", pgettext_lazy("evaluator kind", "Authors of suggestions handled")
    GROUP = "group", pgettext_lazy("evaluator kind", "Fellow members of the group")
    BRANCH = "branch", pgettext_lazy("evaluator kind", "Fellow members of the branch")


# What the evaluator reads beside the member he may evaluate: why him.
REASONS = {
    Relation.SELF: pgettext_lazy("why you evaluate", "Yourself"),
    Relation.TUTEE: pgettext_lazy("why you evaluate", "Your peer tutor"),
    Relation.RESIDENT: pgettext_lazy("why you evaluate", "Looks after your room"),
    Relation.AUTHOR: pgettext_lazy("why you evaluate", "Handled your suggestion"),
    Relation.GROUP: pgettext_lazy("why you evaluate", "In your workstation group"),
    Relation.BRANCH: pgettext_lazy("why you evaluate", "In your Party branch"),
}


class Grade(models.TextChoices):
    EXCELLENT = "excellent", pgettext_lazy("appraisal grade", "Excellent")
    QUALIFIED = "qualified", pgettext_lazy("appraisal grade", "Qualified")
    BASIC = "basic", pgettext_lazy("appraisal grade", "Basically qualified")
    UNQUALIFIED = "unqualified", pgettext_lazy("appraisal grade", "Unqualified")


# The grades that count as "at least qualified".
PASSING_GRADES = frozenset({Grade.EXCELLENT, Grade.QUALIFIED})


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("campaign status", "Not open yet")
    OPEN = "open", pgettext_lazy("campaign status", "Open")
    CLOSED = "closed", pgettext_lazy("campaign status", "Closed")
    PUBLISHED = "published", pgettext_lazy("campaign status", "Results published")


BELOW_GRADES = (Grade.BASIC, Grade.UNQUALIFIED)


def below_qualified() -> Q:
    """The members whose grade that stands (the final one, else the computed one) is below
    Qualified."""
    return Q(final_grade__in=BELOW_GRADES) | Q(final_grade="", computed_grade__in=BELOW_GRADES)


def closing_between(campaigns, start, end):
    """The campaigns, not drafts, whose voting closes between two days (either may be None)."""
    campaigns = campaigns.exclude(status=Status.DRAFT)
    if start:
        campaigns = campaigns.filter(closes_at__date__gte=start)
    if end:
        campaigns = campaigns.filter(closes_at__date__lte=end)
    return campaigns


def _all_relations() -> list[str]:
    return list(Relation.values)


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def due_to_open(self, now=None) -> "CampaignQuerySet":
        return self.filter(status=Status.DRAFT, opens_at__lte=now or timezone.now())

    def due_to_close(self, now=None) -> "CampaignQuerySet":
        return self.filter(status=Status.OPEN, closes_at__lte=now or timezone.now())


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MUTUAL)
    scope = models.CharField(
        _("who is evaluated"), max_length=10, choices=Scope.choices, default=Scope.PARTY_MEMBERS
    )
    branch = models.ForeignKey(
        "members.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only when the Party members of a branch are evaluated."),
    )
    # A study plan of the study app (which sits above this one): its id, chosen from the plans
    # that app registers in `evaluations.populations`.
    study_plan_id = models.PositiveIntegerField(_("study plan"), null=True, blank=True)
    relations = models.JSONField(
        _("who evaluates"),
        default=_all_relations,
        help_text=_("The kinds of evaluators; authors of anonymous suggestions never are."),
    )
    period_start = models.DateField(
        _("period from"), help_text=_("Who served whom is read over this period.")
    )
    period_end = models.DateField(_("period until"))
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    excellent_from = models.DecimalField(
        _("Excellent from"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("4.50"),
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    qualified_from = models.DecimalField(
        _("Qualified from"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("3.50"),
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    basic_from = models.DecimalField(
        _("Basically qualified from"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("2.50"),
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
        help_text=_("Below this average the computed grade is Unqualified."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    opened_at = models.DateTimeField(
        pgettext_lazy("campaign", "opened"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(
        pgettext_lazy("campaign", "closed"), null=True, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    # When the "two days left" reminder went; it goes once.
    closing_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords()
    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation campaign")
        verbose_name_plural = _("evaluation campaigns")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="evaluations_window_order",
                violation_error_message=_("Voting must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evaluations_period_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(excellent_from__gte=models.F("qualified_from"))
                & Q(qualified_from__gte=models.F("basic_from")),
                name="evaluations_threshold_order",
                violation_error_message=_(
                    "The thresholds must rise from Basically qualified to Excellent."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluations:campaign", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.scope == Scope.BRANCH and self.branch_id is None:
            errors["branch"] = _("Choose the branch whose Party members are evaluated.")
        if self.scope != Scope.BRANCH and self.branch_id is not None:
            errors["branch"] = _("A branch is chosen only when one branch is evaluated.")
        if self.scope == Scope.STUDY_PLAN and self.study_plan_id is None:
            errors["study_plan_id"] = _("Choose the study plan whose people are evaluated.")
        if self.scope != Scope.STUDY_PLAN and self.study_plan_id is not None:
            errors["study_plan_id"] = _(
                "A study plan is chosen only when its people are evaluated."
            )
        unknown = set(self.relations or []) - set(Relation.values)
        if not self.relations or unknown:
            errors["relations"] = _("Choose at least one kind of evaluator.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_voting(self) -> bool:
        """Ballots may be cast and changed: open, and the window not yet over."""
        now = timezone.now()
        return self.status == Status.OPEN and self.opens_at <= now < self.closes_at

    @property
    def has_results(self) -> bool:
        return self.status in (Status.CLOSED, Status.PUBLISHED)

    def grade_of(self, average: Decimal | None) -> str:
        """The computed grade of an overall average, by this campaign's thresholds."""
        if average is None:
            return ""
        if average >= self.excellent_from:
            return Grade.EXCELLENT
        if average >= self.qualified_from:
            return Grade.QUALIFIED
        if average >= self.basic_from:
            return Grade.BASIC
        return Grade.UNQUALIFIED


class Question(models.Model):
    """A scale item of a campaign's ballot, scored 1 to 5."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="questions"
    )
    text = models.CharField(_("question"), max_length=200)
    text_en = models.CharField(
        _("question in English"),
        max_length=200,
        blank=True,
        help_text=_("Shown to those who read the portal in English; the question if empty."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The question in the reader's language."""
        return in_reader_language(self.text, self.text_en)


class Evaluatee(models.Model):
    """A member evaluated in a campaign, with his results once it closes and the final grade
    his branch's committee records."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="evaluatees"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    # His branch when the campaign opened: whose committee records his grade.
    branch = models.ForeignKey(
        "members.Branch",
        verbose_name=_("branch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Results, computed when the campaign closes (self-evaluation apart).
    ballots = models.PositiveIntegerField(_("ballots"), default=0)
    averages = models.JSONField(_("averages per question"), default=dict, blank=True)
    average = models.DecimalField(
        _("overall average"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    computed_grade = models.CharField(
        _("computed grade"), max_length=12, choices=Grade.choices, blank=True
    )
    # The final appraisal, recorded by the branch committee.
    final_grade = models.CharField(
        _("final grade"), max_length=12, choices=Grade.choices, blank=True
    )
    final_reason = models.TextField(_("reason"), blank=True)
    final_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    final_on = models.DateField(_("recorded on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["ballots", "averages", "average"])

    class Meta:
        verbose_name = _("evaluated member")
        verbose_name_plural = _("evaluated members")
        ordering = ["campaign", "person__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"], name="evaluations_one_evaluatee_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} - {self.campaign}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:result", args=[self.pk])

    @property
    def grade(self) -> str:
        """The grade that stands: the committee's final one, else the computed one."""
        return self.final_grade or self.computed_grade


class Eligibility(models.Model):
    """`evaluator` may evaluate `evaluatee` in the campaign, for `relation`; written once when
    the campaign opens. Whether he has voted is not kept here (see `Ballot`)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    evaluatee = models.ForeignKey(Evaluatee, on_delete=models.CASCADE, related_name="eligibilities")
    relation = models.CharField(max_length=10, choices=Relation.choices)

    class Meta:
        verbose_name = _("eligibility")
        verbose_name_plural = _("eligibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "evaluator", "evaluatee", "relation"],
                name="evaluations_one_eligibility_per_relation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluatee} ({self.relation})"


class Ballot(models.Model):
    """One evaluator's ballot on one member: scores per question and a comment. It names the
    member, never the evaluator; see the module's docstring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    evaluatee = models.ForeignKey(Evaluatee, on_delete=models.CASCADE, related_name="ballot_set")
    token = models.CharField(max_length=64)
    is_self = models.BooleanField(default=False)
    # {question id (as text): score}
    scores = models.JSONField(default=dict)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = pgettext_lazy("model", "ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "token"], name="evaluations_one_ballot_per_evaluator"
            )
        ]

    def __str__(self) -> str:
        # Never the evaluator: only the member evaluated.
        return str(self.evaluatee)
