"""A big session's daftar hadir is made by Celery, not within the request (issue 15): the link
shows a button, the POST queues the PDF, its page follows it, and the download is the sheet."""

import pytest
from django.urls import reverse

from core import export_views, services
from core.models import ExportJob
from personal_data.models import AccessedPerson, AccessEntry
from tests.attendance.factories import CheckInFactory
from tests.events.factories import MeetingFactory
from tests.members.factories import MemberFactory, OrganizerFactory
from tests.support.documents import pdf_text
from tests.support.found import found

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_session(organizer, monkeypatch):
    """A session whose sheet holds more people than a request makes (three, for the test)."""
    monkeypatch.setattr(export_views, "DOCUMENT_ROWS", 2)
    meeting = MeetingFactory.create(sessions=1, title="Rapat Koordinasi Nasional Kehumasan")
    meeting.organizers.add(organizer)
    session = meeting.sessions.get()
    for name in ("Ahmad Fauzi", "Siti Rahmawati", "Wayan Sudarma"):
        CheckInFactory.create(
            session=session,
            invitation__meeting=meeting,
            invitation__member=MemberFactory.create(full_name=name),
        )
    return session


def sheet_url(session, name="attendance:sheet_pdf"):
    return reverse(name, args=[session.meeting_id, session.pk])


def test_the_link_asks_with_a_button_and_makes_no_pdf_in_the_request(organizer_client, big_session):
    page = organizer_client.get(sheet_url(big_session))

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    text = page.content.decode()
    assert 'method="post"' in text
    assert "terlalu banyak orang" in text
    assert ExportJob.objects.count() == 0


def test_the_post_queues_the_sheet_and_its_page_ends_with_the_pdf(
    organizer_client, big_session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        asked = organizer_client.post(sheet_url(big_session))
    job = ExportJob.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == reverse("export_job", args=[job.pk])
    assert len(handed_over) == 1
    assert job.file_format == "pdf"

    services.build_export(job_id=job.pk)

    page = organizer_client.get(asked["Location"]).content.decode()
    link = found(r'href="(/exports/\d+/download)"', page).group(1)
    AccessEntry.objects.all().delete()
    download = organizer_client.get(link)
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(download.streaming_content))
    for name in ("Ahmad Fauzi", "Siti Rahmawati", "Wayan Sudarma"):
        assert name in text
    entry = AccessEntry.objects.get(what="daftar_hadir")
    assert entry.meeting_id == big_session.meeting_id


def test_the_blank_sheet_is_made_in_the_background_too(organizer_client, big_session):
    organizer_client.post(sheet_url(big_session, "attendance:blank_sheet_pdf"))
    job = ExportJob.objects.get()

    services.build_export(job_id=job.pk)

    job.refresh_from_db()
    assert job.state == ExportJob.State.READY
    assert job.filename.startswith("daftar-hadir-kosong-")


def test_another_organizer_cannot_ask_for_the_sheet(client, big_session):
    client.force_login(OrganizerFactory.create())

    assert client.post(sheet_url(big_session)).status_code in (403, 404)
    assert ExportJob.objects.count() == 0


def test_a_table_export_in_pdf_is_a_page_that_does_not_exist(organizer_client, big_session):
    url = reverse("attendance:table_export", args=[big_session.meeting_id, "pdf"])

    assert organizer_client.get(url, {"session": big_session.pk}).status_code == 404


def test_someone_checked_in_to_every_session_counts_once(organizer_client, organizer, monkeypatch):
    monkeypatch.setattr(export_views, "DOCUMENT_ROWS", 2)
    meeting = MeetingFactory.create(sessions=2)
    meeting.organizers.add(organizer)
    first, second = meeting.sessions.order_by("starts_at")
    for name in ("Ahmad Fauzi", "Siti Rahmawati"):
        checkin = CheckInFactory.create(
            session=first,
            invitation__meeting=meeting,
            invitation__member=MemberFactory.create(full_name=name),
        )
        CheckInFactory.create(session=second, invitation=checkin.invitation)

    sheet = organizer_client.get(sheet_url(first))

    assert sheet["Content-Type"] == "application/pdf"  # two people: made at once
    assert ExportJob.objects.count() == 0


def test_the_file_page_leads_back_to_the_page_the_sheet_was_asked_from(
    organizer_client, big_session
):
    dashboard = reverse("attendance:dashboard", args=[big_session.meeting_id])
    asking = organizer_client.get(sheet_url(big_session), headers={"Referer": dashboard})
    assert f'name="back" value="{dashboard}"' in asking.content.decode()

    organizer_client.post(sheet_url(big_session), {"back": dashboard})

    assert ExportJob.objects.get().back_url == dashboard


def test_an_organizer_removed_from_the_meeting_no_longer_downloads_the_sheet(
    organizer_client, organizer, big_session
):
    organizer_client.post(sheet_url(big_session))
    job = ExportJob.objects.get()
    services.build_export(job_id=job.pk)
    big_session.meeting.organizers.remove(organizer)

    assert organizer_client.get(reverse("export_download", args=[job.pk])).status_code == 404


def test_a_download_logs_whom_the_sheet_holds_as_it_was_made(organizer_client, big_session):
    """Someone checked in after the sheet was made is not on it, and is not logged as seen;
    the sheet stays downloadable after its session is removed from the meeting."""
    organizer_client.post(sheet_url(big_session))
    job = ExportJob.objects.get()
    services.build_export(job_id=job.pk)
    printed = set(big_session.checkins.values_list("invitation__member_id", flat=True))
    later = CheckInFactory.create(session=big_session, invitation__meeting=big_session.meeting)
    big_session.checkins.all().delete()
    big_session.delete()
    AccessEntry.objects.all().delete()

    download = organizer_client.get(reverse("export_download", args=[job.pk]))

    assert download.status_code == 200
    entry = AccessEntry.objects.get(what="daftar_hadir")
    logged = AccessedPerson.objects.filter(entry=entry).values_list("member_id", flat=True)
    assert set(logged) == printed
    assert later.invitation.member_id not in printed
