"""Items 6 and 7: per data class, what is past its period is deleted or pseudonymised, exactly
that, and logged; sent emails lose their bodies and keep what the outbox pages need; the beat
task costs the same queries whatever the data."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.models import ScanAttempt
from members.mail import member_email
from members.models import Member
from outbox.models import Kind, OutboxMessage, State
from outbox.services import queue_message
from personal_data.models import AccessedPerson, AccessEntry, Destruction
from personal_data.services import retention
from personal_data.tasks import purge as purge_task
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def sent_email(kind=Kind.INVITATION, state=State.SENT, to="budi@kominfo.go.id"):
    message = member_email(
        name="Budi", email=to, language="id", subject="Undangan rapat", text="Tautan rahasia"
    )
    row = queue_message(message=message, kind=kind, topic="meeting:1")
    OutboxMessage.objects.filter(pk=row.pk).update(state=state)
    return row


def scan(meeting):
    return ScanAttempt.objects.create(meeting=meeting, result="unknown", scanned_at=timezone.now())


def access(member):
    entry = AccessEntry.objects.create(
        at=timezone.now(), user_label="panitia@kemenag.go.id", what="directory", people=1
    )
    AccessedPerson.objects.create(entry=entry, member=member)
    return entry


@pytest.fixture
def world():
    """A person invited to a meeting held in 2021, with their phone, a scan at the door, an
    access-log entry, a sent invitation, a sign-in code and a message still queued, all
    written today."""
    invitation = InvitationFactory.create(member__phone="+6281234567890")
    meeting = invitation.meeting
    return {
        "member": invitation.member,
        "scan": scan(meeting),
        "access": access(invitation.member),
        "invitation_email": sent_email(),
        "code_email": sent_email(kind=Kind.ACCOUNT),
        "queued": sent_email(state=State.QUEUED),
    }


def body_of(row):
    return bytes(OutboxMessage.objects.get(pk=row.pk).raw)


def test_each_class_goes_exactly_when_its_period_ends_and_is_logged(world):
    start = timezone.now()

    with time_machine.travel(start + DAY + timedelta(minutes=1)):
        retention.purge()
    assert body_of(world["code_email"]) == b""
    assert body_of(world["invitation_email"]) != b""

    with time_machine.travel(start + 31 * DAY):
        retention.purge()
    assert body_of(world["invitation_email"]) == b""
    assert body_of(world["queued"]) != b""  # never sent: kept

    with time_machine.travel(start + 91 * DAY):
        retention.purge()
    assert Member.objects.get(pk=world["member"].pk).phone == ""
    assert ScanAttempt.objects.filter(pk=world["scan"].pk).exists()
    assert AccessEntry.objects.filter(pk=world["access"].pk).exists()

    with time_machine.travel(start + 731 * DAY):
        retention.purge()
    assert not ScanAttempt.objects.filter(pk=world["scan"].pk).exists()
    assert not AccessEntry.objects.exists()
    assert not AccessedPerson.objects.exists()
    assert not Member.objects.get(pk=world["member"].pk).full_name.startswith("Anonim")

    with time_machine.travel(start + 1096 * DAY):
        retention.purge()
    member = Member.objects.get(pk=world["member"].pk)
    assert member.full_name == f"Anonim #{member.pk}"
    assert member.nip == ""

    logged = {(d.data_class, d.count) for d in Destruction.objects.all()}
    assert logged == {
        ("sign_in_codes", 1),
        ("email_bodies", 1),
        ("phone_numbers", 1),
        ("scan_audit", 1),
        ("access_log", 1),
        ("inactive_members", 1),
    }
    assert all(d.rule for d in Destruction.objects.all())


@pytest.mark.usefixtures("world")
def test_a_second_run_destroys_nothing_more():
    with time_machine.travel(timezone.now() + 31 * DAY):
        first = purge_task.apply().get()
        second = purge_task.apply().get()

    assert first["email_bodies"] == 1
    assert second == {}


def test_after_the_purge_the_outbox_pages_still_work_and_say_the_body_is_gone(world):
    with time_machine.travel(timezone.now() + 31 * DAY):
        retention.purge()
    staff = Client()
    staff.force_login(UserFactory.create(is_staff=True))

    listing = staff.get(reverse("outbox:list"))
    detail = staff.get(reverse("outbox:detail", args=[world["invitation_email"].pk]))

    row = OutboxMessage.objects.get(pk=world["invitation_email"].pk)
    assert listing.status_code == 200
    assert "Undangan rapat" in listing.content.decode()
    assert detail.status_code == 200
    assert "Tautan rahasia" not in detail.content.decode()
    assert row.state == State.SENT
    assert row.body_purged_at
    assert row.message_id


@pytest.mark.usefixtures("organizer")
def test_resending_a_failed_invitation_after_the_purge_builds_a_new_message():
    invitation = InvitationFactory.create(
        meeting=MeetingFactory.create(), member__email="ani@bps.go.id"
    )
    failed = sent_email(state=State.FAILED, to="ani@bps.go.id")
    OutboxMessage.objects.filter(pk=failed.pk).update(topic=f"meeting:{invitation.meeting_id}")
    with time_machine.travel(timezone.now() + 31 * DAY):
        retention.purge()
    staff = Client()
    staff.force_login(UserFactory.create(is_staff=True))

    staff.post(reverse("outbox:resend", args=[failed.pk]))
    staff.post(reverse("outbox:resend", args=[failed.pk]))  # a second click sends no copy

    fresh = OutboxMessage.objects.filter(recipient="ani@bps.go.id", state=State.QUEUED)
    assert fresh.count() == 1
    assert bytes(fresh.get().raw) != b""
    assert invitation.links.count() == 1


def test_the_dry_run_lists_what_would_go_by_class_and_count(world):
    out = StringIO()
    with time_machine.travel(timezone.now() + 31 * DAY):
        call_command("personal_data", "purge", "--dry-run", stdout=out)

    counts = dict(line.split("\t") for line in out.getvalue().splitlines())
    assert counts["email_bodies"] == "1"
    assert counts["sign_in_codes"] == "1"
    assert counts["scan_audit"] == "0"
    assert body_of(world["invitation_email"]) != b""
    assert not Destruction.objects.exists()


def purge_queries(rows: int) -> int:
    for _ in range(rows):
        invitation = InvitationFactory.create(member__phone="+62811111111")
        scan(invitation.meeting)
        access(invitation.member)
        sent_email(to=invitation.member.email)
        sent_email(kind=Kind.ACCOUNT, to=invitation.member.email)
    with (
        time_machine.travel(timezone.now() + 1096 * DAY),
        CaptureQueriesContext(connection) as queries,
    ):
        log = retention.purge()
    assert {d.data_class: d.count for d in log}["inactive_members"] == rows
    return len(queries)


def test_the_purge_costs_the_same_queries_for_2_rows_or_40():
    small = purge_queries(2)
    Destruction.objects.all().delete()

    assert purge_queries(40) == small
