from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    """Whether the navigation offers "Mutual evaluation" (no query): to everyone who may be an
    evaluator or evaluated, that is everyone but staff, who run the campaigns from "Manage"."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_evaluations": not user.is_staff}
