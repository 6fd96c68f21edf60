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
