import email
from email import policy

import icalendar
import pytest
from django.core import mail
from django.test import override_settings
from django.utils.translation import gettext_lazy

from events.mail import (
    cancellation_messages,
    invitation_messages,
    update_messages,
    withdrawal_messages,
)
from events.models import Invitation, Meeting
from events.snapshot import MeetingSnapshot
from outbox import services as outbox
from tests.events.factories import AgendaItemFactory, InvitationFactory, MeetingFactory
from tests.events.parsers import read_all

pytestmark = pytest.mark.django_db

ANSWER_PATH = "/undangan/jawab/s3cret-token/"


def _parse(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.message().as_bytes(), policy=policy.default)


def _structure(parsed) -> tuple:
    """(alternative part, its three parts, the attachment), asserting the layout of RFC 6047."""
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html, calendar = alternative.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert calendar.get_content_type() == "text/calendar"
    assert attachment.get_content_type() in {"application/ics", "text/calendar"}
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    return plain, html, calendar, attachment


def _calendar(parsed) -> tuple[bytes, str]:
    """The calendar file of the message and its MIME method, checking both copies agree."""
    _plain, _html, calendar, attachment = _structure(parsed)
    # The attachment keeps the file's bytes (base64); the inline part is text, whose line
    # ends are the message's own (CRLF on the wire).
    raw = attachment.get_payload(decode=True)
    assert calendar.get_payload(decode=True).replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
    assert calendar.get_content_charset() == "utf-8"
    return raw, calendar.get_param("method")


def invitation_message(**kwargs):
    """The invitation's email for the first session."""
    return invitation_messages(**kwargs)[0]


def update_message(**kwargs):
    """The update's email for the first session."""
    snapshot = kwargs.get("snapshot") or MeetingSnapshot.of(kwargs["invitation"].meeting)
    return update_messages(sessions=snapshot.sessions[:1], **kwargs)[0]


def cancellation_message(**kwargs):
    return cancellation_messages(**kwargs)[0]


def withdrawal_message(**kwargs):
    return withdrawal_messages(**kwargs)[0]


@pytest.fixture
def meeting():
    meeting = MeetingFactory.create(
        sessions=2,
        mode=Meeting.Mode.HYBRID,
        online_url="https://zoom.us/j/8123456789",
        letter_number="B-4521/BD/HM.01/11/2021",
    )
    AgendaItemFactory.create(meeting=meeting, title="Arahan Sekretaris Badan")
    AgendaItemFactory.create(
        meeting=meeting,
        title="Penguatan profesionalitas kehumasan",
        speaker="Ketua Umum Iprahumas",
        moderator="Kabag Humas",
    )
    return meeting


@pytest.fixture
def invitation(meeting):
    return InvitationFactory.create(
        meeting=meeting, member__full_name="Andi Saputra", member__email="andi@kemenag.go.id"
    )


def _all_kinds(invitation):
    return {
        "invitation": invitation_message(invitation=invitation, answer_url=ANSWER_PATH),
        "update": update_message(
            invitation=invitation, answer_url=ANSWER_PATH, changes=["Tempat pindah ke Aula B."]
        ),
        "cancellation": cancellation_message(invitation=invitation),
        "withdrawal": withdrawal_message(invitation=invitation),
    }


def test_every_message_has_the_imip_structure_and_its_method_equals_the_files(invitation):
    first_uid = invitation.meeting.sessions.earliest("starts_at").uid
    expected = {
        "invitation": "REQUEST",
        "update": "REQUEST",
        "cancellation": "CANCEL",
        "withdrawal": "CANCEL",
    }
    for kind, message in _all_kinds(invitation).items():
        raw, method = _calendar(_parse(message))
        assert method == expected[kind], kind
        for read in read_all(raw):
            assert read.method == method, (kind, read.parser)
            assert read.uid == first_uid, (kind, read.parser)


def test_the_invitation_carries_the_meeting_and_the_absolute_answer_link(invitation):
    parsed = _parse(invitation_message(invitation=invitation, answer_url=ANSWER_PATH))
    plain, html, _calendar_part, _attachment = _structure(parsed)
    url = f"http://127.0.0.1:8000{ANSWER_PATH}"

    text = plain.get_content()
    for expected in [
        "Andi Saputra",
        invitation.meeting.title,
        "Sekretariat Balitbang Diklat Kementerian Agama",
        "B-4521/BD/HM.01/11/2021",
        "Kamis, 25 November 2021 · 08.00–16.00 WIB",
        "Jumat, 26 November 2021 · 08.00–16.00 WIB",
        "Aula Gedung Kementerian Agama, Jl. M.H. Thamrin No. 6, Jakarta Pusat",
        "https://zoom.us/j/8123456789",
        "Arahan Sekretaris Badan",
        "Penguatan profesionalitas kehumasan",
        "Ketua Umum Iprahumas",
        url,
        "invite.ics",
    ]:
        assert expected in text, expected
    body = html.get_content()
    assert f'href="{url}"' in body
    assert "Penguatan profesionalitas kehumasan" in body
    assert "invite.ics" in body
    assert invitation.meeting.title in parsed["Subject"]
    for read in read_all(_calendar(parsed)[0]):
        # calendars are often shared with a team or a delegate: the file holds no secret link
        assert url not in read.description, read.parser
        assert "Jumat, 26 November 2021 · 08.00–16.00 WIB (Hari 2)" in read.description


@override_settings(SITE_URL="https://rakor.kemenag.go.id")
def test_a_path_is_made_absolute_with_site_url_and_an_absolute_link_is_kept(invitation):
    text = _parse(invitation_message(invitation=invitation, answer_url=ANSWER_PATH))
    assert f"https://rakor.kemenag.go.id{ANSWER_PATH}" in _structure(text)[0].get_content()
    kept = invitation_message(invitation=invitation, answer_url="https://other.example/j/x")
    assert "https://other.example/j/x" in kept.body


def test_the_invitation_file_has_the_attendee_organizer_and_sequence(invitation):
    invitation.answer = Invitation.Answer.YES
    invitation.role = Invitation.Role.CHAIR
    meeting = invitation.meeting
    meeting.sequence = 2

    raw, _ = _calendar(_parse(invitation_message(invitation=invitation, answer_url=ANSWER_PATH)))

    for read in read_all(raw):
        assert read.sequence == 2, read.parser
        assert read.status == "CONFIRMED", read.parser
        assert read.organizer.lower() == "mailto:rakor@localhost", read.parser
        [attendee] = read.attendees
        assert attendee.email == "mailto:andi@kemenag.go.id", read.parser
        assert attendee.cn == "Andi Saputra", read.parser
        assert (attendee.partstat, attendee.role, attendee.rsvp) == ("ACCEPTED", "CHAIR", "TRUE")


def test_an_update_keeps_the_uid_raises_the_sequence_and_says_what_changed(invitation):
    first, _ = _calendar(_parse(invitation_message(invitation=invitation, answer_url=ANSWER_PATH)))
    meeting = invitation.meeting
    meeting.sequence += 1
    meeting.venue = "Aula B"
    meeting.save()

    message = update_message(
        invitation=invitation,
        answer_url=ANSWER_PATH,
        changes=["Tempat: Aula Gedung Kementerian Agama → Aula B"],
    )

    parsed = _parse(message)
    plain, html, _cal, _att = _structure(parsed)
    assert "Tempat: Aula Gedung Kementerian Agama → Aula B" in plain.get_content()
    assert "Aula Gedung Kementerian Agama → Aula B" in html.get_content()
    raw, method = _calendar(parsed)
    assert method == "REQUEST"
    before = icalendar.Calendar.from_ical(first).events[0]
    for read in read_all(raw):
        assert read.uid == str(before["UID"]), read.parser
        assert read.sequence == before.sequence + 1, read.parser
        assert read.location.startswith("Aula B"), read.parser


def test_cancellation_is_cancel_with_status_cancelled(invitation):
    invitation.meeting.sequence = 1
    parsed = _parse(cancellation_message(invitation=invitation, language="en"))
    raw, method = _calendar(parsed)
    assert method == "CANCEL"
    assert "cancel" in _structure(parsed)[0].get_content().lower()
    for read in read_all(raw):
        assert (read.method, read.status, read.sequence) == ("CANCEL", "CANCELLED", 1)
        assert [a.email for a in read.attendees] == ["mailto:andi@kemenag.go.id"]


def test_withdrawal_is_cancel_for_that_person_only_without_status(invitation):
    InvitationFactory.create(meeting=invitation.meeting)
    parsed = _parse(withdrawal_message(invitation=invitation))
    raw, method = _calendar(parsed)
    assert method == "CANCEL"
    assert b"STATUS:" not in raw
    for read in read_all(raw):
        assert read.status == "", read.parser
        assert [a.email for a in read.attendees] == ["mailto:andi@kemenag.go.id"]


def test_the_calendar_part_keeps_crlf_and_folded_lines(invitation):
    raw, _ = _calendar(_parse(invitation_message(invitation=invitation, answer_url=ANSWER_PATH)))
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75


def test_the_message_is_written_in_the_recipients_language(invitation):
    indonesian = invitation_message(invitation=invitation, answer_url=ANSWER_PATH, language="id")
    english = invitation_message(invitation=invitation, answer_url=ANSWER_PATH, language="en")
    assert "Kamis, 25 November 2021" in indonesian.body
    assert "Thursday, 25 November 2021" in english.body
    assert "Thursday" not in indonesian.body
    assert _parse(english)["Content-Language"] == "en"
    english_file, _ = _calendar(_parse(english))
    assert "Thursday, 25 November 2021" in icalendar.Calendar.from_ical(english_file).events[0].get(
        "DESCRIPTION"
    )


def test_the_default_language_is_the_sites(invitation):
    message = invitation_message(invitation=invitation, answer_url=ANSWER_PATH)
    assert _parse(message)["Content-Language"] == "id"


def test_lazy_change_texts_are_rendered_in_the_recipients_language(invitation):
    message = update_message(
        invitation=invitation,
        answer_url=ANSWER_PATH,
        changes=[gettext_lazy("Will attend")],
        language="en",
    )
    assert "- Will attend" in message.body


@pytest.mark.parametrize(
    "name",
    [
        'Siti "Ratu" Aminah\r\nBCC: x@evil',
        "Siti Aminah\nSubject: menang undian",
        "王小明",
        "Ñuñez, María <maria@evil.example>",
    ],
)
def test_a_hostile_or_non_latin_name_injects_no_header(meeting, name):
    invitation = InvitationFactory.create(
        meeting=meeting, member__full_name=name, member__email="siti@kemenag.go.id"
    )

    message = invitation_message(invitation=invitation, answer_url=ANSWER_PATH)
    raw = message.message().as_bytes()

    assert message.recipients() == ["siti@kemenag.go.id"]
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None
    assert parsed.get_all("Subject") == [parsed["Subject"]]
    assert "menang undian" not in parsed["Subject"]
    [address] = parsed["To"].addresses
    assert address.addr_spec == "siti@kemenag.go.id"
    assert address.display_name == " ".join(name.split())
    headers = raw.split(b"\n\n", 1)[0]
    assert not any(line.lower().startswith(b"bcc") for line in headers.splitlines())
    for read in read_all(_calendar(parsed)[0]):
        assert [a.email for a in read.attendees] == ["mailto:siti@kemenag.go.id"], read.parser


def test_a_title_with_a_line_break_gives_a_one_line_subject(meeting):
    meeting.title = "Rapat Koordinasi\r\nBcc: x@evil"
    meeting.save()
    invitation = InvitationFactory.create(meeting=meeting)
    parsed = _parse(
        invitation_message(invitation=invitation, answer_url=ANSWER_PATH, language="en")
    )
    assert parsed["Subject"].startswith("Invitation: Rapat Koordinasi Bcc: x@evil (")
    assert parsed["Bcc"] is None


def test_the_outbox_accepts_and_sends_it_unchanged(invitation, django_capture_on_commit_callbacks):
    message = invitation_message(invitation=invitation, answer_url=ANSWER_PATH)

    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.queue_message(message=message, kind=outbox.Kind.OTHER)

    assert row.recipient == "andi@kemenag.go.id"
    [sent] = mail.outbox
    parsed = email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)
    assert parsed["Message-ID"] == row.message_id
    raw, method = _calendar(parsed)
    assert method == "REQUEST"
    assert raw == message.calendar, "the attached file, byte for byte"


def test_a_snapshot_builds_every_message_without_a_query(meeting, django_assert_num_queries):
    InvitationFactory.create_batch(5, meeting=meeting)
    invitations = list(  # as the batches read them, with whom each represents
        meeting.invitations.select_related("member").prefetch_related("represents__member__agency")
    )
    snapshot = MeetingSnapshot.of(meeting)

    with django_assert_num_queries(0):
        for invitation in invitations:
            invitation_message(invitation=invitation, answer_url=ANSWER_PATH, snapshot=snapshot)
            update_message(
                invitation=invitation, answer_url=ANSWER_PATH, changes=[], snapshot=snapshot
            )
            cancellation_message(invitation=invitation, snapshot=snapshot).message()


def test_bodies_shared_through_a_snapshot_carry_each_recipients_own_name_role_and_link(
    meeting,
):
    snapshot = MeetingSnapshot.of(meeting)
    first = InvitationFactory.create(meeting=meeting, member__full_name="Andi <b>&</b> Saputra")
    second = InvitationFactory.create(
        meeting=meeting, member__full_name="Budi Santoso", role=Invitation.Role.SPEAKER
    )

    one = invitation_message(
        invitation=first, answer_url="/j/one/?a=1&b=2", snapshot=snapshot, language="en"
    )
    two = invitation_message(
        invitation=second, answer_url="/j/two/", snapshot=snapshot, language="en"
    )

    assert "Dear Andi <b>&</b> Saputra," in one.body
    assert "http://127.0.0.1:8000/j/one/?a=1&b=2" in one.body
    assert "Budi" not in one.body
    assert "/j/two/" not in one.body
    assert "Your role: Speaker." in two.body
    assert "Your role" not in one.body
    html = next(content for content, mimetype in one.alternatives if mimetype == "text/html")
    assert "Andi &lt;b&gt;&amp;&lt;/b&gt; Saputra" in html
    assert 'href="http://127.0.0.1:8000/j/one/?a=1&amp;b=2"' in html
    assert "<b>" not in html


def test_a_hybrid_meetings_invitation_says_how_to_check_in_online(invitation):
    parsed = _parse(invitation_message(invitation=invitation, answer_url=ANSWER_PATH))
    plain, html, _calendar_part, _attachment = _structure(parsed)
    in_person = InvitationFactory.create(
        meeting=MeetingFactory.create(mode=Meeting.Mode.IN_PERSON, online_url="")
    )
    offline = invitation_message(invitation=in_person, answer_url=ANSWER_PATH).body

    # The meeting's own link is in the email too: joining through it checks no one in.
    how = "Untuk mengikuti secara daring, buka halaman yang sama saat sesi dimulai"
    assert how in plain.get_content()
    assert how in html.get_content()
    assert how not in offline
