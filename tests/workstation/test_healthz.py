import socket

import pytest
from django.db import connection

from tests.conftest import broker_at


@pytest.mark.django_db
def test_healthz_is_public_and_ok_when_all_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_reports_a_dead_broker(client, private_redis):
    with broker_at(private_redis.url):
        assert client.get("/healthz").status_code == 200
        private_redis.stop()
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "down"}


@pytest.mark.django_db
def test_healthz_answers_plain_http_when_the_site_redirects_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_a_dead_database_to_a_signed_in_visitor(staff_client):
    """A session cookie must not make the check read the database before it answers."""
    database = connection.settings_dict
    port = database["PORT"]
    connection.close()
    database["PORT"] = str(_closed_port())
    try:
        response = staff_client.get("/healthz")
    finally:
        connection.close()
        database["PORT"] = port
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
