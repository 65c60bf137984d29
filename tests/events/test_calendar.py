import io
import re
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import dateutil.tz
import icalendar
import pytest
from django.test import override_settings

from events import calendar
from events.calendar import build_cancel, build_request
from events.models import Invitation, Meeting
from events.snapshot import MeetingSnapshot, session_lines
from tests.events.factories import (
    AgendaItemFactory,
    InvitationFactory,
    MeetingFactory,
    SessionFactory,
    local,
)
from tests.events.parsers import read_all, read_icalendar, read_vobject

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = [
    'Siti "Ratu" Aminah\r\nBCC: x@evil',
    "王小明",
    "Ñuñez, María; Dr.: Ahli \\ Madya",
]


def _request(meeting, invitations, answer_url="https://rakor.example/jawab/s3cret/", *, session=0):
    """The REQUEST of the meeting's `session`-th session (the first by default)."""
    snapshot = MeetingSnapshot.of(meeting)
    return build_request(
        meeting=snapshot,
        session=snapshot.sessions[session],
        invitations=invitations,
        answer_url=answer_url,
    )


def _cancel(meeting, invitations, *, cancelled):
    snapshot = MeetingSnapshot.of(meeting)
    return build_cancel(
        meeting=snapshot,
        session=snapshot.sessions[0],
        invitations=invitations,
        cancelled=cancelled,
    )


def _first_uid(meeting) -> str:
    return meeting.sessions.earliest("starts_at").uid


def _lines(raw: bytes) -> list[bytes]:
    assert raw.endswith(b"\r\n")
    return raw[:-2].split(b"\r\n")


def test_a_request_has_the_calendar_and_event_properties_itip_requires():
    meeting = MeetingFactory.create(sessions=2)
    meeting.sequence = 3
    meeting.save()
    invitation = InvitationFactory.create(meeting=meeting, member__full_name="Andi Saputra")

    raw = _request(meeting, [invitation])

    parsed = icalendar.Calendar.from_ical(raw)
    assert parsed["PRODID"] == "-//Rakor//Rakor//ID"
    assert parsed["VERSION"] == "2.0"
    assert parsed["METHOD"] == "REQUEST"
    [event] = parsed.events
    assert event["UID"] == _first_uid(meeting)
    assert event.sequence == 3
    assert event["STATUS"] == "CONFIRMED"
    assert event.DTSTAMP.tzinfo is not None
    assert event.DTSTAMP.utcoffset().total_seconds() == 0
    assert event["SUMMARY"] == f"{meeting.title} (Hari 1)"
    assert event["LOCATION"] == (
        "Aula Gedung Kementerian Agama, Jl. M.H. Thamrin No. 6, Jakarta Pusat"
    )
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:rakor@localhost"
    assert organizer.params["CN"] == "Sekretariat Balitbang Diklat Kementerian Agama"
    [attendee] = event.attendees
    assert str(attendee) == f"mailto:{invitation.member.email}"
    assert attendee.params["CN"] == "Andi Saputra"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["RSVP"] == "TRUE"


def test_each_session_of_a_two_day_meeting_is_its_own_event_and_lists_the_whole_schedule():
    meeting = MeetingFactory.create(sessions=2)
    invitation = InvitationFactory.create(meeting=meeting)
    first, second = meeting.sessions.order_by("starts_at")

    days = [read_all(_request(meeting, [invitation], session=n)) for n in (0, 1)]

    for reads, session in zip(days, (first, second), strict=True):
        for read in reads:
            assert read.uid == session.uid, read.parser
            assert (read.start, read.end) == (session.starts_at, session.ends_at), read.parser
            assert read.summary == f"{meeting.title} ({session.title})", read.parser
            assert "- Kamis, 25 November 2021 · 08.00–16.00 WIB (Hari 1)" in read.description
            assert "- Jumat, 26 November 2021 · 08.00–16.00 WIB (Hari 2)" in read.description
    assert first.starts_at == datetime(2021, 11, 25, 1, tzinfo=UTC)
    assert second.ends_at == datetime(2021, 11, 26, 9, tzinfo=UTC)
    assert first.uid != second.uid


def test_the_description_carries_the_answer_link_and_the_letter_number():
    meeting = MeetingFactory.create(letter_number="B-123/BD/HM.01/11/2021")
    invitation = InvitationFactory.create(meeting=meeting)

    raw = _request(meeting, [invitation], answer_url="https://rakor.example/jawab/s3cret/")

    for read in read_all(raw):
        assert "https://rakor.example/jawab/s3cret/" in read.description, read.parser
        assert "B-123/BD/HM.01/11/2021" in read.description, read.parser


@override_settings(CALENDAR_ORGANIZER_EMAIL="balasan@rakor.kemenag.go.id")
def test_the_organizer_is_the_configured_mailbox_as_a_bare_mailto():
    invitation = InvitationFactory.create()
    raw = _request(invitation.meeting, [invitation])
    unfolded = raw.replace(b"\r\n ", b"")
    assert re.search(
        rb'^ORGANIZER;CN="[^"]+":mailto:balasan@rakor.kemenag.go.id\r$', unfolded, re.M
    )
    for read in read_all(raw):
        assert read.organizer.lower() == "mailto:balasan@rakor.kemenag.go.id", read.parser


@pytest.mark.parametrize(
    ("answer", "partstat"),
    [
        (Invitation.Answer.PENDING, "NEEDS-ACTION"),
        (Invitation.Answer.YES, "ACCEPTED"),
        (Invitation.Answer.NO, "DECLINED"),
        (Invitation.Answer.MAYBE, "TENTATIVE"),
        (Invitation.Answer.REPRESENTED, "DELEGATED"),
        (Invitation.Answer.WAITLISTED, "TENTATIVE"),
    ],
)
def test_partstat_reflects_the_current_answer(answer, partstat):
    invitation = InvitationFactory.create(answer=answer)
    for read in read_all(_request(invitation.meeting, [invitation])):
        [attendee] = read.attendees
        assert attendee.partstat == partstat, read.parser
        assert attendee.rsvp == "TRUE", read.parser


@pytest.mark.parametrize(
    ("role", "ical_role"),
    [
        (Invitation.Role.PARTICIPANT, "REQ-PARTICIPANT"),
        (Invitation.Role.SPEAKER, "REQ-PARTICIPANT"),
        (Invitation.Role.MODERATOR, "REQ-PARTICIPANT"),
        (Invitation.Role.MINUTE_TAKER, "REQ-PARTICIPANT"),
        (Invitation.Role.CHAIR, "CHAIR"),
        (Invitation.Role.COMMITTEE, "NON-PARTICIPANT"),
    ],
)
def test_role(role, ical_role):
    invitation = InvitationFactory.create(role=role)
    for read in read_all(_request(invitation.meeting, [invitation])):
        assert read.attendees[0].role == ical_role, read.parser


def test_a_represented_invitation_is_delegated_to_the_representative():
    original = InvitationFactory.create(answer=Invitation.Answer.REPRESENTED)
    representative = InvitationFactory.create(
        meeting=original.meeting, member__email="wakil@kemenag.go.id"
    )
    original.represented_by = representative
    original.save()

    [event] = icalendar.Calendar.from_ical(_request(original.meeting, [original])).events
    [attendee] = event.attendees
    assert attendee.params["PARTSTAT"] == "DELEGATED"
    assert attendee.params["DELEGATED-TO"] == "mailto:wakil@kemenag.go.id"


def test_one_attendee_per_invitation_passed():
    meeting = MeetingFactory.create()
    invitations = InvitationFactory.create_batch(3, meeting=meeting)
    for read in read_all(_request(meeting, invitations)):
        assert sorted(a.email for a in read.attendees) == sorted(
            f"mailto:{i.member.email}" for i in invitations
        )


def test_cancelling_the_meeting_sends_cancel_with_status_cancelled_and_the_same_uid():
    invitation = InvitationFactory.create(answer=Invitation.Answer.YES)
    meeting = invitation.meeting
    [first] = read_icalendar(_request(meeting, [invitation]))
    meeting.sequence += 1
    meeting.save()

    raw = _cancel(meeting, [invitation], cancelled=True)

    for read in read_all(raw):
        assert read.method == "CANCEL", read.parser
        assert read.status == "CANCELLED", read.parser
        assert read.uid == first.uid == _first_uid(meeting), read.parser
        assert read.sequence == first.sequence + 1, read.parser
        assert read.organizer.lower() == "mailto:rakor@localhost", read.parser
        assert [a.email for a in read.attendees] == [f"mailto:{invitation.member.email}"]


def test_withdrawing_one_person_cancels_for_them_only_without_status_cancelled():
    meeting = MeetingFactory.create()
    withdrawn, _staying = InvitationFactory.create_batch(2, meeting=meeting)

    raw = _cancel(meeting, [withdrawn], cancelled=False)

    assert b"STATUS:" not in raw
    for read in read_all(raw):
        assert read.method == "CANCEL", read.parser
        assert read.status == "", read.parser
        assert read.uid == _first_uid(meeting), read.parser
        assert [a.email for a in read.attendees] == [f"mailto:{withdrawn.member.email}"]


@pytest.mark.parametrize(
    ("zone", "day", "hour", "utc_hour"),
    [
        ("Europe/Berlin", date(2026, 7, 15), 10, 8),  # summer time, UTC+2
        ("Europe/Berlin", date(2026, 1, 15), 10, 9),  # winter, UTC+1
        ("Europe/Berlin", date(2026, 3, 29), 10, 8),  # the day summer time starts
        ("America/Santiago", date(2026, 1, 15), 10, 13),  # southern summer, UTC-3
        ("Asia/Jakarta", date(2021, 11, 25), 8, 1),  # WIB
        ("Asia/Makassar", date(2021, 11, 25), 8, 0),  # WITA
        ("Asia/Jayapura", date(2021, 11, 25), 8, 23),  # WIT, the day before in UTC
        ("America/New_York", date(2026, 7, 15), 10, 14),
        ("Australia/Lord_Howe", date(2026, 1, 15), 10, 23),  # half-hour summer time
        ("UTC", date(2026, 7, 15), 10, 10),
    ],
)
def test_every_parser_reads_the_same_instant(zone, day, hour, utc_hour):
    meeting = MeetingFactory.create(
        time_zone=zone,
        sessions=1,
        sessions__first_day=day,
        sessions__start_hour=hour,
        sessions__end_hour=hour + 2,
    )
    invitation = InvitationFactory.create(meeting=meeting)
    starts = local(day, hour, zone=zone)
    assert starts.hour == utc_hour

    raw = _request(meeting, [invitation])

    reads = read_all(raw)
    assert [r.start for r in reads] == [starts] * 4
    assert [r.end - r.start for r in reads] == [timedelta(hours=2)] * 4
    parsed = icalendar.Calendar.from_ical(raw)
    assert parsed.get_missing_tzids() == set()
    if zone == "UTC":
        assert b"DTSTART:20260715T100000Z" in raw
        assert parsed.timezones == []
    elif day == date(2026, 3, 29):  # a day the clocks change: in UTC, which all read alike
        assert f"DTSTART:{starts:%Y%m%dT%H%M%S}Z".encode() in raw
    else:
        assert f"DTSTART;TZID={zone}:{day:%Y%m%d}T{hour:02d}0000".encode() in raw
        assert [tz.tz_name for tz in parsed.timezones] == [zone]


@pytest.mark.parametrize(
    ("zone", "day", "hour"),
    [
        ("Europe/Berlin", date(2026, 7, 15), 10),
        ("Europe/Berlin", date(2026, 12, 15), 10),
        ("America/Santiago", date(2026, 1, 15), 10),
        ("Australia/Lord_Howe", date(2026, 7, 15), 10),
        ("America/New_York", date(2026, 11, 2), 9),  # the day after summer time ends
        ("Asia/Jayapura", date(2021, 11, 25), 8),
    ],
)
def test_the_vtimezone_alone_gives_the_right_instant(zone, day, hour):
    """Renamed to a TZID nobody knows, the zone can only come from the file's VTIMEZONE: read
    by icalendar, vobject and dateutil's tzical (ics.py cannot: it reads such times as UTC).
    The name is new each time because icalendar and vobject keep a TZID's first definition."""
    meeting = MeetingFactory.create(
        time_zone=zone,
        sessions__first_day=day,
        sessions__start_hour=hour,
        sessions__end_hour=hour + 1,
    )
    invitation = InvitationFactory.create(meeting=meeting)
    tzid = f"Rakor-Uji-{uuid.uuid4().hex}"
    raw = _request(meeting, [invitation]).replace(zone.encode(), tzid.encode())
    assert zone.encode() not in raw
    expected = local(day, hour, zone=zone)

    [by_icalendar], [by_vobject] = read_icalendar(raw), read_vobject(raw)
    assert by_icalendar.start == by_vobject.start == expected
    unfolded = raw.replace(b"\r\n ", b"").decode()
    vtimezone = unfolded[unfolded.index("BEGIN:VTIMEZONE") : unfolded.index("BEGIN:VEVENT")]
    tzinfo = dateutil.tz.tzical(io.StringIO(vtimezone)).get(tzid)
    naive = expected.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    assert naive.replace(tzinfo=tzinfo).astimezone(UTC) == expected


def test_the_vtimezone_holds_past_2038():
    """vobject and ical.js read the file's VTIMEZONE, icalendar its own zone files; ics.py looks
    a known TZID up in the system's zone files through dateutil, which stops at 2037, so it has
    no say here."""
    meeting = MeetingFactory.create(
        time_zone="Europe/Berlin",
        sessions__first_day=date(2045, 7, 15),
        sessions__start_hour=10,
        sessions__end_hour=12,
    )
    invitation = InvitationFactory.create(meeting=meeting)
    raw = _request(meeting, [invitation])
    for read in read_all(raw):
        if read.parser != "ics":
            assert read.start == datetime(2045, 7, 15, 8, tzinfo=UTC), read.parser


def test_berlin_in_july_is_0800_utc_in_every_parser():
    meeting = MeetingFactory.create(
        time_zone="Europe/Berlin",
        sessions__first_day=date(2026, 7, 15),
        sessions__start_hour=10,
        sessions__end_hour=12,
    )
    invitation = InvitationFactory.create(meeting=meeting)
    for read in read_all(_request(meeting, [invitation])):
        assert read.start == datetime(2026, 7, 15, 8, tzinfo=UTC), read.parser
        assert read.end == datetime(2026, 7, 15, 10, tzinfo=UTC), read.parser


def test_jakarta_25_november_2021_0800_is_0100_utc_in_every_parser():
    invitation = InvitationFactory.create()
    for read in read_all(_request(invitation.meeting, [invitation])):
        assert read.start == datetime(2021, 11, 25, 1, tzinfo=UTC), read.parser


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_or_non_latin_name_breaks_nothing(name):
    invitation = InvitationFactory.create(
        member__full_name=name, member__email="siti@kemenag.go.id"
    )

    raw = _request(invitation.meeting, [invitation])

    expected = " ".join(name.replace("\r", " ").replace("\n", " ").split())
    assert not any(line.startswith((b"BCC", b"bcc")) for line in _lines(raw))
    assert raw.count(b"ATTENDEE") == 1
    reads = read_all(raw)
    for read in reads:
        [attendee] = read.attendees
        assert attendee.email == "mailto:siti@kemenag.go.id", read.parser
        assert "\n" not in attendee.cn, read.parser
        assert "\r" not in attendee.cn, read.parser
        assert attendee.partstat == "NEEDS-ACTION", read.parser
        assert attendee.rsvp == "TRUE", read.parser
    # icalendar reads RFC 6868 (^' for a DQUOTE) back; vobject and ics.py show the escape.
    assert reads[0].attendees[0].cn == expected
    for read in reads[1:]:
        assert read.attendees[0].cn.replace("^'", '"') == expected, read.parser


def test_text_values_are_escaped_and_read_back_unchanged():
    title = 'Rapat; "Humas", K/L\\Pusat\nbaris dua — 王小明 Ñ'
    meeting = MeetingFactory.create(title=title, venue="Aula; Lt. 2, Gedung A")
    invitation = InvitationFactory.create(meeting=meeting)

    raw = _request(meeting, [invitation])

    assert b'SUMMARY:Rapat\\; "Humas"\\, K/L\\\\Pusat\\nbaris dua' in raw
    for read in read_all(raw):
        assert read.summary == title, read.parser
        assert read.location.startswith("Aula; Lt. 2, Gedung A, Jl."), read.parser


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_lines_end_in_crlf_and_are_folded_at_75_octets(name):
    meeting = MeetingFactory.create(
        sessions=3,
        title="Koordinasi Pranata Humas Antar Kementerian/Lembaga " * 4,
        description="Penyusunan pedoman pelatihan — 王小明 Ñ " * 20,
        mode=Meeting.Mode.HYBRID,
        online_url="https://zoom.us/j/1234567890?pwd=" + "a" * 120,
    )
    invitation = InvitationFactory.create(meeting=meeting, member__full_name=name * 5)

    raw = _request(meeting, [invitation])

    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"\r" not in raw.replace(b"\r\n", b"")
    lines = _lines(raw)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    raw.decode("utf-8")  # folding never splits a UTF-8 sequence


def test_online_and_hybrid_meetings_carry_the_link_in_location_and_url():
    meeting = MeetingFactory.create(
        mode=Meeting.Mode.HYBRID, online_url="https://zoom.us/j/123?pwd=a,b;c"
    )
    invitation = InvitationFactory.create(meeting=meeting)
    [event] = icalendar.Calendar.from_ical(_request(meeting, [invitation])).events
    assert event["URL"] == "https://zoom.us/j/123?pwd=a,b;c"
    assert str(event["LOCATION"]).endswith(" · https://zoom.us/j/123?pwd=a,b;c")
    assert str(event["LOCATION"]).startswith("Aula Gedung Kementerian Agama")


def test_an_in_person_meeting_does_not_advertise_an_online_link():
    meeting = MeetingFactory.create(mode=Meeting.Mode.IN_PERSON, online_url="https://zoom.us/j/1")
    invitation = InvitationFactory.create(meeting=meeting)
    raw = _request(meeting, [invitation])
    assert b"zoom.us" not in raw


def test_a_meeting_without_sessions_has_no_time_to_put_in_a_calendar():
    meeting = MeetingFactory.create(sessions=0)
    with pytest.raises(ValueError, match="no session"):
        _ = MeetingSnapshot.of(meeting).starts_at


def test_sessions_are_read_in_time_order_whatever_the_insertion_order():
    meeting = MeetingFactory.create(sessions=0)
    SessionFactory.create(
        meeting=meeting,
        starts_at=local(date(2021, 11, 26), 8),
        ends_at=local(date(2021, 11, 26), 12),
    )
    SessionFactory.create(
        meeting=meeting,
        starts_at=local(date(2021, 11, 25), 13),
        ends_at=local(date(2021, 11, 25), 16),
    )
    invitation = InvitationFactory.create(meeting=meeting)
    [first] = read_icalendar(_request(meeting, [invitation], session=0))
    [second] = read_icalendar(_request(meeting, [invitation], session=1))
    assert (first.start, first.end) == (
        local(date(2021, 11, 25), 13),
        local(date(2021, 11, 25), 16),
    )
    assert (second.start, second.end) == (
        local(date(2021, 11, 26), 8),
        local(date(2021, 11, 26), 12),
    )


def test_a_session_over_midnight_shows_both_days():
    meeting = MeetingFactory.create(sessions=0)
    SessionFactory.create(
        meeting=meeting,
        starts_at=local(date(2021, 11, 25), 20),
        ends_at=local(date(2021, 11, 26), 2),
    )
    line = session_lines(MeetingSnapshot.of(meeting))[0]
    assert line == "Kamis, 25 November 2021 · 20.00 WIB – Jumat, 26 November 2021 · 02.00 WIB"


def test_a_snapshot_builds_any_number_of_files_without_a_query(django_assert_num_queries):
    meeting = MeetingFactory.create(sessions=2)
    AgendaItemFactory.create_batch(3, meeting=meeting)
    InvitationFactory.create_batch(5, meeting=meeting)
    invitations = list(Invitation.objects.select_related("member"))
    snapshot = MeetingSnapshot.of(meeting)

    with django_assert_num_queries(0):
        files = [_request(snapshot, [invitation]) for invitation in invitations]

    assert len({read_icalendar(f)[0].uid for f in files}) == 1


def test_the_shared_part_and_the_vtimezone_are_built_once():
    calendar.vtimezone_for.cache_clear()
    meeting = MeetingFactory.create(
        time_zone="Europe/Berlin", sessions__first_day=date(2026, 7, 15)
    )
    invitations = InvitationFactory.create_batch(2, meeting=meeting)
    snapshot = MeetingSnapshot.of(meeting)

    started = time.perf_counter()
    first = _request(snapshot, [invitations[0]])
    first_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    for _ in range(100):
        second = _request(snapshot, [invitations[1]])
    later_ms = (time.perf_counter() - started) * 1000 / 100
    _request(MeetingSnapshot.of(meeting), [invitations[0]])  # another snapshot, same zone

    info = calendar.vtimezone_for.cache_info()
    assert (info.misses, info.hits) == (1, 1)
    assert (
        read_icalendar(first)[0].attendees[0].email != read_icalendar(second)[0].attendees[0].email
    )
    assert first.split(b"BEGIN:VEVENT")[0] == second.split(b"BEGIN:VEVENT")[0]
    print(f"calendar file: first {first_ms:.2f} ms, then {later_ms:.3f} ms each")


def test_building_a_vtimezone_costs_more_than_reusing_it():
    """Why the cache: icalendar builds 1970–2038 per call when asked for the missing zones, and
    finding a zone's yearly rules from its changes takes milliseconds too."""
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        cal = icalendar.Calendar()
        event = icalendar.Event()
        event.start = datetime(2026, 7, 15, 10, tzinfo=ZoneInfo("Europe/Berlin"))
        cal.add_component(event)
        cal.add_missing_timezones()
    uncached = (time.perf_counter() - started) / rounds
    started = time.perf_counter()
    for _ in range(rounds):
        calendar.vtimezone_for("Europe/Berlin", first_year=2026, last_year=2027)
    cached = (time.perf_counter() - started) / rounds
    print(f"VTIMEZONE: icalendar {uncached * 1000:.2f} ms, cached {cached * 1e6:.1f} µs")
    assert cached < uncached


@pytest.mark.parametrize("name", [*HOSTILE_NAMES, "😀" * 40, "Ahmad " * 30])
def test_each_file_is_what_icalendar_writes_though_the_shared_lines_are_written_once(name):
    meeting = MeetingFactory.create(
        sessions=2,
        time_zone="Europe/Berlin",
        title='Rapat; "Humas", K/L\\Pusat — 王小明 ' * 3,
        description="Catatan; koma, titik dua: garis\\miring\r\nbaris baru\n" + "– · é " * 40,
        mode=Meeting.Mode.HYBRID,
        online_url="https://zoom.us/j/1234567890?pwd=" + "a" * 80,
    )
    first, second = InvitationFactory.create_batch(2, meeting=meeting, member__full_name=name)
    snapshot = MeetingSnapshot.of(meeting)
    _request(snapshot, [first], answer_url="")  # the shared lines are written

    raw = _request(snapshot, [second], answer_url="https://r.example/j/x^y\\z/", session=1)

    assert icalendar.Calendar.from_ical(raw).to_ical() == raw
    assert b"https://r.example/j/x^y" in raw.replace(b"\r\n ", b"")
