"""On PostgreSQL the picker's search by name or position can read a trigram index instead of
the whole members table (60,000 rows in a national deployment)."""

import pytest
from django.db import connection

from members.selectors import search_members
from tests.members.factories import MemberFactory, UserFactory

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

    assert "member_full_name_trgm" in plan
    assert "member_position_trgm" in plan


def test_the_directory_search_and_order_can_use_indexes():
    """60,000 members: a search by name, email or NIP reads trigram indexes, and any page of
    the directory, the last too, is read in its order from member_directory_order."""
    from members.filters import MemberFilter
    from members.selectors import members_for_directory

    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plan: SQLite has no trigram index")
    MemberFactory.create_batch(3)
    staff = UserFactory.create(is_staff=True)  # sees every member's contact data: no scope to apply
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")

    page = members_for_directory(viewer=staff).values("pk")[3000:3025].explain()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = on")
        cursor.execute("SET LOCAL enable_indexscan = off")
    search = MemberFilter(
        {"q": "humas"}, queryset=members_for_directory(viewer=staff), viewer=staff
    ).qs.explain()

    assert "member_directory_order" in page
    for index in ("member_full_name_trgm", "member_email_trgm", "member_nip_trgm"):
        assert index in search
