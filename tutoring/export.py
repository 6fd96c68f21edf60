"""Requests, pairings and sessions as Excel workbooks for staff; every row formula-safe."""

import tablib
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.exports import formula_safe

from .models import Pairing, Request, Session


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _field_label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


def _workbook(title: str, headers: list[str], rows) -> bytes:
    dataset = tablib.Dataset(headers=headers, title=title[:31])
    for row in rows:
        dataset.append(formula_safe(row))
    return dataset.export("xlsx")


def export_requests() -> bytes:
    requests = Request.objects.select_related("tutee").order_by("created_at", "pk")
    return _workbook(
        _("Tutoring requests"),
        [
            pgettext("tutoring request", "Number"),
            _("Student"),
            _("Student number"),
            _("Major"),
            _("Grade"),
            _("Topic"),
            _("Course"),
            _("Times that suit"),
            _("What is needed"),
            _("Status"),
            pgettext("tutoring request", "Asked"),
        ],
        (
            [
                r.pk,
                r.tutee.display_name,
                r.tutee.number,
                r.major,
                r.grade or "",
                r.get_topic_display(),
                r.course,
                r.time_labels(),
                r.description,
                r.get_status_display(),
                _when(r.created_at),
            ]
            for r in requests.iterator(chunk_size=1000)
        ),
    )


def export_pairings() -> bytes:
    pairings = Pairing.objects.select_related("tutee", "tutor", "request").order_by("pk")
    return _workbook(
        _("Pairings"),
        [
            pgettext("tutoring request", "Number"),
            _("Student"),
            _("Tutor"),
            _("Subject"),
            _("Status"),
            _("Reason for ending"),
            _("Reason for declining"),
            # The times, headed by their fields' names: "Proposed" alone reads as a status.
            _field_label(Pairing, "created_at"),
            _field_label(Pairing, "accepted_at"),
            _field_label(Pairing, "ended_at"),
            _("Last contact"),
        ],
        (
            [
                p.pk,
                p.tutee.display_name,
                p.tutor.display_name,
                p.request.subject,
                p.get_status_display(),
                p.get_end_reason_display(),
                p.decline_reason,
                _when(p.created_at),
                _when(p.accepted_at),
                _when(p.ended_at),
                p.quiet_since.isoformat() if p.quiet_since else "",
            ]
            for p in pairings.iterator(chunk_size=1000)
        ),
    )


def export_sessions() -> bytes:
    sessions = Session.objects.select_related(
        "tutor", "pairing__tutee", "logged_by", "rating"
    ).order_by("date", "pk")
    return _workbook(
        _("Tutoring sessions"),
        [
            _("Date"),
            _("Tutor"),
            _("Student"),
            _("Minutes"),
            pgettext("tutoring session", "Topic"),
            pgettext("tutoring session", "Notes"),
            _("Next step"),
            _("Logged by"),
            _("Confirmed"),
            _("Rating"),
            pgettext("tutoring", "Comment"),
        ],
        (
            [
                s.date.isoformat(),
                s.tutor.display_name,
                s.pairing.tutee.display_name,
                s.minutes,
                s.topic,
                s.notes,
                s.next_step,
                s.logged_by.display_name if s.logged_by else "",
                _when(s.confirmed_at),
                (getattr(s, "rating", None) and s.rating.score) or "",
                (getattr(s, "rating", None) and s.rating.comment) or "",
            ]
            for s in sessions.iterator(chunk_size=1000)
        ),
    )


EXPORTS = {
    "requests": export_requests,
    "pairings": export_pairings,
    "sessions": export_sessions,
}
