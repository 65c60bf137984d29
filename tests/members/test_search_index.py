"""On PostgreSQL the picker's search by name or position can read a trigram index instead of
the whole members table (60,000 rows in a national deployment)."""

import pytest
from django.db import connection

from members.selectors import search_members
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_search_by_name_or_position_can_use_the_trigram_indexes():
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plan: SQLite has no trigram index")
    MemberFactory.create_batch(3)
    with connection.cursor() as cursor:
        # The plan of a three-row table says nothing: make reading the whole table, by a scan
        # or a walk along another index, cost what it costs on 60,000 rows.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")

    plan = search_members("siti humas").explain()

    assert "member_full_name_trgm" in plan and "member_position_trgm" in plan
