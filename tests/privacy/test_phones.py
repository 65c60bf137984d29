"""Collect only what is used (UU 27/2022 Art. 16(2)(b), 27–28): the forms of a meeting ask for a
mobile number only when its organizers enabled a use for it, and say that purpose where they
ask; the contact list for the meeting day is that use."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from attendance import services as attendance_services
from attendance.models import WalkIn
from events import services as events_services
from events.models import Registration
from privacy.models import MeetingPhoneUse, PhonePurpose
from tests.events.factories import InvitationFactory, MeetingFactory, SessionFactory
from tests.members.factories import AgencyFactory, MemberFactory, OrganizerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=0, open_for_registration=True)
    meeting.organizers.add(organizer)
    now = timezone.now()
    SessionFactory.create(
        meeting=meeting, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=6)
    )
    return meeting


def uses_phones(meeting, purpose=PhonePurpose.CONTACT_LIST):
    MeetingPhoneUse.objects.create(meeting=meeting, purpose=purpose)


REGISTRATION = {
    "full_name": "Siti Rahmawati",
    "email": "siti@kemenag.go.id",
    "agency_name": "Kementerian Agama",
    "phone": "0812-3456-7890",
}

WALK_IN = {
    "action": "walk_in",
    "full_name": "Yusuf Maulana",
    "agency_name": "Badan Pusat Statistik",
    "phone": "+6281298765432",
    "email": "yusuf.maulana@bps.go.id",
}


def register(client, meeting):
    return client.post(reverse("events:register", args=[meeting.public_code]), REGISTRATION)


def walk_in(client, meeting):
    code = attendance_services.venue_code(session=meeting.sessions.get())
    url = reverse("attendance:self_checkin", args=[code])
    page = client.get(url).content.decode()
    start = page.index('name="pass" value="') + len('name="pass" value="')
    return page, client.post(url, {**WALK_IN, "pass": page[start : page.index('"', start)]})


def test_without_a_use_the_registration_form_has_no_phone_and_keeps_none_posted(client, meeting):
    page = client.get(reverse("events:register", args=[meeting.public_code]))

    response = register(client, meeting)

    assert 'name="phone"' not in page.content.decode()
    assert response.status_code == 302
    assert Registration.objects.get().phone == ""


def test_with_a_use_the_registration_form_asks_and_says_what_for(client, meeting):
    uses_phones(meeting)

    page = client.get(reverse("events:register", args=[meeting.public_code])).content.decode()
    register(client, meeting)

    assert 'name="phone"' in page
    assert "Mobile number (optional), used only for: Contact list for the meeting day." in page
    assert Registration.objects.get().phone == "+6281234567890"


def test_without_a_use_the_walk_in_form_has_no_phone_and_keeps_none_posted(client, meeting):
    page, response = walk_in(client, meeting)

    assert 'name="phone"' not in page
    assert response.status_code == 200
    assert WalkIn.objects.get().phone == ""


def test_with_a_use_the_walk_in_form_asks_and_says_what_for(client, meeting):
    uses_phones(meeting, PhonePurpose.LOGISTICS)

    page, _response = walk_in(client, meeting)

    assert 'name="phone"' in page
    assert "used only for: Travel and accommodation arrangements." in page
    assert WalkIn.objects.get().phone == "+6281298765432"


def test_an_organizer_enables_a_use_and_another_organizer_cannot(client, organizer, meeting):
    url = reverse("privacy:phone_use", args=[meeting.pk])

    client.force_login(OrganizerFactory.create())
    refused = client.post(url, {"purpose": PhonePurpose.CONTACT_LIST})
    client.force_login(organizer)
    saved = client.post(url, {"purpose": PhonePurpose.CONTACT_LIST})
    detail = client.get(reverse("events:meeting_detail", args=[meeting.pk])).content.decode()

    assert refused.status_code == 403
    assert saved.status_code == 302
    assert MeetingPhoneUse.objects.get(meeting=meeting).purpose == PhonePurpose.CONTACT_LIST
    assert "Mobile numbers are asked for: Contact list for the meeting day." in detail


def test_an_unknown_purpose_is_refused_and_nothing_saved(client, organizer, meeting):
    client.force_login(organizer)

    response = client.post(
        reverse("privacy:phone_use", args=[meeting.pk]), {"purpose": "marketing"}
    )

    assert response.status_code == 400
    assert not MeetingPhoneUse.objects.exists()


def test_turning_the_use_off_stops_asking(client, organizer, meeting):
    uses_phones(meeting)
    client.force_login(organizer)

    client.post(reverse("privacy:phone_use", args=[meeting.pk]), {"purpose": ""})
    client.logout()
    page = client.get(reverse("events:register", args=[meeting.public_code])).content.decode()

    assert not MeetingPhoneUse.objects.exists()
    assert 'name="phone"' not in page


def test_the_contact_list_exists_only_on_a_meeting_that_uses_it(client, organizer, meeting):
    kemenag = AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")
    InvitationFactory.create(
        meeting=meeting,
        answer="yes",
        member=MemberFactory.create(full_name="Siti", agency=kemenag, phone="+6281234567890"),
    )
    InvitationFactory.create(
        meeting=meeting, answer="no", member=MemberFactory.create(full_name="Budi", phone="+628111")
    )
    url = reverse("privacy:contact_list", args=[meeting.pk])
    client.force_login(organizer)

    before = client.get(url)
    uses_phones(meeting)
    after = client.get(url)
    client.force_login(OrganizerFactory.create())
    stranger = client.get(url)

    assert before.status_code == 404
    assert after.status_code == 200
    assert "+6281234567890" in after.content.decode()
    assert "+628111" not in after.content.decode()  # declined: not expected on the day
    assert stranger.status_code == 403


def answer_url(invitation):
    return reverse("events:answer", args=[events_services.issue_answer_link(invitation=invitation)])


def test_an_invitee_gives_their_own_number_on_their_answer_page_when_the_meeting_uses_it(
    client, meeting
):
    invitation = InvitationFactory.create(meeting=meeting, member=MemberFactory.create(phone=""))
    url = answer_url(invitation)
    without = client.get(url).content.decode()
    uses_phones(meeting)

    page = client.get(url).content.decode()
    saved = client.post(url + "phone/", {"phone": "0812-3456-7890"}, follow=True)

    assert 'name="phone"' not in without
    assert 'name="phone"' in page
    assert "Contact list for the meeting day" in page
    assert 'data-privacy-notice="phone"' in page
    assert "Your mobile number was saved." in saved.content.decode()
    invitation.member.refresh_from_db()
    assert invitation.member.phone == "+6281234567890"


def test_a_bad_number_is_named_and_nothing_written(client, meeting):
    uses_phones(meeting)
    invitation = InvitationFactory.create(meeting=meeting, member=MemberFactory.create(phone=""))
    url = answer_url(invitation)

    response = client.post(url + "phone/", {"phone": "nomor saya"}, follow=True)

    assert "“nomor saya” is not a phone number." in response.content.decode()
    invitation.member.refresh_from_db()
    assert invitation.member.phone == ""


def test_no_number_is_taken_on_a_meeting_that_uses_none_nor_with_a_wrong_link(client, meeting):
    invitation = InvitationFactory.create(meeting=meeting, member=MemberFactory.create(phone=""))

    refused = client.post(answer_url(invitation) + "phone/", {"phone": "081234567890"})
    forged = client.post(reverse("privacy:answer_phone", args=["x" * 43]), {"phone": "0812"})

    assert refused.status_code == 404
    assert forged.status_code == 404
    invitation.member.refresh_from_db()
    assert invitation.member.phone == ""
