"""Registering through the meeting's public page (/r/<code>/), confirmed by an emailed code."""

from datetime import timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from events import services
from events.models import Invitation, Meeting, Registration
from members.models import Agency, Member
from outbox.models import Kind, OutboxMessage
from privacy.models import MeetingPhoneUse, PhonePurpose
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.events.registration_steps import code_sent_to, confirm, details, messages_to, url
from tests.members.factories import AgencyFactory, MemberFactory, OrganizerFactory
from tests.support.found import present
from tests.support.http import through_caddy
from tests.support.meetings import TWO_DAYS, form_data

pytestmark = pytest.mark.django_db

NIP = "198503152010011001"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    yield
    translation.deactivate()


@pytest.fixture
def kemenag():
    return AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(
        sessions=2,
        registration_open=True,
        registration_scope=Meeting.RegistrationScope.EMAIL_DOMAINS,
        registration_domains="kemenag.go.id, bps.go.id",
        answer_deadline=timezone.now() + timedelta(days=7),
    )
    meeting.organizers.add(organizer)
    # The form asks for a mobile number only on a meeting that uses them (tests/privacy).
    MeetingPhoneUse.objects.create(meeting=meeting, purpose=PhonePurpose.CONTACT_LIST)
    return meeting


def calendar_of(message) -> tuple[str, icalendar.Calendar]:
    alternative, _attachment = message.get_payload()
    part = alternative.get_payload()[-1]
    return part.get_param("method"), icalendar.Calendar.from_ical(part.get_payload(decode=True))


# --- The public page ------------------------------------------------------------------------


def test_the_public_page_shows_the_meeting_the_indonesian_way(client, meeting, settings):
    settings.LANGUAGE_CODE = "id"

    page = client.get(url(meeting))

    body = page.content.decode()
    assert page.status_code == 200
    assert meeting.title in body
    assert "Sekretariat Balitbang Diklat Kementerian Agama" in body
    assert "Kamis, 25 November 2021 · 08.00–16.00 WIB" in body
    assert "Aula Gedung Kementerian Agama" in body
    assert 'name="email"' in body
    assert 'name="nip"' in body


@pytest.mark.usefixtures("meeting")
def test_a_draft_meeting_has_no_public_page_and_an_unknown_code_neither(client):
    draft = MeetingFactory.create(state=Meeting.State.DRAFT, registration_open=True)

    assert client.get(url(draft)).status_code == 404
    assert client.get(reverse("events:register", args=["nosuchcode"])).status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"registration_open": False}, "Registration for this meeting is closed."),
        (
            {"registration_closes_at": timezone.now() - timedelta(minutes=1)},
            "Registration for this meeting is closed.",
        ),
        ({"answer_deadline": timezone.now() - timedelta(minutes=1)}, "closed"),
        ({"state": Meeting.State.CANCELLED}, "This meeting was cancelled."),
    ],
)
def test_a_closed_registration_shows_why_and_accepts_nothing(
    client, meeting, kemenag, change, message
):
    Meeting.objects.filter(pk=meeting.pk).update(**change)

    page = client.get(url(meeting))
    refused = client.post(url(meeting), details(kemenag))

    assert message in page.content.decode()
    assert 'name="email"' not in page.content.decode()
    assert refused.status_code == 400
    assert not Registration.objects.exists()
    assert not OutboxMessage.objects.exists()


# --- Registering and confirming ---------------------------------------------------------------


def test_a_new_person_registers_confirms_with_the_code_and_gets_the_invitation(
    client, meeting, kemenag, django_capture_on_commit_callbacks
):
    sent = client.post(url(meeting), details(kemenag))

    assert sent.status_code == 302
    assert sent.url == url(meeting, "events:register_confirm")
    assert OutboxMessage.objects.get().kind == Kind.REGISTRATION, "only the code is sent"
    assert not Member.objects.filter(email="siti@kemenag.go.id").exists()
    assert not Invitation.objects.exists()
    page = client.get(sent.url)
    assert "siti@kemenag.go.id" in page.content.decode()

    done = confirm(
        client, meeting, code_sent_to("siti@kemenag.go.id"), django_capture_on_commit_callbacks
    )

    assert done.status_code == 302
    assert done.url == url(meeting, "events:register_done")
    member = Member.objects.get(email="siti@kemenag.go.id")
    assert (member.full_name, member.nip, member.rank, member.phone, member.agency) == (
        "Siti Rahmawati, S.Sos.",
        NIP,
        "III/c",
        "+6281234567890",
        kemenag,
    )
    invitation = Invitation.objects.get(meeting=meeting, member=member)
    assert invitation.role == Invitation.Role.PARTICIPANT
    assert invitation.answer == Invitation.Answer.YES, "registering means Hadir"
    assert Registration.objects.get().invitation == invitation
    invitation_mails = messages_to("siti@kemenag.go.id", Kind.INVITATION)
    assert len(invitation_mails) == 2, "an email per session"
    for invitation_mail, session in zip(
        invitation_mails, meeting.sessions.order_by("starts_at"), strict=True
    ):
        method, calendar = calendar_of(invitation_mail)
        [event] = calendar.events
        assert method == str(calendar["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == session.uid
        assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    outcome = client.get(done.url)
    assert "You are registered as attending" in outcome.content.decode()


def test_the_code_is_kept_only_as_a_keyed_hash_and_expires_in_thirty_minutes(
    client, meeting, kemenag
):
    client.post(url(meeting), details(kemenag))

    registration = Registration.objects.get()
    code = code_sent_to("siti@kemenag.go.id")
    stored = [str(getattr(registration, f.attname)) for f in Registration._meta.fields]
    assert not any(code in value for value in stored)
    assert len(registration.code_hash) == 64
    left = present(registration.code_expires_at) - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)


def test_an_organizer_who_is_not_staff_does_not_see_the_code_in_the_outbox(
    client, meeting, organizer, kemenag
):
    client.post(url(meeting), details(kemenag))
    code = code_sent_to("siti@kemenag.go.id")
    client.force_login(organizer)  # one of the meeting's organizers: they see its mail

    listed = client.get(reverse("outbox:list"))
    searched = client.get(reverse("outbox:list"), {"q": code})

    assert listed.status_code == 200
    assert "siti@kemenag.go.id" in listed.text
    assert code not in listed.text
    assert "siti@kemenag.go.id" not in searched.text, "the code finds nothing"


def test_five_wrong_codes_use_the_code_up_and_nothing_is_registered(
    client, meeting, kemenag, django_capture_on_commit_callbacks
):
    client.post(url(meeting), details(kemenag))
    right = code_sent_to("siti@kemenag.go.id")
    wrong = "000000" if right != "000000" else "111111"

    answers = [
        confirm(client, meeting, wrong, django_capture_on_commit_callbacks) for _ in range(5)
    ]
    late = confirm(client, meeting, right, django_capture_on_commit_callbacks)

    assert [a.status_code for a in answers] == [400] * 5
    assert "4 attempts left" in answers[0].content.decode()
    assert "That code is not right" in answers[3].content.decode()
    assert "no longer valid" in answers[4].content.decode()
    assert late.status_code == 400
    assert "no longer valid" in late.content.decode()
    assert not Member.objects.filter(email="siti@kemenag.go.id").exists()
    assert not Invitation.objects.exists()
    assert Registration.objects.get().state == Registration.State.UNCONFIRMED


def test_an_expired_code_is_refused_and_a_new_code_works(
    client, meeting, kemenag, django_capture_on_commit_callbacks
):
    client.post(url(meeting), details(kemenag))
    old = code_sent_to("siti@kemenag.go.id")
    Registration.objects.update(code_expires_at=timezone.now() - timedelta(seconds=1))

    expired = confirm(client, meeting, old, django_capture_on_commit_callbacks)
    client.post(url(meeting, "events:register_confirm"), {"resend": "1"})
    new = code_sent_to("siti@kemenag.go.id")
    done = confirm(client, meeting, new, django_capture_on_commit_callbacks)

    assert expired.status_code == 400
    assert "no longer valid" in expired.content.decode()
    assert len(messages_to("siti@kemenag.go.id", Kind.REGISTRATION)) == 2
    assert done.status_code == 302
    assert Invitation.objects.filter(member__email="siti@kemenag.go.id").exists()


@pytest.mark.usefixtures("django_capture_on_commit_callbacks")
def test_another_visitor_cannot_confirm_someone_elses_registration(client, meeting, kemenag):
    from django.test import Client

    client.post(url(meeting), details(kemenag))
    stranger = Client()

    response = stranger.post(
        url(meeting, "events:register_confirm"), {"code": code_sent_to("siti@kemenag.go.id")}
    )

    assert response.status_code == 302
    assert response["Location"] == url(meeting)
    assert Registration.objects.get().state == Registration.State.UNCONFIRMED


def test_bad_input_is_named_and_nothing_is_sent(client, meeting, kemenag):
    response = client.post(
        url(meeting),
        details(kemenag, nip="12345", phone="12", rank="X/z", email="not an email"),
    )

    form = response.context["form"]
    assert response.status_code == 400
    assert set(form.errors) == {"nip", "phone", "rank", "email"}
    assert not Registration.objects.exists()
    assert not OutboxMessage.objects.exists()


# --- Who may register -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "accepted"),
    [
        ("siti@kemenag.go.id", True),
        ("siti@humas.KEMENAG.go.id", True),
        ("siti@bps.go.id", True),
        ("siti@fakekemenag.go.id", False),
        ("siti@kemenag.go.id.evil.example", False),
        ("siti@gmail.com", False),
    ],
)
def test_only_addresses_of_the_listed_domains_or_their_subdomains_may_register(
    client, meeting, kemenag, address, accepted
):
    response = client.post(url(meeting), details(kemenag, email=address))

    assert (response.status_code == 302) is accepted
    assert OutboxMessage.objects.filter(kind=Kind.REGISTRATION).count() == int(accepted)
    if not accepted:
        assert "Only addresses of these domains can register" in response.content.decode()


def test_with_the_invited_agencies_scope_only_those_agencies_can_register(client, meeting, kemenag):
    invited = InvitationFactory.create(meeting=meeting).member.agency
    Meeting.objects.filter(pk=meeting.pk).update(
        registration_scope=Meeting.RegistrationScope.INVITED_AGENCIES
    )

    page = client.get(url(meeting))
    outsider = client.post(url(meeting), details(kemenag, email="a@gmail.com"))
    insider = client.post(url(meeting), details(invited, email="b@gmail.com"))

    assert list(page.context["form"].fields["agency"].queryset) == [invited]
    assert "agency_name" not in page.context["form"].fields
    assert outsider.status_code == 400
    assert insider.status_code == 302
    assert [r.email for r in Registration.objects.all()] == ["b@gmail.com"]


@pytest.mark.parametrize("typed", ["kementerian agama", "Kementerian Agama (KEMENAG)"])
def test_a_typed_agency_is_matched_to_the_known_one(
    client, meeting, kemenag, typed, django_capture_on_commit_callbacks
):
    client.post(url(meeting), details(kemenag, agency="", agency_name=typed))
    confirm(client, meeting, code_sent_to("siti@kemenag.go.id"), django_capture_on_commit_callbacks)

    assert Member.objects.get(email="siti@kemenag.go.id").agency == kemenag


def test_an_acronym_shared_by_two_agencies_asks_to_choose_from_the_list(client, meeting, kemenag):
    # The meeting's host, "Sekretariat Balitbang Diklat Kementerian Agama", is Kemenag too.
    response = client.post(url(meeting), details(kemenag, agency="", agency_name="kemenag"))

    assert response.status_code == 400
    assert "choose yours from the list" in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_an_unknown_typed_agency_is_created_only_on_confirmation(
    client, meeting, kemenag, django_capture_on_commit_callbacks
):
    client.post(
        url(meeting),
        details(kemenag, email="andi@bps.go.id", agency="", agency_name="Badan Pusat Statistik"),
    )

    assert not Agency.objects.filter(name="Badan Pusat Statistik").exists()
    confirm(client, meeting, code_sent_to("andi@bps.go.id"), django_capture_on_commit_callbacks)
    assert Member.objects.get(email="andi@bps.go.id").agency.name == "Badan Pusat Statistik"


# --- Existing members and invitations ---------------------------------------------------------


def test_an_existing_member_is_recognised_by_email_and_updated_only_after_confirming(
    client, meeting, kemenag, django_capture_on_commit_callbacks
):
    member = MemberFactory.create(
        email="Siti@Kemenag.go.id", position="Staf", agency=kemenag, nip=NIP, phone=""
    )

    client.post(url(meeting), details(kemenag, position="Kepala Biro Humas", nip=""))
    before = Member.objects.get(pk=member.pk)
    confirm(client, meeting, code_sent_to("siti@kemenag.go.id"), django_capture_on_commit_callbacks)
    after = Member.objects.get(pk=member.pk)

    assert before.position == "Staf"
    assert (after.position, after.nip, after.phone) == (
        "Kepala Biro Humas",
        NIP,  # left empty on the form: the stored one stays
        "+6281234567890",
    )
    assert Member.objects.filter(email__iexact="siti@kemenag.go.id").count() == 1
    assert Invitation.objects.get(meeting=meeting).member == member


def test_an_invited_person_gets_the_same_answer_and_no_second_invitation(
    client, meeting, kemenag, django_capture_on_commit_callbacks
):
    invited = InvitationFactory.create(
        meeting=meeting,
        member=MemberFactory.create(email="siti@kemenag.go.id", agency=kemenag),
        answer=Invitation.Answer.NO,
        invitation_sent_at=timezone.now(),
    )
    stranger = client.post(url(meeting), details(kemenag, email="new@kemenag.go.id"))
    client.cookies.clear()

    known = client.post(url(meeting), details(kemenag))
    done = confirm(
        client, meeting, code_sent_to("siti@kemenag.go.id"), django_capture_on_commit_callbacks
    )

    assert (known.status_code, known.url) == (stranger.status_code, stranger.url)
    assert "You are already invited" in client.get(done.url).content.decode()
    assert messages_to("siti@kemenag.go.id", Kind.INVITATION) == []
    assert Invitation.objects.get(pk=invited.pk).answer == Invitation.Answer.NO


def test_an_invited_person_whose_invitation_was_never_sent_gets_it_now(
    client, meeting, kemenag, django_capture_on_commit_callbacks
):
    InvitationFactory.create(
        meeting=meeting, member=MemberFactory.create(email="siti@kemenag.go.id")
    )

    client.post(url(meeting), details(kemenag))
    confirm(client, meeting, code_sent_to("siti@kemenag.go.id"), django_capture_on_commit_callbacks)

    assert len(messages_to("siti@kemenag.go.id", Kind.INVITATION)) == 2, "one per session"


def test_over_capacity_a_registration_goes_to_the_waiting_list(
    client, meeting, kemenag, django_capture_on_commit_callbacks
):
    Meeting.objects.filter(pk=meeting.pk).update(capacity=1)
    InvitationFactory.create(meeting=meeting, answer=Invitation.Answer.YES)

    client.post(url(meeting), details(kemenag))
    done = confirm(
        client, meeting, code_sent_to("siti@kemenag.go.id"), django_capture_on_commit_callbacks
    )

    invitation = Invitation.objects.get(member__email="siti@kemenag.go.id")
    assert invitation.answer == Invitation.Answer.WAITLISTED
    assert "waiting list" in client.get(done.url).content.decode()
    mail, _second_session = messages_to("siti@kemenag.go.id", Kind.INVITATION)
    _method, calendar = calendar_of(mail)
    assert calendar.events[0]["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"


# --- Approval by an organizer -------------------------------------------------------------------


def test_with_approval_required_the_organizer_approves_and_the_invitation_goes_out(
    client, organizer_client, meeting, kemenag, django_capture_on_commit_callbacks
):
    Meeting.objects.filter(pk=meeting.pk).update(registration_requires_approval=True)
    client.post(url(meeting), details(kemenag))
    done = confirm(
        client, meeting, code_sent_to("siti@kemenag.go.id"), django_capture_on_commit_callbacks
    )
    registration = Registration.objects.get()

    assert "The organizers will review your registration" in client.get(done.url).content.decode()
    assert registration.state == Registration.State.AWAITING_APPROVAL
    assert not Invitation.objects.exists()
    pending = organizer_client.get(reverse("events:meeting_registrations", args=[meeting.pk]))
    assert "Siti Rahmawati" in pending.content.decode()
    assert services.public_url(meeting) in pending.content.decode()
    assert services.public_url(meeting).startswith("http://")

    approve = reverse("events:registration_approve", args=[meeting.pk, registration.pk])
    assert organizer_client.get(approve).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(approve)

    registration.refresh_from_db()
    assert registration.state == Registration.State.ACCEPTED
    assert present(registration.invitation).answer == Invitation.Answer.YES
    assert len(messages_to("siti@kemenag.go.id", Kind.INVITATION)) == 2, "one per session"
    again = organizer_client.get(reverse("events:meeting_registrations", args=[meeting.pk]))
    assert "Siti Rahmawati" not in again.content.decode()


def test_a_rejected_registration_gets_no_invitation(
    client, organizer_client, meeting, kemenag, django_capture_on_commit_callbacks
):
    Meeting.objects.filter(pk=meeting.pk).update(registration_requires_approval=True)
    client.post(url(meeting), details(kemenag))
    confirm(client, meeting, code_sent_to("siti@kemenag.go.id"), django_capture_on_commit_callbacks)
    registration = Registration.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(
            reverse("events:registration_reject", args=[meeting.pk, registration.pk])
        )

    assert Registration.objects.get().state == Registration.State.REJECTED
    assert not Invitation.objects.exists()
    assert messages_to("siti@kemenag.go.id", Kind.INVITATION) == []


@pytest.mark.usefixtures("kemenag")
def test_another_organizer_cannot_approve(client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(registration_requires_approval=True)
    registration = Registration.objects.create(
        meeting=meeting,
        email="x@kemenag.go.id",
        full_name="X",
        agency_name="Kemenag",
        state=Registration.State.AWAITING_APPROVAL,
    )
    client.force_login(OrganizerFactory.create())

    response = client.post(
        reverse("events:registration_approve", args=[meeting.pk, registration.pk])
    )

    assert response.status_code == 403
    assert Registration.objects.get().state == Registration.State.AWAITING_APPROVAL


# --- Abuse ------------------------------------------------------------------------------------


def test_three_codes_per_hour_per_address_then_a_clear_429(client, meeting, kemenag):
    answers = [client.post(url(meeting), details(kemenag)) for _ in range(4)]

    assert [a.status_code for a in answers] == [302, 302, 302, 429]
    assert "Too many codes were asked for" in answers[3].content.decode()
    assert len(messages_to("siti@kemenag.go.id", Kind.REGISTRATION)) == 3


def test_twenty_codes_per_hour_per_client_address_then_a_clear_429(client, meeting, kemenag):
    answers = [
        client.post(url(meeting), details(kemenag, email=f"p{n}@kemenag.go.id")) for n in range(21)
    ]

    assert [a.status_code for a in answers] == [302] * 20 + [429]
    assert OutboxMessage.objects.count() == 20


def test_behind_the_proxy_one_address_using_up_its_codes_leaves_others_free(
    client, settings, meeting, kemenag
):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(20):
        client.post(
            url(meeting),
            details(kemenag, email=f"p{n}@kemenag.go.id"),
            **through_caddy("203.0.113.7"),
        )

    refused = client.post(
        url(meeting), details(kemenag, email="p20@kemenag.go.id"), **through_caddy("203.0.113.7")
    )
    colleague = client.post(
        url(meeting), details(kemenag, email="budi@bps.go.id"), **through_caddy("198.51.100.20")
    )

    assert refused.status_code == 429
    assert colleague.status_code == 302
    assert len(messages_to("budi@bps.go.id", Kind.REGISTRATION)) == 1


# --- The organizer's meeting form -------------------------------------------------------------


def test_the_organizer_opens_registration_from_the_meeting_form(organizer_client, kemenag):
    data = form_data(
        kemenag,
        TWO_DAYS,
        registration_open="on",
        registration_scope="email_domains",
        registration_domains="@Kemenag.go.id; bps.go.id",
        registration_closes_at="2031-11-19T17:00",
        registration_requires_approval="on",
    )

    response = organizer_client.post(reverse("events:meeting_create"), data)

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert meeting.registration_open
    assert meeting.registration_requires_approval
    assert meeting.registration_domains == "kemenag.go.id, bps.go.id"
    assert present(meeting.registration_closes_at).isoformat() == "2031-11-19T10:00:00+00:00"
    detail = organizer_client.get(reverse("events:meeting_detail", args=[meeting.pk]))
    assert reverse("events:meeting_registrations", args=[meeting.pk]) in detail.content.decode()


def test_the_email_domain_scope_needs_its_domains(organizer_client, kemenag):
    data = form_data(kemenag, TWO_DAYS, registration_open="on", registration_scope="email_domains")

    response = organizer_client.post(reverse("events:meeting_create"), data)

    assert response.status_code == 400
    assert "List the email domains that may register." in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_registration_of_a_meeting_cancelled_meanwhile_cannot_be_approved(
    organizer_client, meeting
):
    registration = Registration.objects.create(
        meeting=meeting,
        email="x@kemenag.go.id",
        full_name="X",
        agency_name="Kemenag",
        state=Registration.State.AWAITING_APPROVAL,
    )
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.CANCELLED)

    response = organizer_client.post(
        reverse("events:registration_approve", args=[meeting.pk, registration.pk]), follow=True
    )

    assert "Only a published meeting sends invitations." in response.content.decode()
    assert Registration.objects.get().state == Registration.State.AWAITING_APPROVAL
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("count", [3, 60])
def test_the_pending_list_takes_the_same_queries_at_3_and_60_registrations(
    organizer_client, meeting, kemenag, count, django_assert_max_num_queries
):
    Registration.objects.bulk_create(
        Registration(
            meeting=meeting,
            email=f"p{n}@kemenag.go.id",
            full_name=f"Peserta {n}",
            agency=kemenag,
            agency_name=kemenag.name,
            state=Registration.State.AWAITING_APPROVAL,
            confirmed_at=timezone.now(),
        )
        for n in range(count)
    )

    with django_assert_max_num_queries(8):
        page = organizer_client.get(reverse("events:meeting_registrations", args=[meeting.pk]))

    assert page.content.decode().count("Approve</button>") == count


def test_someone_the_organizers_withdrew_is_not_reinvited_by_registering_but_waits_for_them(
    client, meeting, kemenag, django_capture_on_commit_callbacks
):
    withdrawn = InvitationFactory.create(
        meeting=meeting,
        member=MemberFactory.create(email="siti@kemenag.go.id", agency=kemenag),
        invitation_sent_at=timezone.now(),
    )
    services.withdraw_invitation(invitation=withdrawn, withdrawn_by=None)
    sent = len(messages_to("siti@kemenag.go.id", Kind.INVITATION))

    client.post(url(meeting), details(kemenag))
    done = confirm(
        client, meeting, code_sent_to("siti@kemenag.go.id"), django_capture_on_commit_callbacks
    )

    withdrawn.refresh_from_db()
    registration = Registration.objects.get(email="siti@kemenag.go.id")
    assert withdrawn.withdrawn_at is not None
    assert registration.state == Registration.State.AWAITING_APPROVAL
    assert len(messages_to("siti@kemenag.go.id", Kind.INVITATION)) == sent
    assert "will review your registration" in client.get(done.url).content.decode()
