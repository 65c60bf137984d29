"""A member presses Accept, Decline or Maybe in their calendar: the reply mailed to the organizer
mailbox updates their answer, unless it is stale, unknown or not a calendar reply at all."""

import email
import email.policy
import imaplib
import io
import subprocess
import sys
import threading
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from events import services
from events.models import CalendarReply, Invitation
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.events.replies import Reply, apple_reply, gmail_reply, outlook_reply, plain_email
from tests.members.factories import MemberFactory

if TYPE_CHECKING:
    from events.services.replies import IngestedReply

Answer = Invitation.Answer
Outcome = CalendarReply.Outcome
ROOT = Path(__file__).resolve().parents[2]
URL = "imaps://rakor:secret-password@imap.test/INBOX"


@pytest.fixture
def meeting(db):  # noqa: ARG001 (requested for its effect)
    return MeetingFactory.create(sequence=2)


@pytest.fixture
def budi(meeting):
    member = MemberFactory.create(full_name="Budi Santoso", email="budi.santoso@kemenag.go.id")
    return InvitationFactory.create(meeting=meeting, member=member)


def event_uid(meeting) -> str:
    """The UID of the calendar event of the meeting's (one) session."""
    return meeting.sessions.get().uid


def ingest(raw: bytes) -> "IngestedReply":
    return services.ingest_calendar_reply(raw=raw)


def answer_of(invitation) -> str:
    invitation.refresh_from_db()
    return invitation.answer


def test_gmail_accept_records_will_attend(meeting, budi):
    reply = ingest(
        gmail_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2))
    )

    assert reply.outcome == Outcome.APPLIED
    assert reply.invitation == budi
    assert (reply.uid, reply.sequence, reply.partstat) == (event_uid(meeting), 2, "ACCEPTED")
    assert answer_of(budi) == Answer.YES


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable"])
def test_outlook_decline_with_the_address_in_another_case_records_declines(meeting, budi, encoding):
    budi.answer, budi.answered_at = Answer.YES, datetime.now(UTC) - timedelta(days=1)
    budi.save()
    raw = outlook_reply(
        Reply(
            uid=event_uid(meeting),
            attendee="Budi.Santoso@Kemenag.go.id",
            partstat="DECLINED",
            sequence=2,
            comment="Mohon maaf, bertepatan dengan rapat pimpinan.",
        ),
        encoding=encoding,
    )

    reply = ingest(raw)

    assert reply.outcome == Outcome.APPLIED
    budi.refresh_from_db()
    assert budi.answer == Answer.NO
    assert budi.note == "Mohon maaf, bertepatan dengan rapat pimpinan."


def test_apple_maybe_records_tentative(meeting, budi):
    raw = apple_reply(
        Reply(uid=event_uid(meeting), attendee=budi.member.email, partstat="TENTATIVE", sequence=2)
    )

    assert ingest(raw).outcome == Outcome.APPLIED
    assert answer_of(budi) == Answer.MAYBE


@pytest.mark.parametrize("charset", ["windows-1252", "x-unknown-charset"])
def test_a_reply_in_another_charset_is_read(meeting, budi, charset):
    ics = apple_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2))
    body = email.message_from_bytes(ics, policy=email.policy.default).get_content()
    body = body.replace('CN="Budi Santoso"', 'CN="Budi Santoso, S.Sos., M.Sí."')
    raw = (
        f"From: budi.santoso@kemenag.go.id\r\nMessage-ID: <{charset}@mail>\r\n"
        f'Content-Type: text/calendar; method=REPLY; charset="{charset}"\r\n'
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + body.encode("windows-1252")

    assert ingest(raw).outcome == Outcome.APPLIED
    assert answer_of(budi) == Answer.YES


def test_a_reply_without_sequence_answers_the_first_version(budi):
    meeting = budi.meeting
    meeting.sequence = 0
    meeting.save()
    meeting.sessions.update(sequence=0)

    reply = ingest(
        apple_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=None))
    )

    assert (reply.outcome, reply.sequence) == (Outcome.APPLIED, 0)
    assert answer_of(budi) == Answer.YES


def test_a_reply_to_an_older_version_of_the_meeting_changes_nothing(meeting, budi):
    raw = gmail_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=1))

    reply = ingest(raw)

    assert reply.outcome == Outcome.STALE
    assert "SEQUENCE 1" in reply.detail
    assert reply.invitation == budi
    assert answer_of(budi) == Answer.PENDING


def test_a_reply_older_than_the_answer_given_on_the_page_changes_nothing(meeting, budi):
    services.answer_invitation(invitation=budi, answer=Answer.NO)
    pressed_before = datetime.now(UTC) - timedelta(hours=1)
    raw = outlook_reply(
        Reply(
            uid=event_uid(meeting), attendee=budi.member.email, sequence=2, dtstamp=pressed_before
        )
    )

    assert ingest(raw).outcome == Outcome.STALE
    assert answer_of(budi) == Answer.NO


def test_two_replies_read_together_count_in_the_order_they_were_pressed(meeting, budi):
    first = datetime.now(UTC) - timedelta(minutes=10)
    accept = Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2, dtstamp=first)
    decline = Reply(
        uid=event_uid(meeting),
        attendee=budi.member.email,
        sequence=2,
        partstat="DECLINED",
        dtstamp=first + timedelta(minutes=5),
    )

    outcomes = [ingest(gmail_reply(accept)).outcome, ingest(gmail_reply(decline)).outcome]
    late_copy_of_accept = ingest(gmail_reply(Reply(**{**vars(accept), "message_id": "<x@y>"})))

    assert outcomes == [Outcome.APPLIED, Outcome.APPLIED]
    assert late_copy_of_accept.outcome == Outcome.STALE
    assert answer_of(budi) == Answer.NO


def test_a_reply_for_an_unknown_meeting_is_kept_as_unknown(budi):
    reply = ingest(gmail_reply(Reply(uid="nothing-like-it@rakor", attendee=budi.member.email)))

    assert reply.outcome == Outcome.UNKNOWN
    assert reply.invitation is None
    assert answer_of(budi) == Answer.PENDING


def test_a_reply_from_someone_not_invited_is_kept_as_unknown(meeting, budi):
    raw = gmail_reply(Reply(uid=event_uid(meeting), attendee="orang.lain@bps.go.id", sequence=2))

    reply = ingest(raw)

    assert (reply.outcome, reply.attendee) == (Outcome.UNKNOWN, "orang.lain@bps.go.id")
    assert answer_of(budi) == Answer.PENDING


def test_a_withdrawn_invitation_is_not_answered_by_calendar(meeting, budi):
    budi.withdrawn_at = datetime.now(UTC)
    budi.save()

    reply = ingest(
        gmail_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2))
    )

    assert reply.outcome == Outcome.UNKNOWN
    assert answer_of(budi) == Answer.PENDING


def test_the_sender_address_is_tried_when_the_attendee_is_an_alias(meeting, budi):
    raw = outlook_reply(
        Reply(
            uid=event_uid(meeting),
            attendee="budi@kemenag.go.id",
            sender="BUDI.SANTOSO@kemenag.go.id",
            sequence=2,
        )
    )

    reply = ingest(raw)

    assert (reply.outcome, reply.invitation) == (Outcome.APPLIED, budi)
    assert answer_of(budi) == Answer.YES


def test_a_delegation_from_the_calendar_is_kept_but_changes_nothing(meeting, budi):
    raw = gmail_reply(
        Reply(uid=event_uid(meeting), attendee=budi.member.email, partstat="DELEGATED", sequence=2)
    )

    reply = ingest(raw)

    assert (reply.outcome, reply.partstat) == (Outcome.UNKNOWN, "DELEGATED")
    assert answer_of(budi) == Answer.PENDING


def test_a_reply_to_a_cancelled_meeting_is_stale(meeting, budi):
    meeting.state = meeting.State.CANCELLED
    meeting.save()

    reply = ingest(
        gmail_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2))
    )

    assert reply.outcome == Outcome.STALE
    assert "no longer accepts answers" in reply.detail
    assert answer_of(budi) == Answer.PENDING


@pytest.mark.parametrize(
    "raw",
    [
        plain_email(sender="budi.santoso@kemenag.go.id", message_id="<plain@mail>"),
        b"",
        b"\x00\xff not an email at all",
    ],
    ids=["written answer", "empty", "garbage"],
)
def test_a_message_that_is_not_a_calendar_reply_is_kept_as_invalid(budi, raw):
    reply = ingest(raw)

    assert reply.outcome == Outcome.INVALID
    assert CalendarReply.objects.count() == 1
    assert answer_of(budi) == Answer.PENDING


def test_a_calendar_request_is_not_a_reply(meeting, budi):
    raw = apple_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2))
    raw = raw.replace(b"METHOD:REPLY", b"METHOD:REQUEST").replace(
        b"method=REPLY", b"method=REQUEST"
    )

    assert ingest(raw).outcome == Outcome.INVALID


def test_the_same_message_twice_is_processed_once(meeting, budi):
    raw = gmail_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2))

    first = ingest(raw)
    answered_at = Invitation.objects.get(pk=budi.pk).answered_at
    second = ingest(raw)

    assert second.pk == first.pk
    assert (first.repeated, second.repeated) == (False, True)
    assert CalendarReply.objects.count() == 1
    assert Invitation.objects.get(pk=budi.pk).answered_at == answered_at


@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
def test_the_same_message_read_by_four_workers_at_once_is_recorded_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite runs one writer at a time, so there is no race")
    meeting = MeetingFactory.create(sequence=2)
    budi = InvitationFactory.create(meeting=meeting)
    raw = gmail_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2))
    start = threading.Barrier(4)
    results, errors = [], []

    def read():
        try:
            start.wait()
            results.append(ingest(raw))
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert {reply.pk for reply in results} == {CalendarReply.objects.get().pk}
    assert sorted(reply.repeated for reply in results) == [False, True, True, True]
    assert CalendarReply.objects.get().outcome == Outcome.APPLIED
    assert answer_of(budi) == Answer.YES


def test_an_acceptance_over_capacity_goes_to_the_waiting_list(meeting, budi):
    meeting.capacity = 1
    meeting.save()
    seated = InvitationFactory.create(meeting=meeting)
    services.answer_invitation(invitation=seated, answer=Answer.YES)

    reply = ingest(
        gmail_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2))
    )

    assert reply.outcome == Outcome.APPLIED
    assert "waitlisted" in reply.detail
    assert answer_of(budi) == Answer.WAITLISTED


def test_a_reply_to_the_invitation_rakor_sent_is_understood(meeting, budi):
    """The reply a client builds from Rakor's own REQUEST: same UID, SEQUENCE and address."""
    from events.calendar import build_request
    from events.snapshot import MeetingSnapshot

    snapshot = MeetingSnapshot.of(meeting)
    sent = build_request(
        meeting=snapshot,
        session=snapshot.sessions[0],
        invitations=[budi],
        stamp=datetime.now(UTC),
    )
    reply_ics = sent.replace(b"METHOD:REQUEST", b"METHOD:REPLY").replace(
        b"PARTSTAT=NEEDS-ACTION", b"PARTSTAT=ACCEPTED"
    )
    raw = (
        b"From: budi.santoso@kemenag.go.id\r\nMessage-ID: <own@client>\r\n"
        b"Content-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n" + reply_ics
    )

    assert ingest(raw).outcome == Outcome.APPLIED
    assert answer_of(budi) == Answer.YES


# --- manage.py ingest_reply ------------------------------------------------------------------


def test_ingest_reply_command_records_the_reply_and_prints_its_outcome(meeting, budi):
    raw = outlook_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2))
    out = io.StringIO()

    call_command("ingest_reply", stdin=io.BytesIO(raw), stdout=out)

    assert out.getvalue().startswith("applied: ACCEPTED recorded as yes")
    assert answer_of(budi) == Answer.YES


@pytest.mark.usefixtures("db")
def test_ingest_reply_command_fails_on_a_message_that_is_not_a_reply():
    with pytest.raises(CommandError, match="invalid: no calendar part"):
        call_command(
            "ingest_reply",
            stdin=io.BytesIO(plain_email(sender="a@b.go.id", message_id="<c@d>")),
        )


@pytest.mark.django_db(transaction=True)
def test_ingest_reply_from_a_shell_pipe(tmp_path, settings):
    """`python manage.py ingest_reply < message.eml`, in its own process, on the test database."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{database['NAME']}"
    else:
        url = (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        )
    meeting = MeetingFactory.create(sequence=2)
    budi = InvitationFactory.create(meeting=meeting)
    environment = {"DATABASE_URL": url, "VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "manage.py", "ingest_reply"]
    eml = gmail_reply(Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2))

    runs = [
        subprocess.run(command, input=raw, capture_output=True, cwd=ROOT, env=environment)
        for raw in (eml, eml, b"just text\r\n")
    ]

    assert [run.returncode for run in runs] == [0, 0, 1]
    assert runs[0].stdout.decode().startswith("applied: ")
    assert "already ingested" in runs[1].stdout.decode()
    assert "invalid" in runs[2].stderr.decode()
    assert answer_of(budi) == Answer.YES
    assert CalendarReply.objects.count() == 2


# --- The organizer mailbox over IMAP ---------------------------------------------------------


class StubImap:
    """An IMAP4 stand-in holding messages by UID with their flags; records the commands.

    This tests what Rakor asks of the server (search unseen, fetch without marking, then mark
    \\Seen), not imaplib or a real server."""

    def __init__(
        self, messages: dict[bytes, bytes], *, broken_fetch: AbstractSet[bytes] = frozenset()
    ):
        self.messages = messages
        self.flags: dict[bytes, set[str]] = {uid: set() for uid in messages}
        self.broken_fetch = broken_fetch
        self.commands: list[tuple] = []

    def select(self, folder):
        self.commands.append(("SELECT", folder))
        return "OK", [str(len(self.messages)).encode()]

    def uid(self, command, *args):
        self.commands.append((command, *args))
        if command == "SEARCH":
            unseen = [uid for uid in self.messages if "\\Seen" not in self.flags[uid]]
            return "OK", [b" ".join(unseen)]
        if command == "FETCH":
            uid = args[0]
            if uid in self.broken_fetch:
                raise imaplib.IMAP4.abort("socket error: EOF")
            return "OK", [(b"1 (UID " + uid + b" BODY[] {%d}" % 9, self.messages[uid]), b")"]
        if command == "STORE":
            uid, _, flags = args
            self.flags[uid].add(flags.strip("()"))
            return "OK", [b"1 (FLAGS (\\Seen))"]
        raise AssertionError(command)

    def logout(self):
        self.commands.append(("LOGOUT",))
        return "BYE", [b""]


@pytest.mark.usefixtures("monkeypatch")
def test_the_mailbox_is_read_and_each_message_marked_seen(meeting, budi):
    sari = InvitationFactory.create(meeting=meeting)
    stub = StubImap(
        {
            b"101": gmail_reply(
                Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2)
            ),
            b"102": outlook_reply(
                Reply(
                    uid=event_uid(meeting),
                    attendee=sari.member.email,
                    partstat="DECLINED",
                    sequence=2,
                )
            ),
            b"103": plain_email(sender="someone@kemenag.go.id", message_id="<note@mail>"),
        }
    )
    connected = []

    def connect(mailbox):
        connected.append(mailbox)
        return stub

    counts = services.fetch_replies_from_imap(
        url="imaps://rakor%40kemenag.go.id:p%40ss@imap.kemenag.go.id/Balasan%20Kalender",
        connect=connect,
    )

    [mailbox] = connected
    assert (mailbox.host, mailbox.port, mailbox.security) == ("imap.kemenag.go.id", 993, "ssl")
    assert (mailbox.username, mailbox.password) == ("rakor@kemenag.go.id", "p@ss")
    assert stub.commands[0] == ("SELECT", '"Balasan Kalender"')
    assert all(command[2] == "(BODY.PEEK[])" for command in stub.commands if command[0] == "FETCH")
    assert all(flags == {"\\Seen"} for flags in stub.flags.values())
    assert counts == {"applied": 2, "invalid": 1}
    assert (answer_of(budi), answer_of(sari)) == (Answer.YES, Answer.NO)
    assert stub.commands[-1] == ("LOGOUT",)


def test_a_message_that_fails_stays_unseen_and_the_others_are_read(meeting, budi, monkeypatch):
    bad = b"Message-ID: <bad@mail>\r\n\r\nboom"
    stub = StubImap(
        {
            b"1": bad,
            b"2": gmail_reply(
                Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2)
            ),
        }
    )
    real_ingest = services.replies.ingest_calendar_reply

    def ingest_failing_on_bad(*, raw):
        if raw == bad:
            raise RuntimeError("database went away")
        return real_ingest(raw=raw)

    monkeypatch.setattr(services.replies, "ingest_calendar_reply", ingest_failing_on_bad)

    counts = services.fetch_replies_from_imap(
        url="imaps://u:p@imap.test/INBOX", connect=lambda _mailbox: cast(imaplib.IMAP4, stub)
    )

    assert counts == {"failed": 1, "applied": 1}
    assert stub.flags == {b"1": set(), b"2": {"\\Seen"}}
    assert answer_of(budi) == Answer.YES


def test_a_broken_connection_is_logged_and_left_for_the_next_run(meeting, budi, caplog):
    stub = StubImap(
        {
            b"1": gmail_reply(
                Reply(uid=event_uid(meeting), attendee=budi.member.email, sequence=2)
            ),
            b"2": gmail_reply(Reply(uid=event_uid(meeting), attendee="x@y.go.id", sequence=2)),
        },
        broken_fetch={b"2"},
    )

    def refused(_mailbox):
        raise ConnectionRefusedError("connection refused")

    down = services.fetch_replies_from_imap(url="imaps://u:p@imap.test/INBOX", connect=refused)
    cut = services.fetch_replies_from_imap(
        url="imaps://u:p@imap.test/INBOX", connect=lambda _mailbox: cast(imaplib.IMAP4, stub)
    )

    assert down == {"failed": 1}
    assert cut == {"applied": 1, "failed": 1}
    assert stub.flags == {b"1": {"\\Seen"}, b"2": set()}
    assert "imap.test:993" in caplog.text
    assert "secret-password" not in caplog.text


@pytest.mark.usefixtures("db")
def test_the_task_does_nothing_while_no_mailbox_is_configured(settings):
    from events.tasks import fetch_calendar_replies

    settings.CALENDAR_IMAP_URL = ""

    assert fetch_calendar_replies() == {}


def test_the_fixtures_have_the_shapes_the_clients_send(meeting):
    """Guards the builders: Gmail mixed+alternative+invite.ics, Outlook alternative, Apple bare."""

    def shape(raw):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        return [part.get_content_type() for part in message.walk()]

    reply = Reply(uid=event_uid(meeting), attendee="a@b.go.id")
    assert shape(gmail_reply(reply)) == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
    ]
    assert shape(outlook_reply(reply)) == [
        "multipart/alternative",
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    assert shape(apple_reply(reply)) == ["text/calendar"]
