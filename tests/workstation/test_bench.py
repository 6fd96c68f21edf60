"""The benchmark's floor view exists only in the benchmark's own settings, never in the portal."""

import pytest
from django.test import override_settings
from django.urls import Resolver404, resolve

from bench import settings as bench_settings


def test_the_portal_does_not_serve_the_floor(client, db):
    with pytest.raises(Resolver404):
        resolve("/bench/floor")
    assert client.get("/bench/floor").status_code == 404


@override_settings(ROOT_URLCONF="bench.urls", MIDDLEWARE=bench_settings.MIDDLEWARE)
def test_the_benchmark_floor_runs_one_query_and_says_so(client, db):
    response = client.get("/bench/floor")
    assert response.status_code == 200
    assert response["X-Bench-Queries"] == "1"


@override_settings(ROOT_URLCONF="bench.urls", MIDDLEWARE=bench_settings.MIDDLEWARE)
def test_the_benchmark_ceiling_is_the_layout_for_the_person_signed_in(client, student):
    client.force_login(student)
    response = client.get("/bench/layout")
    assert response.status_code == 200
    assert student.display_name in response.content.decode()
    assert "<main" in response.content.decode()


def test_the_ceiling_row_has_no_target():
    from bench.report import render

    figures = {"status": 200, "ratio": 0.2, "errors": 0, "queries": 5}
    results = {
        "scales": [1],
        "floor": {1: 1000.0},
        "pages": {("ceiling", "the layout alone", "student"): {1: figures}},
        "sweeps": {},
    }
    row = next(line for line in render(results).splitlines() if "layout alone" in line)
    assert row.endswith("| 0.20 | 5 | — |  |")


def test_the_table_prints_each_dashboards_answer_time_against_300_ms():
    from bench.report import render

    timed = {"status": 200, "first_ms": 900.0, "median_ms": 120.0, "queries": 26}
    slow = timed | {"median_ms": 420.0}
    results = {
        "scales": [1, 10],
        "floor": {1: 1000.0, 10: 1000.0},
        "pages": {},
        "sweeps": {},
        "dashboards": {
            ("branch view", "reviewer"): {1: timed, 10: timed},
            ("staff dashboard", "staff"): {1: timed, 10: slow},
        },
    }
    rows = {line.split(" | ")[1]: line for line in render(results).splitlines()}
    assert rows["branch view, answer (figures kept; median)"].endswith(
        "| 120 ms | 120 ms | 26 / 26 | < 300 ms at 10x | yes |"
    )
    assert rows["staff dashboard, answer (figures kept; median)"].endswith("| no |")
    assert "| 900 ms | 900 ms |" in rows["staff dashboard, first request"]


def test_a_dashboard_is_judged_at_10x_the_scale_its_issue_sets_when_more_is_measured():
    from bench.report import render

    fast = {"status": 200, "first_ms": 140.0, "median_ms": 20.0, "queries": 20}
    results = {
        "scales": [1, 10, 100],
        "floor": {1: 1000.0, 10: 1000.0, 100: 1000.0},
        "pages": {},
        "sweeps": {},
        "dashboards": {
            ("staff dashboard", "staff"): {1: fast, 10: fast, 100: fast | {"first_ms": 1700.0}},
        },
    }
    rows = {line.split(" | ")[1]: line for line in render(results).splitlines()}
    first = rows["staff dashboard, first request"]
    assert "| 140 ms | 140 ms | 1700 ms |" in first
    assert first.endswith("| < 300 ms at 10x | yes |")
