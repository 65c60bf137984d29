"""Attendance records: per session each invitee is present, excused (with the reason the
organizer enters), represented or absent."""

import pytest
from django.urls import reverse

from attendance import selectors, services
from attendance.models import Excuse, Status
from events.models import Invitation
from tests.attendance.factories import AcceptedInvitationFactory, CheckInFactory, ExcuseFactory
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, UserFactory
from tests.support.found import present

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=2)
    meeting.organizers.add(organizer)
    return meeting


def statuses(session) -> dict[str, str]:
    return {
        row.member.full_name: row.status
        for row in selectors.attendance_for_session(session=session)
    }


def invitee(meeting, name, **kwargs):
    kwargs.setdefault("answer", Invitation.Answer.YES)
    return InvitationFactory.create(
        meeting=meeting, member=MemberFactory.create(full_name=name), **kwargs
    )


def test_each_invitee_has_one_status_per_session(meeting):
    day_one, day_two = meeting.sessions.all()
    ani = invitee(meeting, "Ani")
    budi = invitee(meeting, "Budi")
    wakil = invitee(meeting, "Wakil Citra")
    citra = invitee(meeting, "Citra", answer=Invitation.Answer.REPRESENTED, represented_by=wakil)
    invitee(meeting, "Dedi", answer=Invitation.Answer.NO)
    CheckInFactory.create(invitation=wakil, session=day_one)  # present for Citra on day one
    CheckInFactory.create(invitation=ani, session=day_one)
    ExcuseFactory.create(invitation=budi, session=day_one, reason="Dinas luar kota")
    CheckInFactory.create(invitation=budi, session=day_two)
    CheckInFactory.create(invitation=citra, session=day_two)  # came after all

    assert statuses(day_one) == {
        "Ani": Status.PRESENT,
        "Budi": Status.EXCUSED,
        "Citra": Status.REPRESENTED,
        "Dedi": Status.ABSENT,
        "Wakil Citra": Status.PRESENT,
    }
    assert statuses(day_two) == {
        "Ani": Status.ABSENT,
        "Budi": Status.PRESENT,
        "Citra": Status.PRESENT,
        "Dedi": Status.ABSENT,
        "Wakil Citra": Status.ABSENT,
    }


def test_a_representative_who_never_came_leaves_the_invitee_absent(meeting):
    day_one, _day_two = meeting.sessions.all()
    wakil = invitee(meeting, "Wakil Eka")
    invitee(meeting, "Eka", answer=Invitation.Answer.REPRESENTED, represented_by=wakil)

    assert statuses(day_one)["Eka"] == Status.ABSENT


def test_withdrawn_invitations_are_not_on_the_record(meeting):
    from django.utils import timezone

    invitee(meeting, "Eka", withdrawn_at=timezone.now())

    assert statuses(meeting.sessions.first()) == {}


def test_the_organizer_excuses_an_invitee_with_a_reason(organizer_client, meeting):
    day_one = meeting.sessions.first()
    budi = invitee(meeting, "Budi Santoso")
    url = reverse("attendance:excuse", args=[meeting.pk, day_one.pk, budi.pk])

    form = organizer_client.get(url)
    response = organizer_client.post(url, {"reason": "  Sakit,   surat dokter menyusul "})

    assert form.status_code == 200
    assert "Budi Santoso" in form.content.decode()
    assert response.status_code == 302
    excuse = Excuse.objects.get(invitation=budi, session=day_one)
    assert excuse.reason == "Sakit, surat dokter menyusul"
    assert statuses(day_one)["Budi Santoso"] == Status.EXCUSED


def test_changing_and_removing_an_excuse(organizer_client, meeting):
    day_one = meeting.sessions.first()
    budi = invitee(meeting, "Budi Santoso")
    url = reverse("attendance:excuse", args=[meeting.pk, day_one.pk, budi.pk])

    organizer_client.post(url, {"reason": "Sakit"})
    organizer_client.post(url, {"reason": "Dinas luar kota"})
    assert Excuse.objects.get().reason == "Dinas luar kota"

    organizer_client.post(url, {"reason": "Dinas luar kota", "remove": "1"})
    assert not Excuse.objects.exists()
    assert statuses(day_one)["Budi Santoso"] == Status.ABSENT


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_an_excuse_needs_a_sensible_reason(organizer_client, meeting, reason):
    day_one = meeting.sessions.first()
    budi = invitee(meeting, "Budi Santoso")

    response = organizer_client.post(
        reverse("attendance:excuse", args=[meeting.pk, day_one.pk, budi.pk]), {"reason": reason}
    )

    assert response.status_code == 400
    assert not Excuse.objects.exists()


def test_someone_checked_in_cannot_be_excused(organizer, meeting):
    day_one = meeting.sessions.first()
    ani = AcceptedInvitationFactory.create(meeting=meeting)
    CheckInFactory.create(invitation=ani, session=day_one)

    with pytest.raises(services.ExcuseInvalid):
        services.record_excuse(
            invitation=ani, session=day_one, reason="Sakit", recorded_by=organizer
        )
    assert not Excuse.objects.exists()


def test_an_excuse_for_another_meetings_session_is_refused(organizer, meeting):
    other_session = MeetingFactory.create().sessions.first()
    ani = AcceptedInvitationFactory.create(meeting=meeting)

    with pytest.raises(services.ExcuseInvalid):
        services.record_excuse(
            invitation=ani, session=present(other_session), reason="Sakit", recorded_by=organizer
        )


def test_only_the_meetings_organizers_record_excuses(client, meeting):
    day_one = meeting.sessions.first()
    budi = invitee(meeting, "Budi Santoso")
    client.force_login(UserFactory.create())

    response = client.post(
        reverse("attendance:excuse", args=[meeting.pk, day_one.pk, budi.pk]), {"reason": "Sakit"}
    )

    assert response.status_code == 403
    assert not Excuse.objects.exists()
