"""A signature given after a daftar hadir was closed (late, with the organizer's reason) is in
no closed version until the sheet is closed again: neither the retention purge nor an erasure
may delete its live copy as if a record held it."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from attendance.models import CheckIn
from attendance.services import close_sheet
from attendance.services.signatures import sign_check_in
from personal_data.services import retention
from personal_data.services.rights import erase_member
from tests.attendance.factories import CheckInFactory, signature_png

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(organizer):
    early = CheckInFactory.create(signature=signature_png())
    session = early.session
    session.meeting.organizers.add(organizer)
    late = CheckInFactory.create(invitation__meeting=session.meeting, session=session)
    close_sheet(session=session, by=organizer)
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        sign_check_in(checkin=late, signature=signature_png(), by=organizer, reason="Ke toilet")
    return early, late


def signature(checkin):
    return CheckIn.objects.get(pk=checkin.pk).signature


def test_the_purge_keeps_a_signature_no_closed_version_holds(sheet):
    early, late = sheet

    with time_machine.travel(timezone.now() + timedelta(days=1096)):
        retention.purge()

    assert signature(early) is None  # version 1 holds it
    assert signature(late) is not None


def test_an_erasure_keeps_a_signature_no_closed_version_holds(sheet):
    _early, late = sheet

    erase_member(member=late.invitation.member)

    assert signature(late) is not None
