"""The app's PostgreSQL connections run without JIT compilation (core/db.py): on big tables a
page's plan passes jit_above_cost and PostgreSQL would compile for longer than it runs."""

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
