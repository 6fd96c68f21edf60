"""Raising a suggestion (with the daily limit), supporting it (+1) and reporting it."""

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .. import access, workflow
from ..anonymity import author_token
from ..models import Category, Photo, Report, Step, SubArea, Suggestion, Support
from ..photos import MAX_PHOTOS, clean_photo
from .moderation import hide
from .notices import active_staff, handlers_of, record_step, tell_each


def submitted_today(user) -> int:
    """How many suggestions `user` has submitted since midnight (named and anonymous)."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return Suggestion.objects.filter(access.mine(user), created_at__gte=midnight).count()


def check_daily_limit(user) -> None:
    """Refuse a submission over the day's limit, saying when he may submit again."""
    limit = settings.FEEDBACK_DAILY_LIMIT
    if submitted_today(user) >= limit:
        raise ValidationError(
            _(
                "You have already submitted %(limit)d suggestions today, the daily limit. "
                "Please come back tomorrow, or support a similar suggestion instead."
            ),
            code="daily_limit",
            params={"limit": limit},
        )


def one_submission_at_a_time(actor) -> None:
    """Wait for any other submission of `actor`'s to end, so that two tabs cannot both pass the
    daily limit.

    The lock is keyed by his token, not taken on his row: a row the transaction locks or writes
    keeps its id (PostgreSQL's `xmax`), and that id is the `xmin` of the suggestion it inserts,
    so a lock on his row would tie him to his anonymous suggestion for anyone reading the
    database. An advisory lock leaves nothing behind once the transaction ends.
    """
    key = int.from_bytes(bytes.fromhex(author_token(actor)[:16]), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@transaction.atomic
def submit_suggestion(
    *,
    actor,
    title: str,
    body: str,
    category: Category,
    sub_area: SubArea | None = None,
    anonymous: bool = False,
    photos: Sequence = (),
) -> Suggestion:
    """Raise a suggestion; an anonymous one is stored with the author's token, never his id."""
    if not access.can_submit(actor):
        raise PermissionDenied
    title = " ".join(title.split())
    body = body.strip()
    if not title or not body:
        raise ValidationError(_("A suggestion needs a title and details."), code="empty")
    if not category.is_active:
        raise ValidationError(_("Choose a category from the list."), code="category")
    if sub_area is not None and sub_area.category_id != category.pk:
        raise ValidationError(
            _("The sub-area “%(area)s” is not part of “%(category)s”."),
            code="sub_area",
            params={"area": sub_area.label, "category": category.label},
        )
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            _("At most %(count)d photos per suggestion."),
            code="too_many_photos",
            params={"count": MAX_PHOTOS},
        )
    # The cheap limits before any photo is decoded.
    check_daily_limit(actor)
    cleaned = [clean_photo(upload) for upload in photos]
    one_submission_at_a_time(actor)
    check_daily_limit(actor)
    suggestion = Suggestion.objects.create(
        title=title,
        body=body,
        category=category,
        sub_area=sub_area,
        is_anonymous=anonymous,
        author=None if anonymous else actor,
        author_token=author_token(actor) if anonymous else "",
    )
    for photo in cleaned:
        row = Photo(
            suggestion=suggestion,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
        )
        row.image.save("photo", photo.content, save=False)
        row.save()
    record_step(suggestion, Step.Action.SUBMIT, actor=actor, by_author=True)
    tell_each(
        handlers_of(suggestion.category),
        suggestion=suggestion,
        kind="feedback-new",
        key=f"feedback-new:{suggestion.pk}",
    )
    return suggestion


@transaction.atomic
def toggle_support(*, actor, suggestion: Suggestion) -> bool:
    """Add `actor`'s +1, or take it back; returns whether he supports it now."""
    workflow.require(actor, suggestion, workflow.SUPPORT)
    workflow.next_status(suggestion, workflow.SUPPORT)
    deleted, _rows = Support.objects.filter(suggestion=suggestion, supporter=actor).delete()
    if deleted:
        Suggestion.objects.filter(pk=suggestion.pk).update(support_count=F("support_count") - 1)
        supported = False
    else:
        try:
            with transaction.atomic():
                Support.objects.create(suggestion=suggestion, supporter=actor)
        except IntegrityError:  # the same person, twice at once: one +1 only
            return True
        Suggestion.objects.filter(pk=suggestion.pk).update(support_count=F("support_count") + 1)
        supported = True
    suggestion.refresh_from_db(fields=["support_count"])
    return supported


@transaction.atomic
def report_suggestion(*, actor, suggestion: Suggestion, reason: str = "") -> bool:
    """Report a suggestion; enough reports hide it until staff review it. True if now hidden."""
    workflow.require(actor, suggestion, workflow.REPORT)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    workflow.next_status(suggestion, workflow.REPORT)
    try:
        with transaction.atomic():
            Report.objects.create(suggestion=suggestion, reporter=actor, reason=reason.strip())
    except IntegrityError:
        raise ValidationError(
            _("You have already reported this suggestion."), code="duplicate"
        ) from None
    suggestion.report_count += 1
    suggestion.save(update_fields=["report_count"])
    if suggestion.report_count < settings.FEEDBACK_REPORTS_TO_HIDE:
        return False
    # Stored text: written in the portal's language, whoever's request triggered it.
    with translation.override(settings.LANGUAGE_CODE):
        reason_text = _("Hidden pending review after %(count)d reports.") % {
            "count": suggestion.report_count
        }
    hide(suggestion, actor=None, reason=reason_text)
    tell_each(
        active_staff(),
        suggestion=suggestion,
        kind="feedback-reported",
        key=f"feedback-reported:{suggestion.pk}:{int(suggestion.hidden_at.timestamp())}",
        count=suggestion.report_count,
    )
    return True
