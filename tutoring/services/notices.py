"""Who is told of what in peer tutoring: the history steps, and notices in bulk."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from notifications.services import Reminder, notify_many

from ..models import Pairing, Step


def record_step(pairing: Pairing, action: str, *, actor, note: str = "") -> Step:
    """Add a step to the pairing's history, with the status it left the pairing in."""
    return Step.objects.create(
        pairing=pairing, action=action, status=pairing.status, actor=actor, note=note
    )


def tell(recipients: Iterable, *, kind: str, key: str, link: str, **context) -> int:
    """Tell each of `recipients` (active people only), once: his id completes the notice `key`,
    which names the event."""
    return notify_many(
        reminders=(
            Reminder(
                recipient=person,
                kind=kind,
                key=f"{key}:{person.pk}",
                context=context,
                link=link,
            )
            for person in recipients
            if person is not None and person.is_active
        )
    )


def others(pairing: Pairing, actor) -> list:
    """The sides of `pairing` other than `actor` (both, when staff act)."""
    return [person for person in (pairing.tutee, pairing.tutor) if person.pk != actor.pk]


def active_staff() -> list:
    return list(get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk"))
