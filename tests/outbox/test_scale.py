"""The outbox list at national scale (500,000 messages): pages by keyset (no OFFSET, no count
of the whole table), sent mail counted only up to a cap, and on PostgreSQL the search and the
invitations table's delivery state read indexes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils import timezone

from events.selectors import invitations_for_table, with_delivery_state
from outbox import selectors
from outbox.models import OutboxMessage, State
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.html import table_rows
from tests.members.factories import UserFactory
from tests.outbox.factories import OutboxMessageFactory

pytestmark = pytest.mark.django_db

OUTBOX = reverse("outbox:list")
RECIPIENT = 1


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory.create(is_staff=True))
    return client


def _messages(how_many):
    start = timezone.now() - timedelta(days=1)
    messages = OutboxMessageFactory.create_batch(how_many)
    for number, message in enumerate(messages):
        # Two messages share each moment: the pk orders them.
        OutboxMessage.objects.filter(pk=message.pk).update(
            created_at=start + timedelta(minutes=number // 2)
        )
    return sorted(OutboxMessage.objects.values_list("created_at", "pk", "recipient"), reverse=True)


def _link(page, rel):
    text = page.content.decode()
    marker = f'rel="{rel}"'
    at = text.find(marker)
    if at < 0:
        return None
    href = text.rfind('href="', 0, at)
    return text[href + 6 : text.find('"', href + 6)].replace("&amp;", "&")


def test_older_pages_walk_every_message_once_newest_first_and_newer_walks_back(staff_client):
    expected = [recipient for _moment, _pk, recipient in _messages(60)]

    seen: list[str] = []
    pages: list[HttpResponseBase] = []
    page = staff_client.get(OUTBOX)
    while page is not None and len(pages) < 5:
        pages.append(page)
        seen += [row[RECIPIENT] for row in table_rows(page)]
        older = _link(page, "next")
        page = staff_client.get(OUTBOX + older) if older else None

    assert seen == expected
    assert [len(table_rows(p)) for p in pages] == [25, 25, 10]
    back = staff_client.get(OUTBOX + _link(pages[2], "prev"))
    assert [row[RECIPIENT] for row in table_rows(back)] == expected[25:50]
    oldest = staff_client.get(OUTBOX, {"after": "oldest"})
    assert [row[RECIPIENT] for row in table_rows(oldest)] == expected[-25:]
    assert staff_client.get(OUTBOX, {"after": "nonsense"}).status_code == 200


def test_sent_mail_is_counted_up_to_a_cap(staff_client, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    OutboxMessageFactory.create_batch(5, state=State.SENT)
    OutboxMessageFactory.create_batch(2, state=State.FAILED)

    counts = selectors.count_by_state(user=UserFactory.create(is_staff=True))

    assert counts == {"queued": 0, "sending": 0, "sent": "3+", "failed": 2}
    assert ">3+<" in staff_client.get(OUTBOX).content.decode()


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plan")
    with connection.cursor() as cursor:
        # The plan of a small table says nothing: make reading it whole cost what it costs on
        # 500,000 rows.
        cursor.execute("SET LOCAL enable_seqscan = off")


@pytest.mark.usefixtures("on_postgresql")
def test_the_search_can_use_the_trigram_indexes():
    OutboxMessageFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")

    plan = (
        OutboxMessage.objects.filter(recipient__icontains="humas")
        | OutboxMessage.objects.filter(subject__icontains="humas")
    ).explain()

    assert "outbox_recipient_trgm" in plan
    assert "outbox_subject_trgm" in plan


@pytest.mark.usefixtures("on_postgresql")
def test_the_delivery_state_reads_the_index_of_the_latest_message():
    meeting = MeetingFactory.create()
    InvitationFactory.create_batch(3, meeting=meeting)

    plan = with_delivery_state(
        invitations=invitations_for_table(meeting=meeting), meeting=meeting
    ).explain()

    assert "outbox_latest_by_recipient" in plan, plan
