"""The final appraisal grade, recorded by the member's branch committee."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import may_appraise
from ..models import Evaluatee, Grade


@transaction.atomic
def record_final_grade(*, actor, evaluatee: Evaluatee, grade: str, reason: str = "") -> Evaluatee:
    """Record (or change) `evaluatee`'s final grade. It may differ from the computed grade, with
    a reason; it shows on the member's development timeline."""
    if not may_appraise(actor, evaluatee):
        raise PermissionDenied
    if grade not in Grade.values:
        raise ValidationError(_("Choose a grade."))
    reason = reason.strip()
    if evaluatee.computed_grade and grade != evaluatee.computed_grade and not reason:
        raise ValidationError(
            _("The final grade differs from the computed one (%(computed)s): give the reason.")
            % {"computed": Grade(evaluatee.computed_grade).label}
        )
    evaluatee.final_grade = grade
    evaluatee.final_reason = reason
    evaluatee.final_by = actor
    evaluatee.final_on = timezone.localdate()
    evaluatee.save(update_fields=["final_grade", "final_reason", "final_by", "final_on"])
    return evaluatee
