"""One record of a hybrid session: the daftar hadir, the attendance table and its exports, the
dashboard and the laporan show each person once, with how they attended (in the room, online,
both), their minutes online and, for online attendance, the evidence in place of a signature."""

import csv
import io

import pytest
from django.urls import reverse

from attendance.models import CheckIn
from attendance.pdf import daftar_hadir_pdf
from attendance.services import online_import, online_reports
from outputs.exports import session_presence
from tests.attendance.daftar_hadir_text import pages_of, squashed
from tests.attendance.factories import signature_png
from tests.attendance.online_world import hybrid_meeting, invitees, report
from tests.support.exports import download

pytestmark = pytest.mark.django_db


@pytest.fixture
def hybrid(organizer):
    """Siti signed the sheet in the room and was online too; Budi and Joko were online only;
    Dewi's 20 minutes online do not make her present; Rina was in the room only."""
    meeting = hybrid_meeting()
    meeting.organizers.add(organizer)
    session = meeting.sessions.get()
    people = invitees(meeting)
    for key in ("siti", "rina_kemenag"):
        CheckIn.objects.create(
            invitation=people[key],
            session=session,
            at=session.starts_at,
            method="scan",
            signature=signature_png(),
        )
    draft = online_reports.upload_report(
        session=session,
        platform="zoom",
        filename="zoom_en.csv",
        data=report("zoom_en.csv"),
        by=None,
    )
    online_import.import_report(report=draft)
    return meeting, session, people


def test_the_daftar_hadir_shows_the_room_and_the_screen_together(hybrid):
    _meeting, session, _people = hybrid

    [page] = pages_of(daftar_hadir_pdf(session=session))

    assert page.count(squashed("Budi Santoso")) == 1
    assert page.count(squashed("Siti Aminah")) == 1
    assert squashed("hadir daring — Zoom, 178 menit (zoom_en.csv)") in page
    assert squashed("hadir daring — Zoom, 162 menit (zoom_en.csv)") in page  # Joko, by his NIP
    assert squashed("juga daring: Zoom, 149 menit (zoom_en.csv)") in page  # Siti, in the room too
    assert squashed("QR di meja registrasi") in page
    assert "DewiLestari" not in page
    assert squashed("hadir, belum tanda tangan") not in page


def test_the_attendance_export_carries_how_and_how_long(hybrid, organizer_client):
    meeting, session, _people = hybrid

    response = download(
        organizer_client,
        reverse("attendance:table_export", args=[meeting.pk, "csv"]),
        {"session": session.pk},
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    seen = sorted((row["Nama"], row["Bentuk kehadiran"], row["Menit daring"]) for row in rows)
    assert seen == [
        ("Budi Santoso", "Daring", "178"),
        ("Dewi Lestari", "", "20"),
        ("Joko Susilo", "Daring", "162"),
        ("Rina Wati", "", ""),  # of Kominfo: the report's Rina was not chosen as her
        ("Rina Wati", "Di ruangan", ""),  # of Kemenag
        ("Siti Aminah", "Di ruangan dan daring", "149"),
    ]


def test_the_dashboard_counts_the_room_the_screen_and_both(hybrid, organizer_client):
    meeting, _session, _people = hybrid

    page = organizer_client.get(reverse("attendance:dashboard_live", args=[meeting.pk]))

    [row] = page.context["counts"]
    assert row["present"] == 4
    assert row["attended"] == {"room": 1, "online": 2, "both": 1}


def test_the_laporan_counts_per_session_how_people_attended(hybrid):
    meeting, _session, _people = hybrid

    [row] = session_presence(meeting=meeting)

    assert (row["present"], row["room"], row["online"], row["both"]) == (4, 1, 2, 1)


def test_a_report_imported_after_the_sheet_closed_is_a_change_for_a_new_version(organizer):
    import time_machine

    from attendance import services

    meeting = hybrid_meeting()
    meeting.organizers.add(organizer)
    session = meeting.sessions.get()
    people = invitees(meeting)
    CheckIn.objects.create(
        invitation=people["siti"],
        session=session,
        at=session.starts_at,
        method="scan",
        signature=signature_png(),
    )
    with time_machine.travel("2021-11-25 13:30 +07:00", tick=False):
        services.close_sheet(session=session, by=organizer)
    with time_machine.travel("2021-11-25 15:00 +07:00", tick=False):
        draft = online_reports.upload_report(
            session=session,
            platform="zoom",
            filename="zoom_id.csv",
            data=report("zoom_id.csv"),
            by=None,
        )
        online_import.import_report(report=draft)
        [status] = services.sheet_statuses(meeting=meeting)
        second = services.close_sheet(session=session, by=organizer, reason="laporan Zoom")

    # Budi and Joko newly present online; Siti, on the sheet already, gained the evidence.
    assert status.changed == 3
    assert second.version == 2
