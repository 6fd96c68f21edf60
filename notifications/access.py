"""Who may see which notice: only its recipient."""

from django.shortcuts import get_object_or_404

from .models import Notice, NoticeQuerySet


def notices_visible_to(user) -> NoticeQuerySet:
    """The notices a user may list: his own."""
    return Notice.objects.for_recipient(user)


def get_notice_for_user(user, pk: int) -> Notice:
    """The user's own notice `pk`; 404 for anybody else's."""
    return get_object_or_404(notices_visible_to(user), pk=pk)
