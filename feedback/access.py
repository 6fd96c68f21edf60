"""Who may see or do what on the suggestion board.

Everyone signed in reads the board (and visitors too when FEEDBACK_PUBLIC_BOARD is on); staff
handle every suggestion, and the handlers listed on a category (staff or workstation members)
handle that category's. The author of a suggestion is recognised by the `author` link or, for an
anonymous one, by his token; nobody else learns who he is.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from members.access import is_staff

from .anonymity import author_token, is_token_of
from .models import Category, Photo, Suggestion


def may_read_board(user) -> bool:
    """Signed-in people read the board; visitors only when the college opens it."""
    return bool(user.is_authenticated or settings.FEEDBACK_PUBLIC_BOARD)


def is_author(user, suggestion: Suggestion) -> bool:
    """Whether `user` wrote `suggestion`, named or anonymous."""
    if not user.is_authenticated:
        return False
    if suggestion.author_id is not None:
        return suggestion.author_id == user.pk
    return is_token_of(user, suggestion.author_token)


def handled_categories(user) -> QuerySet[Category]:
    """The categories `user` handles: all for staff; those listing him for a member."""
    if is_staff(user):
        return Category.objects.all()
    if not user.is_authenticated or not user.in_workstation:
        return Category.objects.none()
    return Category.objects.filter(handlers=user)


def is_handler(user) -> bool:
    """Staff, or a member listed as a handler of some category. Remembered on the user."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_feedback_handler"):
        user._feedback_handler = is_staff(user) or handled_categories(user).exists()
    return user._feedback_handler


def can_handle(user, suggestion: Suggestion) -> bool:
    """Staff, and the handlers of the suggestion's category, accept, answer and close it."""
    if is_staff(user):
        return True
    if not user.is_authenticated or not user.in_workstation:
        return False
    if not hasattr(user, "_feedback_category_ids"):
        user._feedback_category_ids = set(handled_categories(user).values_list("pk", flat=True))
    return suggestion.category_id in user._feedback_category_ids


def can_moderate(user) -> bool:
    """Staff hide suggestions and show them again."""
    return is_staff(user)


def may_see_stats(user) -> bool:
    return is_staff(user)


def may_export(user) -> bool:
    return is_staff(user)


def mine(user) -> Q:
    """A filter for `user`'s own suggestions, named and anonymous."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(author=user) | Q(is_anonymous=True, author_token=author_token(user))


def suggestions_visible_to(user) -> QuerySet[Suggestion]:
    """The board: shown suggestions for readers; hidden ones too for staff and their author."""
    if not may_read_board(user):
        return Suggestion.objects.none()
    if is_staff(user):
        return Suggestion.objects.all()
    return Suggestion.objects.filter(Q(hidden=False) | mine(user))


def queue_for(user) -> QuerySet[Suggestion]:
    """The suggestions `user` handles: everything for staff, his categories' for a handler
    (but not those hidden by moderation: staff review them first)."""
    if is_staff(user):
        return Suggestion.objects.all()
    return Suggestion.objects.filter(category__in=handled_categories(user), hidden=False)


def get_suggestion_for_user(user, pk: int, *, write: bool = False) -> Suggestion:
    """The suggestion `pk` as `user` may see it; writing means handling it.

    404 when he may not see it (hidden from him, or the board closed to visitors); 403 when he
    may see it but not handle it.
    """
    suggestion = (
        suggestions_visible_to(user)
        .select_related("category", "sub_area", "author", "assignee", "answered_by", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if suggestion is None:
        raise Http404
    if write and not can_handle(user, suggestion):
        raise PermissionDenied
    return suggestion


def get_photo_for_user(user, pk: int) -> Photo:
    """A photo of a suggestion `user` may see, else 404."""
    photo = (
        Photo.objects.filter(pk=pk, suggestion__in=suggestions_visible_to(user))
        .only("pk", "image", "content_type", "suggestion_id")
        .first()
    )
    if photo is None:
        raise Http404
    return photo


def require_author(user, suggestion: Suggestion) -> None:
    """Only the author rates or reopens his suggestion."""
    if not is_author(user, suggestion):
        raise PermissionDenied
