"""Importing the participant reports of Zoom, Google Meet and Microsoft Teams (the services):
each platform's report in English and Indonesian, rejoins, a name that matches two people,
unknown guests, another platform's file and a broken one."""

from datetime import timedelta

import pytest
from django.utils import translation

from attendance.models import CheckIn, OnlineAttendance, OnlineReport
from attendance.services import online_import, online_reports
from tests.attendance.online_world import hybrid_meeting, invitees, report
from tests.support.found import present

pytestmark = pytest.mark.django_db

REPORTS = [
    ("zoom", "zoom_en.csv", 2),
    ("zoom", "zoom_id.csv", 1),
    ("meet", "meet_en.csv", 1),
    ("meet", "meet_id.xlsx", 1),
    ("teams", "teams_en.csv", 2),
    ("teams", "teams_id.csv", 1),
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def world():
    meeting = hybrid_meeting()
    return meeting.sessions.get(), invitees(meeting)


def upload(session, name, platform, organizer=None):
    return online_reports.upload_report(
        session=session, platform=platform, filename=name, data=report(name), by=organizer
    )


@pytest.mark.parametrize(("platform", "name", "unknown"), REPORTS)
def test_each_platforms_report_matches_by_email_nip_and_name(world, platform, name, unknown):
    session, people = world

    preview = online_reports.preview_report(report=upload(session, name, platform))

    matched = {present(line.invitee).invitation_id: line for line in preview.matched}
    assert set(matched) == {people[k].pk for k in ("budi", "siti", "joko", "dewi")}
    [ambiguous] = preview.ambiguous
    assert ambiguous.name.startswith("Rina")
    assert {c.invitation_id for c in ambiguous.candidates} == {
        people["rina_kemenag"].pk,
        people["rina_kominfo"].pk,
    }
    assert len(preview.unknown) == unknown
    assert "tamu.luar@example.org" in {line.email for line in preview.unknown}
    # Budi dropped out at 10.02 and rejoined at 10.05 (Zoom and Teams: two rows): one person.
    assert 175 <= matched[people["budi"].pk].minutes <= 180
    assert matched[people["budi"].pk].reached
    assert not matched[people["dewi"].pk].reached  # 20 minutes of a three-hour session


def test_import_checks_in_who_reached_the_threshold_and_keeps_the_room_check_in(world, organizer):
    session, people = world
    room = CheckIn.objects.create(
        invitation=people["siti"], session=session, at=session.starts_at, method="scan"
    )
    draft = upload(session, "zoom_en.csv", "zoom", organizer)

    result = online_import.import_report(report=draft, by=organizer)

    online_ids = set(
        CheckIn.objects.filter(session=session, method="online").values_list(
            "invitation", flat=True
        )
    )
    assert online_ids == {people["budi"].pk, people["joko"].pk}
    room.refresh_from_db()
    assert room.method == "scan"  # in the room and online: keeps the room check-in
    evidence = OnlineAttendance.objects.get(invitation=people["siti"], session=session)
    assert evidence.reached
    assert evidence.minutes == 149
    assert list(evidence.reports.all()) == [draft]
    assert not CheckIn.objects.filter(invitation=people["dewi"]).exists()
    assert (result.matched, result.ambiguous, result.unknown) == (4, 1, 2)
    assert OnlineReport.objects.get().state == OnlineReport.State.IMPORTED


def test_the_phone_beside_the_laptop_adds_no_minutes(world):
    session, people = world
    online_import.import_report(report=upload(session, "zoom_en.csv", "zoom"))

    budi = OnlineAttendance.objects.get(invitation=people["budi"])
    # 08.58.03–10.02.40 and 10.05.12–11.59.30; the phone's 10.30–11.00 lies inside.
    assert budi.minutes == 178
    assert len(budi.intervals) == 2


def test_the_same_report_twice_is_refused_and_changes_nothing(world):
    session, _people = world
    online_import.import_report(report=upload(session, "zoom_en.csv", "zoom"))
    before = list(OnlineAttendance.objects.values_list("invitation", "minutes", "intervals"))

    with pytest.raises(online_reports.ReportError) as refused:
        upload(session, "zoom_en.csv", "zoom")

    assert "imported" in str(refused.value.message)
    assert OnlineReport.objects.count() == 1
    assert (
        list(OnlineAttendance.objects.values_list("invitation", "minutes", "intervals")) == before
    )


def test_a_second_platforms_report_of_the_same_session_merges(world):
    session, people = world
    first = upload(session, "zoom_en.csv", "zoom")
    online_import.import_report(report=first)
    second = upload(session, "teams_en.csv", "teams")

    online_import.import_report(report=second)

    budi = OnlineAttendance.objects.get(invitation=people["budi"])
    assert budi.minutes == 178  # the same stays seen by two platforms count once
    assert set(budi.reports.all()) == {first, second}
    assert CheckIn.objects.filter(invitation=people["budi"], session=session).count() == 1


def test_choices_settle_the_ambiguous_name_and_add_the_guest(world, organizer):
    session, people = world
    draft = upload(session, "zoom_id.csv", "zoom", organizer)
    preview = online_reports.preview_report(report=draft)
    [rina] = preview.ambiguous
    [guest] = preview.unknown
    agency = people["dewi"].member.agency

    online_import.import_report(
        report=draft,
        chosen={rina.key: people["rina_kominfo"].pk},
        added={guest.key: online_import.UnknownChoice(agency_id=agency.pk)},
        by=organizer,
    )

    assert CheckIn.objects.filter(invitation=people["rina_kominfo"], method="online").exists()
    assert not CheckIn.objects.filter(invitation=people["rina_kemenag"]).exists()
    added = OnlineAttendance.objects.get(invitation__member__email="tamu.luar@example.org")
    assert added.uninvited
    assert added.invitation.member.agency == agency
    assert added.invitation.answer == "yes"


@pytest.mark.parametrize(
    ("platform", "name", "says"),
    [
        ("zoom", "teams_en.csv", "Microsoft Teams"),
        ("teams", "meet_id.xlsx", "Google Meet"),
        ("meet", "zoom_id.csv", "Zoom"),
        ("zoom", "broken.xlsx", "cannot be read"),
        ("zoom", "zoom_unique_users.csv", "Show unique users"),
    ],
)
def test_a_wrong_or_broken_file_is_refused_with_nothing_written(world, platform, name, says):
    session, _people = world

    with pytest.raises(online_reports.ReportError) as refused:
        upload(session, name, platform)

    assert says in str(refused.value.message)
    assert not OnlineReport.objects.exists()
    assert not OnlineAttendance.objects.exists()
    assert not CheckIn.objects.exists()


def test_columns_not_recognised_are_mapped_by_the_organizer(world):
    session, people = world
    draft = upload(session, "unmapped.csv", "zoom")
    assert {name for name, _label in online_reports.preview_report(report=draft).missing} == {
        "name",
        "join",
        "leave",
    }

    online_reports.map_report_columns(
        report=draft,
        mapping={
            "name": "Peserta Rapat",
            "email": "Alamat Surel",
            "join": "Masuk",
            "leave": "Keluar",
        },
    )
    preview = online_reports.preview_report(report=draft)

    assert [present(line.invitee).invitation_id for line in preview.matched] == [
        people["budi"].pk,
        people["dewi"].pk,
    ]


def test_columns_mapped_on_a_report_of_another_day_are_refused_and_not_kept(world):
    session, _people = world
    day_two = session.meeting.sessions.create(
        title="Day 2",
        starts_at=session.starts_at + timedelta(days=1),
        ends_at=session.ends_at + timedelta(days=1),
    )
    draft = upload(day_two, "unmapped.csv", "zoom")  # its times are read once mapped

    with pytest.raises(online_reports.ReportError, match="This report is of another time"):
        online_reports.map_report_columns(
            report=draft,
            mapping={"name": "Peserta Rapat", "join": "Masuk", "leave": "Keluar"},
        )

    draft.refresh_from_db()
    assert draft.mapping == {}
