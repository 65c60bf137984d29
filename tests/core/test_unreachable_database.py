"""While PostgreSQL restarts, requests answer 503 with Retry-After (clients try again; the
scanner queues the scan), never 500; and a kept connection that died is replaced before a
request uses it."""

import json

import psycopg
import pytest
from django.db import OperationalError, close_old_connections, connection
from django.test import Client
from django.urls import reverse

from tests.support.celery import database_url

pytestmark = pytest.mark.django_db


def unreachable(_execute, _sql, _params, _many, _context):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: refused")


@pytest.fixture
def browser(organizer):
    """An organizer's browser; a page that fails is answered, not raised into the test."""
    client = Client(raise_request_exception=False)
    client.force_login(organizer)
    return client


def test_a_page_answers_503_with_retry_after_while_the_database_is_unreachable(browser):
    with connection.execute_wrapper(unreachable):
        response = browser.get(reverse("outbox:list"))

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "try again in a few seconds" in response.text


def test_a_scan_answers_503_so_the_scanner_keeps_it_in_its_queue(browser):
    scan = reverse("attendance:link_scanner_scan", args=["a" * 43])

    with connection.execute_wrapper(unreachable):
        response = browser.post(
            scan, data=json.dumps({"content": "x", "session": 1}), content_type="application/json"
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "10"


@pytest.mark.usefixtures("monkeypatch")
def test_any_other_error_is_still_a_500(browser):
    def broken(_execute, _sql, _params, _many, _context):
        raise ZeroDivisionError

    with connection.execute_wrapper(broken):
        response = browser.get(reverse("outbox:list"))

    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="ends a PostgreSQL session")
def test_a_kept_connection_that_died_is_replaced_before_the_next_request_uses_it(organizer):
    client = Client(raise_request_exception=False)
    client.force_login(organizer)
    connection.settings_dict["CONN_MAX_AGE"] = 60  # kept between requests, as in production
    try:
        close_old_connections()
        assert client.get(reverse("outbox:list")).status_code == 200
        # PostgreSQL restarts: the session the next request would reuse is gone.
        with psycopg.connect(database_url(connection.settings_dict), autocommit=True) as other:
            other.execute(
                "SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid]
            )

        close_old_connections()  # as Django's handler does when a request starts (not the client)
        response = client.get(reverse("outbox:list"))
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()

    assert response.status_code == 200
