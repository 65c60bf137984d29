"""Item 5: an erasure request removes what is not a record and pseudonymises the rest; the
closed daftar hadir of a finished meeting keeps its row, and the person is told why."""

from datetime import timedelta

import pytest
from django.utils import timezone

from attendance.models import CheckIn
from attendance.services import close_sheet
from events.models import AnswerLink, Invitation
from members.models import Member
from personal_data.models import RightsRequest
from personal_data.services.rights import answer_request, ask
from records.models import FrozenDocument
from tests.attendance.factories import CheckInFactory, signature_png
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, UserFactory
from tests.support.found import present

pytestmark = pytest.mark.django_db


@pytest.fixture
def erased(organizer):
    person = MemberFactory.create(full_name="Budi Santoso", email="budi@kominfo.go.id")
    person.user = UserFactory.create(email=person.email)
    person.save()
    checkin = CheckInFactory.create(invitation__member=person, signature=signature_png())
    finished = checkin.session.meeting
    finished.organizers.add(organizer)
    close_sheet(session=checkin.session, by=organizer)
    coming = MeetingFactory.create(sessions__first_day=timezone.localdate() + timedelta(days=30))
    upcoming = InvitationFactory.create(meeting=coming, member=person)
    AnswerLink.objects.create(invitation=upcoming, secret_hash="a" * 64)
    request = ask(member=person, kind=RightsRequest.Kind.ERASURE)
    answer = answer_request(request=request, by=UserFactory.create(is_staff=True), carry_out=True)
    return {"person": person, "checkin": checkin, "upcoming": upcoming, "answer": answer}


def test_the_person_is_pseudonymised(erased):
    person = Member.objects.get(pk=erased["person"].pk)

    assert person.full_name == f"Anonim #{person.pk}"
    assert "budi" not in person.email
    assert (person.nip, person.phone) == ("", "")
    assert person.user is None
    assert not Member.objects.filter(email__iexact="budi@kominfo.go.id").exists()


def test_the_finished_meetings_closed_daftar_hadir_keeps_its_row(erased):
    checkin = erased["checkin"]

    assert CheckIn.objects.filter(pk=checkin.pk).exists()
    assert FrozenDocument.objects.filter(
        kind=FrozenDocument.Kind.DAFTAR_HADIR, subject_id=checkin.session_id
    ).exists()
    # The record holds the signature; the live copy goes.
    assert CheckIn.objects.get(pk=checkin.pk).signature is None


def test_the_person_is_withdrawn_from_what_is_to_come_and_their_links_stop(erased):
    upcoming = Invitation.objects.get(pk=erased["upcoming"].pk)

    assert upcoming.withdrawn_at is not None
    assert not AnswerLink.objects.filter(invitation__member=erased["person"]).exists()


def test_the_answer_names_the_kept_record_and_its_retention_rule(erased):
    answer = erased["answer"]

    assert erased["checkin"].session.meeting.title in answer
    assert "Perka ANRI 6/2013" in answer
    request = RightsRequest.objects.get()
    assert request.state == "done"
    assert present(request.answered_at) <= timezone.now()
