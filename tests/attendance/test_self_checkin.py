"""Self check-in: the venue screen shows a QR code that changes every 30 seconds; an invitee
scans it with their phone's camera and checks in with one tap (and may sign); someone not on
the list registers as a walk-in for the organizers to review."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import CheckIn, ScanAttempt, WalkIn
from attendance.views.self_checkin import WALK_INS
from events import services as events_services
from events.models import Invitation
from members.models import Member
from outbox.models import Kind, OutboxMessage
from tests.attendance.factories import (
    AcceptedInvitationFactory,
    WalkInFactory,
    signature_data_url,
    signature_png,
)
from tests.events.factories import InvitationFactory, MeetingFactory, SessionFactory
from tests.members.factories import AgencyFactory, MemberFactory, UserFactory
from tests.support.found import present
from tests.support.http import through_caddy
from tests.support.owed import sweep_later

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=0, title="Koordinasi Pranata Humas Antar K/L")
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def session(meeting):
    now = timezone.now()
    return SessionFactory.create(
        meeting=meeting,
        title="Hari 1",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=6),
    )


@pytest.fixture
def invitation(meeting):
    return AcceptedInvitationFactory.create(
        meeting=meeting,
        member=MemberFactory.create(
            full_name="Siti Nurhaliza",
            agency=AgencyFactory.create(name="Kementerian Kominfo", acronym="Kominfo"),
        ),
    )


def open_answer_page(client, invitation):
    secret = events_services.issue_answer_link(invitation=invitation)
    client.get(reverse("events:answer", args=[secret]))


def code_url(session, at=None) -> str:
    return reverse("attendance:self_checkin", args=[services.venue_code(session=session, at=at)])


def page_pass(response) -> str:
    body = response.content.decode()
    start = body.index('name="pass" value="') + len('name="pass" value="')
    return body[start : body.index('"', start)]


# --- The venue code -------------------------------------------------------------------------


def test_the_code_changes_every_30_seconds_and_the_previous_one_still_works(session):
    now = time.time()
    current = services.venue_code(session=session, at=now)
    previous = services.venue_code(session=session, at=now - 30)

    assert current != previous
    assert services.session_for_code(current, at=now) == session
    assert services.session_for_code(previous, at=now) == session


def test_a_photo_of_the_code_stops_working_after_the_grace(session):
    now = time.time()
    old = services.venue_code(session=session, at=now - 61)

    with pytest.raises(services.CodeExpired):
        services.session_for_code(old, at=now)


@pytest.mark.parametrize(
    "code",
    ["", "garbage", "1-2-3", "x" * 4000, "https://example.com/hadir/1-2-3/", "999-1-abc"],
)
@pytest.mark.usefixtures("session")
def test_anything_else_is_not_a_code(code):
    with pytest.raises(services.CodeInvalid):
        services.session_for_code(code)


def test_a_code_with_a_changed_session_is_refused(session, meeting):
    other = SessionFactory.create(meeting=meeting, title="Hari 2")
    _number, window, mac = services.venue_code(session=session).split("-")

    with pytest.raises(services.CodeInvalid):
        services.session_for_code(f"{other.pk}-{window}-{mac}")


@pytest.mark.usefixtures("session")
def test_the_venue_screen_shows_a_qr_code_of_the_check_in_address(organizer_client, meeting):
    page = organizer_client.get(reverse("attendance:venue", args=[meeting.pk]))
    partial = organizer_client.get(reverse("attendance:venue_code", args=[meeting.pk]))

    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert 'hx-trigger="every 5s"' in page.content.decode()
    body = partial.content.decode()
    assert "http://testserver/hadir/" in body
    assert "<svg" in body


@pytest.mark.usefixtures("session")
def test_only_organizers_see_the_venue_screen(client, meeting):
    client.force_login(UserFactory.create())

    response = client.get(reverse("attendance:venue", args=[meeting.pk]))

    assert response.status_code == 403


# --- Checking in with the phone -------------------------------------------------------------


def test_an_invitee_whose_browser_opened_the_answer_link_checks_in_with_one_tap(
    client, session, invitation
):
    open_answer_page(client, invitation)
    url = code_url(session)

    page = client.get(url)
    assert "Siti Nurhaliza" in page.content.decode()
    assert not CheckIn.objects.exists()  # a GET writes nothing

    done = client.post(url, {"pass": page_pass(page), "action": "confirm"})

    checkin = CheckIn.objects.get(invitation=invitation, session=session)
    assert done.status_code == 200
    assert checkin.method == CheckIn.Method.SELF
    assert "Siti Nurhaliza" in done.content.decode()
    assert (
        ScanAttempt.objects.filter(result=ScanAttempt.Result.OK, invitation=invitation).count() == 1
    )


def test_the_attendee_can_sign_when_checking_in(client, session, invitation):
    open_answer_page(client, invitation)
    page = client.get(code_url(session))

    client.post(
        code_url(session),
        {"pass": page_pass(page), "action": "confirm", "signature": signature_data_url()},
    )

    checkin = CheckIn.objects.get(invitation=invitation, session=session)
    assert bytes(present(checkin.signature)).startswith(b"\x89PNG")


def test_a_signed_in_member_invited_to_the_meeting_is_recognised(client, session, invitation):
    user = UserFactory.create(email=invitation.member.email)
    Member.objects.filter(pk=invitation.member.pk).update(user=user)
    client.force_login(user)
    page = client.get(code_url(session))

    client.post(code_url(session), {"pass": page_pass(page), "action": "confirm"})

    assert CheckIn.objects.filter(invitation=invitation, session=session).exists()


def test_a_second_tap_reports_already_checked_in(client, session, invitation):
    open_answer_page(client, invitation)
    page = client.get(code_url(session))
    client.post(code_url(session), {"pass": page_pass(page), "action": "confirm"})

    again = client.get(code_url(session))

    assert "already checked in" in again.content.decode()
    assert CheckIn.objects.count() == 1


def test_a_form_kept_open_longer_than_the_code_still_works_with_its_pass(
    client, session, invitation
):
    open_answer_page(client, invitation)
    old_url = code_url(session, at=time.time() - 300)  # the code in the address has expired
    page = client.get(code_url(session))

    done = client.post(old_url, {"pass": page_pass(page), "action": "confirm"})

    assert done.status_code == 200
    assert CheckIn.objects.filter(invitation=invitation).exists()


def test_an_expired_code_says_so_and_writes_nothing(client, session, invitation):
    open_answer_page(client, invitation)

    response = client.get(code_url(session, at=time.time() - 90))

    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not CheckIn.objects.exists()
    assert not ScanAttempt.objects.exists()


def test_a_forged_code_or_pass_writes_nothing(client, session, invitation):
    open_answer_page(client, invitation)

    forged = client.get(reverse("attendance:self_checkin", args=[f"{session.pk}-1-abc"]))
    forged_pass = client.post(code_url(session), {"pass": "forged", "action": "confirm"})

    assert forged.status_code == 404
    assert forged_pass.status_code == 404
    assert not CheckIn.objects.exists()
    assert not WalkIn.objects.exists()


def test_a_declined_invitee_cannot_check_themselves_in(client, session, meeting):
    declined = InvitationFactory.create(meeting=meeting, answer=Invitation.Answer.NO)
    open_answer_page(client, declined)
    page = client.get(code_url(session))

    response = client.post(code_url(session), {"pass": page_pass(page), "action": "confirm"})

    assert response.status_code == 400
    assert str(services.NotAllowed.message) in response.content.decode()
    assert not CheckIn.objects.exists()
    assert ScanAttempt.objects.get().result == ScanAttempt.Result.DECLINED


def test_a_waitlisted_invitee_is_refused_like_a_declined_one(client, session, meeting):
    # The room was full: the desk would refuse them, so the venue screen does too.
    waitlisted = InvitationFactory.create(meeting=meeting, answer=Invitation.Answer.WAITLISTED)
    open_answer_page(client, waitlisted)
    page = client.get(code_url(session))

    response = client.post(code_url(session), {"pass": page_pass(page), "action": "confirm"})

    assert response.status_code == 400
    assert str(services.NotAllowed.message) in response.content.decode()
    assert not CheckIn.objects.exists()
    assert ScanAttempt.objects.get(invitation=waitlisted).result == ScanAttempt.Result.DECLINED


@pytest.mark.usefixtures("meeting")
def test_a_cookie_of_another_meeting_does_not_count(client, session):
    elsewhere = AcceptedInvitationFactory.create(meeting=MeetingFactory.create())
    open_answer_page(client, elsewhere)

    page = client.get(code_url(session))

    assert elsewhere.member.full_name not in page.content.decode()
    assert "Register as a walk-in" in page.content.decode()


def test_a_bad_signature_is_refused_and_nothing_is_written(client, session, invitation):
    open_answer_page(client, invitation)
    page = client.get(code_url(session))

    response = client.post(
        code_url(session),
        {"pass": page_pass(page), "action": "confirm", "signature": "data:image/png;base64,AAAA"},
    )

    assert response.status_code == 400
    assert not CheckIn.objects.exists()


# --- Walk-ins ---------------------------------------------------------------------------------

WALK_IN = {
    "action": "walk_in",
    "full_name": "Yusuf Maulana",
    "nip": "198703122010011004",
    "agency_name": "Badan Pusat Statistik",
    "position": "Pranata Humas Ahli Pertama",
    "phone": "+6281298765432",
    "email": "yusuf.maulana@bps.go.id",
}


def test_someone_not_on_the_list_registers_as_a_walk_in(client, session):
    page = client.get(code_url(session))
    assert "Register as a walk-in" in page.content.decode()

    done = client.post(code_url(session), {**WALK_IN, "pass": page_pass(page)})

    walk_in = WalkIn.objects.get()
    assert done.status_code == 200
    assert walk_in.full_name == "Yusuf Maulana"
    assert walk_in.session == session
    assert walk_in.state == WalkIn.State.PENDING
    assert not CheckIn.objects.exists()


def test_a_walk_in_with_a_bad_nip_is_told_and_nothing_is_written(client, session):
    page = client.get(code_url(session))

    response = client.post(code_url(session), {**WALK_IN, "nip": "12345", "pass": page_pass(page)})

    assert response.status_code == 400
    assert "18 digits" in response.content.decode()
    assert not WalkIn.objects.exists()


def test_the_same_email_registers_once_per_session(client, session):
    page = client.get(code_url(session))
    client.post(code_url(session), {**WALK_IN, "pass": page_pass(page)})

    again = client.post(code_url(session), {**WALK_IN, "pass": page_pass(page)})

    assert again.status_code == 400
    assert WalkIn.objects.count() == 1


def test_behind_the_proxy_one_phone_over_the_walk_in_limit_does_not_stop_the_next_guest(
    client, settings, session
):
    settings.TRUSTED_PROXY_COUNT = 1
    page = client.get(code_url(session))
    one_phone = [
        client.post(
            code_url(session),
            {**WALK_IN, "email": f"tamu{n}@bps.go.id", "pass": page_pass(page)},
            **through_caddy("203.0.113.7"),
        ).status_code
        for n in range(WALK_INS.allowed + 1)
    ]

    guest = client.post(
        code_url(session), {**WALK_IN, "pass": page_pass(page)}, **through_caddy("198.51.100.20")
    )

    assert one_phone == [200] * WALK_INS.allowed + [429]
    assert guest.status_code == 200
    assert WalkIn.objects.filter(email="yusuf.maulana@bps.go.id").exists()


@pytest.mark.usefixtures("organizer")
def test_the_organizer_accepts_a_walk_in_who_becomes_a_checked_in_member(
    organizer_client, session, meeting
):
    bps = AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS")
    walk_in = WalkInFactory.create(
        session=session, email="yusuf.maulana@bps.go.id", signature=signature_png()
    )

    response = organizer_client.post(
        reverse("attendance:walk_in_decide", args=[meeting.pk, walk_in.pk]),
        {"decision": "accept", "agency": bps.pk},
    )

    assert response.status_code == 302
    member = Member.objects.get(email="yusuf.maulana@bps.go.id")
    assert member.agency == bps
    assert member.nip == walk_in.nip
    invitation = Invitation.objects.get(meeting=meeting, member=member)
    assert invitation.answer == Invitation.Answer.YES
    checkin = CheckIn.objects.get(invitation=invitation, session=session)
    assert checkin.method == CheckIn.Method.WALK_IN
    assert bytes(present(checkin.signature)).startswith(b"\x89PNG")
    assert WalkIn.objects.get().state == WalkIn.State.ACCEPTED


def test_a_walk_in_who_is_already_a_member_keeps_their_record(organizer_client, session, meeting):
    known = MemberFactory.create(email="yusuf.maulana@bps.go.id", full_name="Yusuf Maulana, S.Kom.")
    walk_in = WalkInFactory.create(session=session, email="Yusuf.Maulana@bps.go.id")

    organizer_client.post(
        reverse("attendance:walk_in_decide", args=[meeting.pk, walk_in.pk]), {"decision": "accept"}
    )

    assert Member.objects.filter(email__iexact="yusuf.maulana@bps.go.id").count() == 1
    assert CheckIn.objects.get().invitation.member == known


def test_a_walk_in_whose_withdrawn_invitation_was_still_owed_is_not_emailed_it_later(
    organizer_client, session, meeting
):
    known = MemberFactory.create(email="yusuf.maulana@bps.go.id")
    invitation = InvitationFactory.create(meeting=meeting, member=known)
    # Its email is owed (its batch not handed to Celery yet), and then it is withdrawn.
    events_services.send_invitations(meeting=meeting, invitations=[invitation])
    events_services.withdraw_invitation(invitation=invitation, withdrawn_by=None)
    walk_in = WalkInFactory.create(session=session, email=known.email)

    organizer_client.post(
        reverse("attendance:walk_in_decide", args=[meeting.pk, walk_in.pk]), {"decision": "accept"}
    )
    sweep_later()

    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None
    assert invitation.answer == Invitation.Answer.YES
    assert invitation.invitation_sent_at is None
    assert not OutboxMessage.objects.filter(kind=Kind.INVITATION).exists()


def test_the_organizer_rejects_a_walk_in_and_nothing_else_changes(
    organizer_client, session, meeting
):
    walk_in = WalkInFactory.create(session=session)

    organizer_client.post(
        reverse("attendance:walk_in_decide", args=[meeting.pk, walk_in.pk]), {"decision": "reject"}
    )
    organizer_client.post(
        reverse("attendance:walk_in_decide", args=[meeting.pk, walk_in.pk]), {"decision": "accept"}
    )

    assert WalkIn.objects.get().state == WalkIn.State.REJECTED
    assert not CheckIn.objects.exists()
    assert not Member.objects.filter(email=walk_in.email).exists()


@pytest.mark.parametrize("decision", ["accept", "reject"])
def test_a_walk_in_keeps_who_decided_it_and_when(
    organizer_client, organizer, session, meeting, decision
):
    walk_in = WalkInFactory.create(session=session)
    agency = AgencyFactory.create()  # accepting someone new needs their agency confirmed
    decided = timezone.now().replace(microsecond=0)

    with time_machine.travel(decided, tick=False):
        organizer_client.post(
            reverse("attendance:walk_in_decide", args=[meeting.pk, walk_in.pk]),
            {"decision": decision, "agency": agency.pk},
        )

    walk_in.refresh_from_db()
    assert (walk_in.decided_by, walk_in.decided_at) == (organizer, decided)


def test_walk_ins_of_a_meeting_are_reviewed_only_by_its_organizers(client, session, meeting):
    walk_in = WalkInFactory.create(session=session)
    client.force_login(UserFactory.create())

    response = client.post(
        reverse("attendance:walk_in_decide", args=[meeting.pk, walk_in.pk]), {"decision": "accept"}
    )

    assert response.status_code == 403
    assert WalkIn.objects.get().state == WalkIn.State.PENDING


# --- Signatures -------------------------------------------------------------------------------


def test_a_signature_must_be_a_png_of_sensible_size():
    assert services.decode_signature(signature_data_url()).startswith(b"\x89PNG")
    for bad in [
        "",
        "data:image/jpeg;base64,/9j/4AAQ",
        "data:image/png;base64,not base64!",
        "data:image/png;base64,iVBORw0KGgo=",  # the magic bytes alone
        signature_data_url(width=5, height=5),
        signature_data_url(width=4000, height=100),
        "data:image/png;base64," + "A" * 600_000,
    ]:
        with pytest.raises(services.SignatureInvalid):
            services.decode_signature(bad)


def test_a_signature_drawn_on_a_phone_is_kept_at_the_size_the_daftar_hadir_prints_it():
    """A phone's pad sends its whole box at three pixels per point, transparent: kept as it
    is, 180 of them made a daftar hadir of 7 s and 2.4 MB."""
    import base64
    import io

    from PIL import Image, ImageDraw

    pad = Image.new("RGBA", (984, 528), (0, 0, 0, 0))
    ImageDraw.Draw(pad).line([(300, 300), (420, 180), (560, 330), (700, 220)], "black", 9)
    drawn = io.BytesIO()
    pad.save(drawn, format="PNG")

    kept = Image.open(
        io.BytesIO(
            services.decode_signature(
                "data:image/png;base64," + base64.b64encode(drawn.getvalue()).decode()
            )
        )
    )

    assert kept.format == "PNG"
    assert kept.mode == "L"  # ink on white paper, no transparency to take apart
    assert kept.width <= 343
    assert kept.height <= 106
    # Cropped to the ink: the drawing spans 400 x 150 of the pad's 984 x 528 pixels.
    assert kept.width / kept.height == pytest.approx((400 + 9) / (150 + 9), rel=0.1)
    darkest, _lightest = kept.getextrema()
    assert isinstance(darkest, int)
    assert darkest < 64
    assert kept.getpixel((0, 0)) == 255  # on white


def _dot(draw):
    draw.ellipse((480, 250, 500, 270), fill="black")  # a tap of the finger


def _corner_mark(draw):
    draw.line([(20, 20), (90, 50), (130, 30)], "black", 6)  # 11 % of the pad's width


@pytest.mark.parametrize(
    ("drawing", "message"),
    [
        (None, "The signature box is empty. Please sign in the box."),
        (_dot, "The signature is too small. Please sign larger, across the box."),
        (_corner_mark, "The signature is too small. Please sign larger, across the box."),
    ],
)
def test_a_signature_box_with_nothing_or_only_a_mark_drawn_is_refused_with_a_message(
    organizer_client, meeting, session, invitation, drawing, message
):
    import base64
    import io

    from PIL import Image, ImageDraw

    checkin = CheckIn.objects.create(
        invitation=invitation, session=session, at=timezone.now(), method=CheckIn.Method.MANUAL
    )
    pad = Image.new("RGBA", (984, 528), (0, 0, 0, 0))  # a phone's pad, 3 pixels per point
    if drawing:
        drawing(ImageDraw.Draw(pad))
    sent = io.BytesIO()
    pad.save(sent, format="PNG")

    refused = organizer_client.post(
        reverse("attendance:sign", args=[meeting.pk, checkin.pk]),
        {"signature": "data:image/png;base64," + base64.b64encode(sent.getvalue()).decode()},
    )

    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert CheckIn.objects.get().signature is None


def test_an_operator_takes_a_signature_at_the_desk_after_a_check_in(
    organizer_client, meeting, session, invitation
):
    checkin = CheckIn.objects.create(
        invitation=invitation, session=session, at=timezone.now(), method=CheckIn.Method.MANUAL
    )
    url = reverse("attendance:sign", args=[meeting.pk, checkin.pk])

    page = organizer_client.get(url)
    empty = organizer_client.post(url, {"signature": ""})
    saved = organizer_client.post(url, {"signature": signature_data_url()})

    assert "data-signature-pad" in page.content.decode()
    assert "signature_pad" in page.content.decode()
    assert empty.status_code == 400
    assert saved.status_code == 302
    assert bytes(present(CheckIn.objects.get().signature)).startswith(b"\x89PNG")


def test_someone_who_may_not_operate_cannot_open_the_sign_page(
    client, meeting, session, invitation
):
    checkin = CheckIn.objects.create(
        invitation=invitation, session=session, at=timezone.now(), method=CheckIn.Method.MANUAL
    )
    client.force_login(UserFactory.create())

    response = client.post(
        reverse("attendance:sign", args=[meeting.pk, checkin.pk]),
        {"signature": signature_data_url()},
    )

    assert response.status_code == 403
    assert CheckIn.objects.get().signature is None


def test_signing_later_on_the_phone_records_when_the_signature_was_given(session, invitation):
    with time_machine.travel(session.starts_at, tick=False):
        services.self_check_in(invitation=invitation, session=session)
    signed = session.starts_at + timedelta(minutes=40)

    with time_machine.travel(signed, tick=False):
        services.self_check_in(invitation=invitation, session=session, signature=signature_png())

    checkin = CheckIn.objects.get(invitation=invitation, session=session)
    assert checkin.at == session.starts_at
    assert checkin.signed_time == signed


def test_guests_at_one_venue_wi_fi_each_walk_in_with_their_own_phone(client, session):
    """Every phone at the venue shares its Wi-Fi's address: one phone's limit is not theirs.
    Each phone's page carries its own pass (issued a second apart here)."""
    now = timezone.now()
    answers = []
    for n in range(WALK_INS.allowed + 2):
        with time_machine.travel(now + timedelta(seconds=n), tick=False):
            own_pass = services.issue_pass(session=session)
        answers.append(
            client.post(
                code_url(session), {**WALK_IN, "email": f"tamu{n}@bps.go.id", "pass": own_pass}
            ).status_code
        )

    assert answers == [200] * (WALK_INS.allowed + 2)
    assert WalkIn.objects.count() == WALK_INS.allowed + 2
