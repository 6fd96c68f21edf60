"""Peer tutoring (朋辈辅导): students ask for help, members offer it, staff keep the list of
related majors; a pairing of a tutee with a tutor goes through its workflow (`tutoring.workflow`)
with every step in its history; the pair logs sessions, the other side confirms them, the tutee
rates each confirmed one and answers short check-in surveys.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.names import join_names


class Topic(models.TextChoices):
    STUDY_PLANNING = "study", _("Study planning")
    CAREER_PLANNING = "career", _("Career planning")
    COURSE = "course", _("A course")
    SUBJECT = "subject", _("Questions on the subject")


class TimeSlot(models.TextChoices):
    WEEKDAY_MORNING = "wd-am", _("Weekday mornings")
    WEEKDAY_AFTERNOON = "wd-pm", _("Weekday afternoons")
    WEEKDAY_EVENING = "wd-eve", _("Weekday evenings")
    WEEKEND_MORNING = "we-am", _("Weekend mornings")
    WEEKEND_AFTERNOON = "we-pm", _("Weekend afternoons")
    WEEKEND_EVENING = "we-eve", _("Weekend evenings")


def slot_labels(slots) -> str:
    """The labels of `slots`, in the order of the choices."""
    return join_names(label for value, label in TimeSlot.choices if value in set(slots))


def _slots(verbose_name) -> ArrayField:
    return ArrayField(
        models.CharField(max_length=8, choices=TimeSlot.choices),
        verbose_name=verbose_name,
        default=list,
        blank=True,
    )


class RelatedMajor(models.Model):
    """Two majors close enough that a tutor of one helps a student of the other (staff keep
    the list; the pair is kept once, in either order)."""

    major = models.CharField(_("major"), max_length=64)
    related = models.CharField(_("related major"), max_length=64)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("related majors")
        verbose_name_plural = _("related majors")
        ordering = ["major", "related"]
        constraints = [
            models.UniqueConstraint(
                fields=["major", "related"],
                name="tutoring_related_major_once",
                violation_error_message=_("These two majors are listed already."),
            ),
            models.CheckConstraint(
                condition=~Q(major=models.F("related")),
                name="tutoring_related_major_not_itself",
                violation_error_message=_("A major is not related to itself: name another."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.major} ↔ {self.related}"


class Offer(models.Model):
    """A member's offer to tutor: topics, courses, how many tutees at once, and when."""

    tutor = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tutor"),
        on_delete=models.CASCADE,
        related_name="tutoring_offer",
    )
    topics = ArrayField(
        models.CharField(max_length=8, choices=Topic.choices),
        verbose_name=_("topics"),
        default=list,
    )
    capacity = models.PositiveSmallIntegerField(
        _("tutees at once"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    times = _slots(_("times that suit"))
    note = models.TextField(_("about me"), blank=True, max_length=1000)
    paused = models.BooleanField(
        _("paused"), default=False, help_text=_("A paused offer is not suggested to anyone.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tutoring offer")
        verbose_name_plural = _("tutoring offers")
        ordering = ["tutor__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="tutoring_offer_capacity_positive"
            )
        ]

    def __str__(self) -> str:
        return str(self.tutor)

    def topic_labels(self) -> str:
        return join_names(Topic(topic).label for topic in self.topics if topic in Topic.values)

    def time_labels(self) -> str:
        return slot_labels(self.times)


class OfferCourse(models.Model):
    """A course a tutor offers help with, and the grade he got in it (optional)."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="courses"
    )
    course = models.CharField(
        _("course"), max_length=100, help_text=_("The course's name or code.")
    )
    grade_got = models.CharField(_("grade got"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("course offered")
        verbose_name_plural = _("courses offered")
        ordering = ["offer", "course"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "course"], name="tutoring_offer_course_once")
        ]

    def __str__(self) -> str:
        if not self.grade_got:
            return self.course
        return gettext("%(course)s (%(grade)s)") % {"course": self.course, "grade": self.grade_got}


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a tutor")
    PROPOSED = "proposed", _("Tutor proposed")
    MATCHED = "matched", _("Matched")
    CLOSED = "closed", pgettext_lazy("tutoring request", "Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A request in these statuses still wants (or has) a tutor.
OPEN_REQUEST_STATUSES = (RequestStatus.OPEN, RequestStatus.PROPOSED, RequestStatus.MATCHED)


class RequestQuerySet(models.QuerySet["Request"]):
    def search(self, text: str) -> "RequestQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(tutee__name__icontains=text)
            | Q(tutee__student_number__icontains=text)
            | Q(course__icontains=text)
            | Q(description__icontains=text)
        )


class Request(models.Model):
    """A student's request for a tutor. Major and grade are his profile's when he asked."""

    tutee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="tutoring_requests",
    )
    topic = models.CharField(_("topic"), max_length=8, choices=Topic.choices)
    course = models.CharField(
        _("course"), max_length=100, blank=True, help_text=_("The course's name or code.")
    )
    major = models.CharField(_("major"), max_length=64, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    times = _slots(_("times that suit"))
    description = models.TextField(_("what you need"), max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.OPEN,
        db_index=True,
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now, db_index=True)
    # Since when it waits for a proposal: asked, or the last proposal declined.
    waiting_since = models.DateTimeField(_("waiting since"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("tutoring request")
        verbose_name_plural = _("tutoring requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(topic="course") | ~Q(course=""),
                name="tutoring_request_course_named",
                violation_error_message=_("Name the course, by its name or code."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.tutee} · {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("tutoring:request", kwargs={"pk": self.pk})

    @property
    def subject(self) -> str:
        """What help is asked for: the course, or the topic."""
        if self.topic == Topic.COURSE:
            return self.course
        return str(self.get_topic_display())

    def time_labels(self) -> str:
        return slot_labels(self.times)

    @property
    def is_waiting(self) -> bool:
        return self.status == RequestStatus.OPEN


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")
    DECLINED = "declined", pgettext_lazy("tutoring", "Declined")


# A pairing in these holds a place of the tutor's capacity.
OPEN_STATUSES = (Status.PROPOSED, Status.ACTIVE, Status.PAUSED)


class EndReason(models.TextChoices):
    GOAL_REACHED = "goal", _("Goal reached")
    TUTEE_WITHDREW = "withdrew", _("The student withdrew")
    TUTOR_GRADUATED = "graduated", _("The tutor graduated")
    NO_CONTACT = "no-contact", _("No contact")


class PairingQuerySet(models.QuerySet["Pairing"]):
    def open(self) -> "PairingQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def involving(self, user) -> "PairingQuerySet":
        return self.filter(Q(tutor=user) | Q(tutee=user))


class Pairing(models.Model):
    """A tutee with a tutor, for one request. A handover changes the tutor and keeps the rest."""

    request = models.ForeignKey(
        Request, verbose_name=_("request"), on_delete=models.CASCADE, related_name="pairings"
    )
    tutee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="tutoring_as_tutee",
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tutor"),
        on_delete=models.PROTECT,
        related_name="tutoring_as_tutor",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for ending"), max_length=10, choices=EndReason.choices, blank=True
    )
    decline_reason = models.TextField(pgettext_lazy("tutoring", "reason for declining"), blank=True)
    # The start of the present quiet spell: the last session's day, or the day it became active
    # (again); the reminders of a quiet spell name it.
    quiet_since = models.DateField(_("last contact"), null=True, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["proposed", "active", "paused"]),
                name="tutoring_one_open_pairing_per_request",
                violation_error_message=_("This request has a tutor proposed or paired already."),
            ),
            models.CheckConstraint(
                condition=~Q(tutor=models.F("tutee")),
                name="tutoring_no_self_tutoring",
                violation_error_message=_("Nobody tutors himself."),
            ),
            models.CheckConstraint(
                condition=Q(status="ended") | Q(end_reason=""),
                name="tutoring_end_reason_only_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tutor} → {self.tutee}"

    def get_absolute_url(self) -> str:
        return reverse("tutoring:pairing", kwargs={"pk": self.pk})

    def involves(self, user) -> bool:
        return user.pk in (self.tutor_id, self.tutee_id)


class Step(models.Model):
    """One step of a pairing's history: who did what, when."""

    class Action(models.TextChoices):
        PROPOSE = "propose", _("Proposed")
        ACCEPT = "accept", pgettext_lazy("tutoring", "Accepted")
        DECLINE = "decline", pgettext_lazy("tutoring", "Declined")
        PAUSE = "pause", _("Paused")
        RESUME = "resume", _("Resumed")
        END = "end", _("Ended")
        HAND_OVER = "handover", _("Handed over to a new tutor")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="steps"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("pairing step")
        verbose_name_plural = _("pairing steps")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


class SessionQuerySet(models.QuerySet["Session"]):
    def confirmed(self) -> "SessionQuerySet":
        return self.filter(confirmed_at__isnull=False)


class Session(models.Model):
    """A tutoring session, logged by either side and confirmed by the other. `tutor` is who
    tutored it (a handover later does not move it)."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="sessions"
    )
    tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tutor"),
        on_delete=models.PROTECT,
        related_name="tutoring_sessions_given",
    )
    date = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(10), MaxValueValidator(480)]
    )
    topic = models.CharField(pgettext_lazy("tutoring session", "topic"), max_length=200)
    notes = models.TextField(
        pgettext_lazy("tutoring session", "notes"), blank=True, max_length=2000
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    logged_at = models.DateTimeField(_("logged"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("person", "confirmed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("tutoring session")
        verbose_name_plural = _("tutoring sessions")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=10) & Q(minutes__lte=480),
                name="tutoring_session_duration",
                violation_error_message=_("A session lasts from 10 minutes to 8 hours."),
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | ~Q(confirmed_by=models.F("logged_by")),
                name="tutoring_session_confirmed_by_other_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} · {self.topic}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


class Rating(models.Model):
    """The tutee's rating of a confirmed session: 1 to 5 and a comment. Who sees it is
    `tutoring.access`'s rule (the tutor only an average, staff in full)."""

    session = models.OneToOneField(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="rating"
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("rated"), default=timezone.now)

    class Meta:
        verbose_name = _("session rating")
        verbose_name_plural = _("session ratings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5),
                name="tutoring_rating_one_to_five",
                violation_error_message=_("A rating is from 1 to 5."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}/5"


class CheckIn(models.Model):
    """A short survey of the tutee about his pairing, at one month and at the end of each
    semester (`occasion` names which: "month" or "semester-<last day>")."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="check_ins"
    )
    occasion = models.CharField(_("occasion"), max_length=24)
    created_at = models.DateTimeField(pgettext_lazy("check-in", "sent"), default=timezone.now)
    helpful = models.PositiveSmallIntegerField(
        _("how helpful (1 to 5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    in_touch = models.BooleanField(_("in touch regularly"), null=True, blank=True)
    go_on = models.BooleanField(_("wants to go on"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "occasion"], name="tutoring_one_check_in_per_occasion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pairing} · {self.occasion_label}"

    def get_absolute_url(self) -> str:
        return reverse("tutoring:check-in", kwargs={"pk": self.pk})

    @property
    def occasion_label(self) -> str:
        if self.occasion == "month":
            return str(_("after the first month"))
        day = self.occasion.removeprefix("semester-")
        return str(_("at the end of the semester (%(day)s)") % {"day": day})

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
