"""Reconcile what the load test's server acknowledged with the rows in the database.

`python -m bench.reconcile ACKS.json` (under Django, against the load test's database) prints,
as JSON, per kind of submission: how many were acknowledged, found exactly once, lost (no row)
and doubled (more than one row), and how many rows were saved that no acknowledgement names
(an answer that did not reach the client: not lost, but worth knowing).
"""

import json
import sys
from collections import Counter, defaultdict

import django

# The marks the simulated people put before each submission's token (bench/locustfile.py).
SUGGESTION_MARK = "负载测试建议 "
ENTRY_MARK = "学习笔记 "
APPROVAL_MARK = "已阅 "


def main() -> None:
    django.setup()
    with open(sys.argv[1], encoding="utf-8") as acks:
        print(json.dumps(reconcile(json.load(acks))))


def reconcile(acknowledged: list[dict]) -> dict:
    from feedback.models import Suggestion
    from study.models import Registration, StudyEntry

    by_kind: dict[str, list[dict]] = defaultdict(list)
    for ack in acknowledged:
        by_kind[ack["kind"]].append(ack)

    def rows_by_token(queryset, field: str, mark: str) -> dict[str, list[int]]:
        rows: dict[str, list[int]] = defaultdict(list)
        for pk, text in queryset.filter(**{f"{field}__startswith": mark}).values_list("pk", field):
            rows[text.removeprefix(mark)].append(pk)
        return rows

    report = {
        "suggestion": _compare(
            by_kind["suggestion"], rows_by_token(Suggestion.objects, "title", SUGGESTION_MARK)
        ),
        "entry": _compare(by_kind["entry"], rows_by_token(StudyEntry.objects, "notes", ENTRY_MARK)),
        "approval": _compare(
            by_kind["approval"],
            rows_by_token(
                StudyEntry.objects.filter(status=StudyEntry.Status.APPROVED),
                "review_comment",
                APPROVAL_MARK,
            ),
        ),
    }
    # A sign-in is a registration marked attended plus one credited entry of the activity.
    activities = {ack["id"] for ack in by_kind["sign-in"]}
    attended = set(
        Registration.objects.filter(activity__in=activities, attended_at__isnull=False).values_list(
            "activity_id", "person_id"
        )
    )
    credited = Counter(
        StudyEntry.objects.filter(activity__in=activities).values_list("activity_id", "person_id")
    )
    signed = [(ack["id"], ack["person"]) for ack in by_kind["sign-in"]]
    report["sign-in"] = {
        "acknowledged": len(signed),
        "found": sum(key in attended and credited[key] == 1 for key in signed),
        "lost": sum(key not in attended or credited[key] == 0 for key in signed),
        "doubled": sum(count > 1 for count in credited.values()) + len(signed) - len(set(signed)),
        "unacknowledged": len(attended - set(signed)),
    }
    return report


def _compare(acknowledged: list[dict], rows: dict[str, list[int]]) -> dict:
    tokens = Counter(ack["token"] for ack in acknowledged)
    return {
        "acknowledged": len(acknowledged),
        "found": sum(rows.get(ack["token"]) == [ack["id"]] for ack in acknowledged),
        "lost": sum(not rows.get(ack["token"]) for ack in acknowledged),
        "doubled": sum(len(pks) > 1 for pks in rows.values())
        + sum(count > 1 for count in tokens.values()),
        "unacknowledged": sum(1 for token in rows if token not in tokens),
    }


if __name__ == "__main__":
    main()
