"""The home page (my workstation), the language switch, the health check and the site icon."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from members.access import branches_visible_to, is_staff, leads
from members.adapters import LANGUAGE_CHOSEN_SESSION_KEY
from members.services import remember_language
from notifications.access import notices_visible_to

from . import figures
from .celery import app as celery_app

HOME_NOTICES = 5
# Browsers (and the admin's pages, which name no icon of their own) ask for /favicon.ico.
FAVICON = settings.BASE_DIR / "static" / "favicon.svg"


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "workstation/landing.html", {"cards": landing_cards()})
    user = request.user
    notices = notices_visible_to(user).unread()[:HOME_NOTICES]
    # Staff reach every branch through the list; anyone else sees his own by name.
    own_branches = [] if is_staff(user) else list(branches_visible_to(user).order_by("name"))
    for branch in own_branches:
        branch.led = leads(user, branch)
    context = {
        "notices": notices,
        "own_branches": own_branches,
        # My workstation: every app's next actions, most urgent first, and my own panels.
        "actions": figures.actions_for(user),
        "summaries": figures.summaries_for(user),
    }
    return render(request, "workstation/home.html", context)


def landing_cards() -> list[tuple[str, str]]:
    """What the portal offers, as (title, text): one card per installed part that has one.

    A part says it with `landing_card` on its AppConfig, so the page grows with the portal
    and never promises a part that is not there.
    """
    return [
        config.landing_card
        for config in apps.get_app_configs()
        if getattr(config, "landing_card", None)
    ]


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch; the choice is also kept with the person.

    A signed-in person's choice is saved on his account (his e-mails, his next sign-in
    elsewhere); a visitor's is remembered for this visit and saved when he signs in.
    """
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        remember_language(actor=request.user, language=language)
    else:
        request.session[LANGUAGE_CHOSEN_SESSION_KEY] = language
    return response


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The portal's icon at the address browsers ask for by default."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker status: 200 when both answer, 503 otherwise."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "error"} | {
        name: "ok" if ok else "down" for name, ok in checks.items()
    }
    return JsonResponse(body, status=200 if healthy else 503)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return False
    return True


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            conn.default_channel.client.ping()
    except Exception:
        return False
    return True
