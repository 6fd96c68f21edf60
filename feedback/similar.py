"""Suggestions whose title looks like a new one's, so that a student supports an existing
suggestion instead of writing it again.

Chinese titles have no spaces, so titles are compared by their two-character pieces (bigrams)
of letters and digits; English words longer than two letters count as pieces too.
"""

import re

from django.db.models import Q, QuerySet

from .models import FINISHED_STATUSES, Suggestion

MAX_PIECES = 12
MAX_CANDIDATES = 50
MAX_SHOWN = 5


def _pieces(title: str) -> list[str]:
    pieces: list[str] = []
    for run in re.findall(r"\w+", title.lower()):
        if run.isascii():
            if len(run) > 2:
                pieces.append(run)
            continue
        pieces.extend(run[i : i + 2] for i in range(len(run) - 1))
    return list(dict.fromkeys(pieces))[:MAX_PIECES]


def similar_suggestions(suggestions: QuerySet[Suggestion], title: str) -> list[Suggestion]:
    """Up to five visible suggestions sharing the most pieces with `title` (one query)."""
    pieces = _pieces(title)
    if not pieces:
        return []
    matches = Q()
    for piece in pieces:
        matches |= Q(title__icontains=piece)
    candidates = list(
        suggestions.filter(matches)
        .exclude(status__in=[s for s in FINISHED_STATUSES if s != "closed"])
        .only("pk", "title", "status", "support_count", "created_at")
        .order_by("-created_at")[:MAX_CANDIDATES]
    )
    needed = max(1, len(pieces) // 3)
    scored = []
    for suggestion in candidates:
        lowered = suggestion.title.lower()
        score = sum(piece in lowered for piece in pieces)
        if score >= needed:
            scored.append((score, suggestion))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].support_count))
    return [suggestion for _score, suggestion in scored[:MAX_SHOWN]]
