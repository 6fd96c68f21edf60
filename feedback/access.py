"""Who may see or do what on the suggestion board.

Everyone signed in reads the board (and visitors too when FEEDBACK_PUBLIC_BOARD is on); staff
handle every suggestion, hidden ones too, and the handlers listed on a category (staff or
workstation members, `eligible_handlers`) handle that category's while they are shown. Nobody
handles a named suggestion of his own. The author of a suggestion is recognised by the `author`
link or, for an anonymous one, by his token; nobody else learns who he is.

Each action has its `can_<action>(user, suggestion)`: who may take it. The services refuse
anyone else (PermissionDenied); in which status an action may be taken is `feedback.workflow`'s.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from members.access import is_staff
from members.caching import cached_per_user
from members.models import WORKSTATION_STATUSES

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


def eligible_handlers() -> QuerySet:
    """Who may handle suggestions: active staff (every category) and active workstation members
    (activists onward; the categories listing them). The one rule: a category lists only them,
    only they are given suggestions, told of new ones, and handle them."""
    return get_user_model().objects.filter(
        Q(is_staff=True) | Q(political_status__in=WORKSTATION_STATUSES), is_active=True
    )


def is_eligible_handler(user) -> bool:
    """Whether `user` is among `eligible_handlers()`, without asking the database."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.political_status in WORKSTATION_STATUSES)
    )


def eligible_assignees(category: Category | None = None) -> QuerySet:
    """Who may be given suggestions of `category` (or of any category): staff, and the eligible
    handlers listed on it."""
    listed = Q(feedback_categories=category) if category else Q(feedback_categories__isnull=False)
    return (
        eligible_handlers().filter(Q(is_staff=True) | listed).distinct().order_by("name", "email")
    )


def handled_categories(user) -> QuerySet[Category]:
    """The categories `user` handles: all for staff; those listing him for a member."""
    if is_staff(user):
        return Category.objects.all()
    if not is_eligible_handler(user):
        return Category.objects.none()
    return Category.objects.filter(handlers=user)


@cached_per_user
def _handled_category_ids(user) -> set[int]:
    """The ids of `handled_categories(user)`, remembered on the user for the request."""
    return set(handled_categories(user).values_list("pk", flat=True))


def is_handler(user) -> bool:
    """Staff, or a member listed as a handler of some category."""
    if is_staff(user):
        return True
    return bool(_handled_category_ids(user))


def in_charge_of(user, suggestion: Suggestion) -> bool:
    """Whether `suggestion` is in `user`'s charge: for staff every one, hidden ones too (they
    review them); for a handler his categories' while shown (`queue_for` lists the same).

    Who wrote it does not count here, so that it may be asked of someone else (whom to give the
    suggestion to) without telling the one asking who wrote an anonymous suggestion."""
    if is_staff(user):
        return True
    if suggestion.hidden:
        return False
    return suggestion.category_id in _handled_category_ids(user)


def can_handle(user, suggestion: Suggestion) -> bool:
    """Those in charge of a suggestion accept, answer and close it, but not the author of a
    named one: nobody answers his own (an answer is the handler's practice credit).

    The author of an anonymous one is not refused: given it to handle, he could not act on it,
    and whoever gave it to him would learn who wrote it. Anonymity weighs more than a credit."""
    if not in_charge_of(user, suggestion):
        return False
    return suggestion.is_anonymous or suggestion.author_id != user.pk


def can_moderate(user) -> bool:
    """Staff hide suggestions and show them again."""
    return is_staff(user)


# --- who takes each action --------------------------------------------------------------------


def can_submit(user) -> bool:
    """Everyone signed in raises suggestions."""
    return bool(user.is_authenticated)


def can_support(user, suggestion: Suggestion) -> bool:
    """Everyone signed in supports (+1) a suggestion, except its author."""
    if not user.is_authenticated:
        return False
    return not is_author(user, suggestion)


def can_report(user, suggestion: Suggestion) -> bool:
    """Everyone signed in reports a suggestion as inappropriate, except its author."""
    if not user.is_authenticated:
        return False
    return not is_author(user, suggestion)


def can_accept(user, suggestion: Suggestion) -> bool:
    """Its handlers take a new suggestion on."""
    return can_handle(user, suggestion)


def can_assign(user, suggestion: Suggestion) -> bool:
    """Its handlers give a suggestion to one of them."""
    return can_handle(user, suggestion)


def can_start(user, suggestion: Suggestion) -> bool:
    """Its handlers say that work has begun."""
    return can_handle(user, suggestion)


def can_answer(user, suggestion: Suggestion) -> bool:
    """Its handlers give the official answer."""
    return can_handle(user, suggestion)


def can_close(user, suggestion: Suggestion) -> bool:
    """Its handlers close an answered suggestion."""
    return can_handle(user, suggestion)


def can_decline(user, suggestion: Suggestion) -> bool:
    """Its handlers decline a suggestion, with a reason."""
    return can_handle(user, suggestion)


def can_merge(user, suggestion: Suggestion) -> bool:
    """Its handlers merge a suggestion into another as a duplicate."""
    return can_handle(user, suggestion)


def can_merge_into(user, into: Suggestion) -> bool:
    """A duplicate is merged only into a suggestion its handler may handle too (its supporters
    and their count move there): not one of another category, a hidden one or his own named
    one."""
    return can_handle(user, into)


def can_rate(user, suggestion: Suggestion) -> bool:
    """Only the author says whether the answer satisfies him."""
    return is_author(user, suggestion)


def can_reopen(user, suggestion: Suggestion) -> bool:
    """Only the author reopens his suggestion."""
    return is_author(user, suggestion)


def can_hide(user, suggestion: Suggestion) -> bool:
    """Staff hide a suggestion from the board."""
    return can_moderate(user)


def can_restore(user, suggestion: Suggestion) -> bool:
    """Staff show a hidden suggestion again."""
    return can_moderate(user)


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
    """The suggestions in `user`'s charge (`in_charge_of`): everything for staff, his categories'
    for a handler (but not those hidden by moderation: staff review them first).

    His own named suggestions stay listed, though `can_handle` refuses him them, as the list is
    the same for every handler of the category."""
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
        .with_overdue(timezone.now())
        .select_related("category", "sub_area", "author", "assignee", "answered_by", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if suggestion is None:
        raise Http404
    if write and not can_handle(user, suggestion):
        raise PermissionDenied
    return suggestion


def merge_target_for(user, pk: int) -> Suggestion | None:
    """The suggestion `pk` if `user` may merge a duplicate into it (`can_merge_into`); None
    otherwise, whether it exists or not."""
    into = queue_for(user).filter(pk=pk).first()
    if into is None or not can_merge_into(user, into):
        return None
    return into


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
