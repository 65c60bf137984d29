"""The organizers' pages for a session's participant reports: upload, preview with choices,
import, the kept file; refusals say why and write nothing."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.models import CheckIn, OnlineAttendance, OnlineReport
from attendance.selectors import agencies_for_guests
from records.models import AuditEntry
from tests.attendance.online_world import hybrid_meeting, invitees, report
from tests.members.factories import AgencyFactory, MemberFactory, OrganizerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organizer):
    meeting = hybrid_meeting()
    meeting.organizers.add(organizer)
    return meeting, meeting.sessions.get(), invitees(meeting)


def upload(client, meeting, session, name, platform=""):
    return client.post(
        reverse("attendance:online_reports", args=[meeting.pk, session.pk]),
        {"platform": platform, "report": SimpleUploadedFile(name, report(name))},
    )


@pytest.mark.usefixtures("english")
def test_an_organizer_previews_chooses_and_imports_a_zoom_report(organizer_client, world):
    meeting, session, people = world

    uploaded = upload(organizer_client, meeting, session, "zoom_en.csv", "zoom")
    preview = organizer_client.get(uploaded.url)

    assert "Matched: 4" in preview.text
    assert "To choose: 1" in preview.text
    assert "Unknown: 2" in preview.text
    assert not OnlineAttendance.objects.exists()  # a preview writes nothing
    rina = next(k for k in preview.context["preview"].ambiguous)
    imported = organizer_client.post(
        uploaded.url, {"action": "import", f"choose-{rina.key}": people["rina_kemenag"].pk}
    )

    assert imported.status_code == 302
    present = set(
        CheckIn.objects.filter(method="online").values_list(
            "invitation__member__full_name", flat=True
        )
    )
    assert present == {"Budi Santoso", "Joko Susilo", "Siti Aminah", "Rina Wati"}
    assert CheckIn.objects.filter(invitation=people["rina_kemenag"]).exists()
    page = organizer_client.get(imported.url)
    assert "zoom_en.csv" in page.text
    assert "Imported" in page.text


def test_recognised_without_choosing_the_platform(organizer_client, world):
    meeting, session, _people = world

    uploaded = upload(organizer_client, meeting, session, "teams_id.csv")

    assert OnlineReport.objects.get().platform == "teams"
    assert uploaded.status_code == 302


@pytest.mark.usefixtures("english")
def test_another_platforms_file_is_refused_on_the_page(organizer_client, world):
    meeting, session, _people = world

    response = upload(organizer_client, meeting, session, "meet_en.csv", "zoom")

    assert response.status_code == 400
    assert "This is a Google Meet report, not a Zoom one" in response.text
    assert not OnlineReport.objects.exists()


def test_the_kept_report_is_served_to_organizers_only(organizer_client, client, organizer, world):
    meeting, session, _people = world
    upload(organizer_client, meeting, session, "zoom_id.csv", "zoom")
    kept = OnlineReport.objects.get()
    url = reverse("attendance:online_report_file", args=[meeting.pk, kept.pk])

    mine = organizer_client.get(url)
    client.force_login(OrganizerFactory.create())
    other = client.get(url)

    assert b"".join(mine.streaming_content) == report("zoom_id.csv")
    assert other.status_code == 403
    [download] = AuditEntry.objects.filter(action="online_report.downloaded")
    assert download.actor == organizer


@pytest.mark.usefixtures("english")
def test_a_guest_from_an_agency_not_invited_is_added_in_their_own_agency(organizer_client, world):
    meeting, session, _people = world
    guests_agency = AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS")
    for who in ("kepala", "sekretaris"):  # not invited
        MemberFactory.create(
            full_name=who.title(), email=f"{who}@example.org", agency=guests_agency
        )
    AgencyFactory.create(name="Badan Lain")  # nobody of it writes from example.org
    uploaded = upload(organizer_client, meeting, session, "zoom_en.csv", "zoom")

    preview = organizer_client.get(uploaded.url)
    guest = next(line for line in preview.context["preview"].unknown if "example.org" in line.email)
    offered = re.findall(
        rf'<select[^>]*name="add-{guest.key}".*?</select>', preview.text, flags=re.S
    )[0]

    assert offered.count("Add, from Badan Pusat Statistik") == 1  # where example.org people work
    assert "Add, from Kementerian Agama" in offered  # an invited agency, as before
    assert "Badan Lain" not in offered
    organizer_client.post(uploaded.url, {"action": "import", f"add-{guest.key}": guests_agency.pk})
    added = CheckIn.objects.get(invitation__member__email="tamu.luar@example.org")
    assert added.invitation.member.agency == guests_agency


@pytest.mark.parametrize("guests", [2, 30])
def test_the_agencies_offered_to_guests_cost_the_same_queries_however_many(
    world, guests, django_assert_max_num_queries
):
    meeting, _session, _people = world
    emails = []
    for n in range(guests):
        agency = AgencyFactory.create(name=f"Instansi Tamu {n}")
        MemberFactory.create(email=f"kepala@tamu{n}.go.id", agency=agency)
        emails.append(f"tamu@tamu{n}.go.id")

    with django_assert_max_num_queries(3):
        offered = agencies_for_guests(meeting=meeting, emails=emails)

    assert offered["tamu@tamu1.go.id"][0].name == "Instansi Tamu 1"
    assert len(offered["tamu@tamu1.go.id"]) == 1 + 2  # its own, then the two invited agencies


@pytest.mark.usefixtures("english")
def test_a_report_of_another_day_is_refused_and_nothing_is_written(organizer_client, world):
    meeting, _day_one, _people = world
    day_two = meeting.sessions.create(
        title="Day 2",
        starts_at=_day_one.starts_at + timedelta(days=1),
        ends_at=_day_one.ends_at + timedelta(days=1),
    )

    response = upload(organizer_client, meeting, day_two, "zoom_en.csv", "zoom")

    assert response.status_code == 400
    assert "This report is of another time" in response.text
    assert "upload it for its own session" in response.text
    assert not OnlineReport.objects.exists()
    assert not CheckIn.objects.exists()


@pytest.mark.usefixtures("english")
def test_a_draft_waiting_for_its_columns_can_be_discarded_from_its_page(organizer_client, world):
    meeting, session, _people = world
    uploaded = upload(organizer_client, meeting, session, "unmapped.csv", "zoom")

    page = organizer_client.get(uploaded.url)
    mapping = page.text.split('id="mapping"')[1]
    discarded = organizer_client.post(uploaded.url, {"action": "discard"})

    assert 'name="action" value="discard"' in mapping
    assert discarded.status_code == 302
    assert not OnlineReport.objects.exists()
