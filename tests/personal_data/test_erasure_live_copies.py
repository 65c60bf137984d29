"""Erasure leaves no live copy of the person's address or name: walk-in forms they filled in
(accepted or still waiting) and the access log's entries of their own exports."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import WalkIn
from core.secrets import hash_secret, new_secret
from events.models import AnswerLink, Meeting
from members.mail import member_email
from outbox.models import Kind, OutboxMessage, State
from outbox.rebuild import CannotRebuild
from outbox.services import queue_message, resend
from personal_data.models import AccessEntry, DataLink
from personal_data.services.rights import erase_member
from tests.attendance.factories import CheckInFactory, WalkInFactory
from tests.events.factories import InvitationFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

ADDRESS = "budi@kominfo.go.id"


def test_walk_in_forms_lose_the_address_and_name():
    person = MemberFactory.create(full_name="Budi Santoso", email=ADDRESS)
    checkin = CheckInFactory.create(invitation__member=person)
    accepted = WalkInFactory.create(
        session=checkin.session,
        full_name="Budi Santoso",
        email=ADDRESS,
        state=WalkIn.State.ACCEPTED,
        invitation=checkin.invitation,
    )
    waiting = WalkInFactory.create(full_name="Budi Santoso", email=ADDRESS.upper())

    erase_member(member=person)

    for walk_in in WalkIn.objects.filter(pk__in=[accepted.pk, waiting.pk]):
        assert "budi" not in walk_in.email.lower()
        assert "Budi" not in walk_in.full_name
        assert (walk_in.nip, walk_in.phone, walk_in.position) == ("", "", "")


def test_the_access_log_keeps_no_address_of_an_erased_person(client):
    person = MemberFactory.create(full_name="Budi Santoso", email=ADDRESS)
    secret = new_secret()
    DataLink.objects.create(
        member=person,
        secret_hash=hash_secret(secret),
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    client.get(reverse("personal_data:open_link", args=[secret]))
    assert client.get(reverse("personal_data:export", args=["json"])).status_code == 200
    assert AccessEntry.objects.filter(user_label__icontains="budi").exists()

    erase_member(member=person)

    assert not AccessEntry.objects.filter(user_label__icontains="budi").exists()
    assert AccessEntry.objects.count() == 1


def test_messages_still_queued_to_the_person_are_not_sent_and_keep_no_address():
    person = MemberFactory.create(full_name="Budi Santoso", email=ADDRESS)
    queued = queue_message(
        message=member_email(
            name="Budi", email=ADDRESS, language="id", subject="Undangan", text="Tautan rahasia"
        ),
        kind=Kind.INVITATION,
        topic="meeting:1",
    )

    erase_member(member=person)

    row = OutboxMessage.objects.get(pk=queued.pk)
    assert row.state == State.FAILED
    assert bytes(row.raw) == b""
    assert "budi" not in row.recipient


def test_resending_an_erased_persons_message_builds_nothing():
    invitation = InvitationFactory.create(
        member__email=ADDRESS, meeting__state=Meeting.State.PUBLISHED
    )
    queued = queue_message(
        message=member_email(
            name="Budi", email=ADDRESS, language="id", subject="Undangan", text="Tautan rahasia"
        ),
        kind=Kind.INVITATION,
        topic=f"meeting:{invitation.meeting_id}",
    )
    erase_member(member=invitation.member)

    with pytest.raises(CannotRebuild):
        resend(message=OutboxMessage.objects.get(pk=queued.pk))

    assert OutboxMessage.objects.count() == 1
    assert not AnswerLink.objects.filter(invitation=invitation).exists()
