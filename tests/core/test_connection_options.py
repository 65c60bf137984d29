"""The app's PostgreSQL connections run without JIT compilation (core/db.py): on big tables a
page's plan passes jit_above_cost and PostgreSQL would compile for longer than it runs. They
prepare the statements they run often, unless a pooler forbids it."""

import pytest
from django.db import connection

from core.db import connection_options

pytestmark = pytest.mark.django_db


def test_postgresql_connections_run_without_jit():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_sqlite_connections_get_no_postgresql_option():
    assert connection_options("django.db.backends.sqlite3") == {}


def test_a_statement_a_postgresql_connection_runs_often_is_prepared_once():
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT count(*) FROM django_migrations WHERE app = %s", ["members"])
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("django_migrations" in statement for statement in prepared)


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    engine = "django.db.backends.postgresql"
    assert connection_options(engine)["prepare_threshold"] == 5
    assert connection_options(engine, prepared_statements=False) == {"options": "-c jit=off"}
