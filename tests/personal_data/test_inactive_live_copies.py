"""An inactive member pseudonymised by retention keeps no live copy of their address or name
elsewhere: the registration they sent, a walk-in form, the outbox's recipient column and the
access log's label of their own export, as an erasure would leave them."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from attendance.models import WalkIn
from events.models import Registration
from members.mail import member_email
from outbox.models import Kind, OutboxMessage, State
from outbox.services import queue_message
from personal_data.models import AccessEntry
from personal_data.services import retention
from tests.attendance.factories import WalkInFactory
from tests.events.factories import InvitationFactory

pytestmark = pytest.mark.django_db

ADDRESS = "Budi.Santoso@kominfo.go.id"


def test_the_purge_leaves_no_copy_of_an_inactive_members_address():
    invitation = InvitationFactory.create(member__full_name="Budi Santoso", member__email=ADDRESS)
    meeting, lower = invitation.meeting, ADDRESS.lower()
    Registration.objects.create(
        meeting=meeting,
        state=Registration.State.ACCEPTED,
        email=lower,
        full_name="Budi Santoso",
        agency_name="Kominfo",
        phone="+6281234567890",
        invitation=invitation,
    )
    WalkInFactory.create(session=meeting.sessions.first(), full_name="Budi Santoso", email=lower)
    sent = queue_message(
        message=member_email(
            name="Budi", email=lower, language="id", subject="Undangan", text="Tautan"
        ),
        kind=Kind.INVITATION,
        topic=f"meeting:{meeting.pk}",
    )
    OutboxMessage.objects.filter(pk=sent.pk).update(state=State.SENT)
    AccessEntry.objects.create(at=timezone.now(), user_label=lower, what="own_export", people=1)

    with time_machine.travel(timezone.now() + timedelta(days=1096)):
        log = retention.purge()

    assert {d.data_class: d.count for d in log}["inactive_members"] == 1
    assert not Registration.objects.filter(email__icontains="budi").exists()
    assert not Registration.objects.filter(full_name__icontains="budi").exists()
    assert not WalkIn.objects.filter(email__icontains="budi").exists()
    assert not WalkIn.objects.filter(full_name__icontains="budi").exists()
    assert not OutboxMessage.objects.filter(recipient__icontains="budi").exists()
    assert not AccessEntry.objects.filter(user_label__icontains="budi").exists()
