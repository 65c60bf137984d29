"""The meeting's records page, its downloads and its audit trail, for organizers only."""

import pytest
from django.urls import reverse

from records.models import FrozenDocument
from records.services import record_change
from tests.members.factories import OrganizerFactory

from . import support
from .support import page_text, simple_render

Kind = FrozenDocument.Kind


def freeze(meeting, subject, organizer, **overrides):
    return support.freeze(
        meeting, subject, organizer, render=simple_render("Notulen", docx=b"PK word"), **overrides
    )


def test_a_frozen_document_downloads_as_the_same_bytes_every_time(
    organizer_client, meeting, minutes, organizer
):
    document = freeze(meeting, minutes, organizer)
    url = reverse("records:document_download", args=[meeting.pk, document.pk, "pdf"])

    first, second = organizer_client.get(url), organizer_client.get(url)

    assert first.content == second.content == document.pdf_bytes()
    assert first["Content-Type"] == "application/pdf"
    assert first["ETag"] == f'"{document.pdf_sha256}"'
    word = organizer_client.get(
        reverse("records:document_download", args=[meeting.pk, document.pk, "docx"])
    )
    assert word.content == b"PK word"


def test_changing_the_meeting_after_freezing_changes_no_frozen_file(
    organizer_client, meeting, minutes, organizer
):
    document = freeze(meeting, minutes, organizer)
    before = document.pdf_bytes()
    meeting.title = "Judul rapat yang diubah"
    meeting.save()

    url = reverse("records:document_download", args=[meeting.pk, document.pk, "pdf"])
    assert organizer_client.get(url).content == before


def test_the_page_lists_every_version_with_the_replaced_ones_marked(
    organizer_client, meeting, minutes, organizer
):
    freeze(meeting, minutes, organizer)
    freeze(meeting, minutes, organizer, reason="Salah ketik nama narasumber")
    organizer_client.cookies["django_language"] = "en"

    text = page_text(organizer_client.get(reverse("records:meeting_records", args=[meeting.pk])))

    assert "replaced" in text
    assert "current" in text
    assert "Salah ketik nama narasumber" in text


@pytest.mark.parametrize("page", ["records:meeting_records", "records:meeting_audit"])
def test_another_organizer_sees_nothing(client, meeting, minutes, organizer, page):
    document = freeze(meeting, minutes, organizer)
    client.force_login(OrganizerFactory.create())

    assert client.get(reverse(page, args=[meeting.pk])).status_code == 403
    download = reverse("records:document_download", args=[meeting.pk, document.pk, "pdf"])
    assert client.get(download).status_code == 403


@pytest.mark.usefixtures("minutes")
def test_a_document_of_another_meeting_is_not_found_here(organizer_client, meeting, organizer):
    from tests.events.factories import MeetingFactory

    elsewhere = MeetingFactory.create()
    elsewhere.organizers.add(organizer)
    document = freeze(elsewhere, None, organizer, kind=Kind.LAPORAN, title="Laporan")

    url = reverse("records:document_download", args=[meeting.pk, document.pk, "pdf"])
    assert organizer_client.get(url).status_code == 404


def test_the_audit_trail_shows_who_what_when_before_after_and_why(
    organizer_client, meeting, minutes, organizer
):
    freeze(meeting, minutes, organizer)
    freeze(meeting, minutes, organizer, reason="Koreksi daftar keputusan")
    record_change(
        actor="Petugas registrasi",
        meeting=meeting,
        obj=minutes,
        action="attendance.status_changed",
        before={"status": "hadir"},
        after={"status": "izin"},
        reason="Surat izin menyusul",
    )
    organizer_client.cookies["django_language"] = "en"

    text = page_text(organizer_client.get(reverse("records:meeting_audit", args=[meeting.pk])))

    assert "Version replaced by a correction" in text
    assert "Koreksi daftar keputusan" in text
    assert organizer.email in text
    assert "status: hadir → izin" in text
    assert "Surat izin menyusul" in text


def test_the_pages_cost_the_same_queries_with_many_documents(
    organizer_client, meeting, organizer, django_assert_max_num_queries
):
    for session in meeting.sessions.all():
        freeze(meeting, session, organizer, kind=Kind.DAFTAR_HADIR, title=session.title)
        freeze(meeting, session, organizer, kind=Kind.DAFTAR_HADIR, title="x", reason="ralat")

    with django_assert_max_num_queries(12):
        organizer_client.get(reverse("records:meeting_records", args=[meeting.pk]))
    with django_assert_max_num_queries(12):
        organizer_client.get(reverse("records:meeting_audit", args=[meeting.pk]))


def test_the_meeting_page_links_to_its_records_and_trail(organizer_client, meeting):
    page = organizer_client.get(reverse("events:meeting_detail", args=[meeting.pk])).text

    assert reverse("records:meeting_records", args=[meeting.pk]) in page
    assert reverse("records:meeting_audit", args=[meeting.pk]) in page


def test_record_pages_show_each_moment_in_the_meeting_zone_with_its_label(
    organizer_client, meeting, minutes, organizer
):
    """A WITA meeting's records, trail and bundles list say WITA, not the server's WIB."""
    from datetime import UTC, datetime

    from records.models import AuditEntry, RecordBundle

    meeting.time_zone = "Asia/Makassar"
    meeting.save(update_fields=["time_zone"])
    document = freeze(meeting, minutes, organizer)
    at = datetime(2026, 12, 6, 18, 46, 30, tzinfo=UTC)  # 02.46 WITA on 7 December, 01.46 WIB
    FrozenDocument.objects.filter(pk=document.pk).update(frozen_at=at)
    AuditEntry.objects.filter(meeting=meeting).update(at=at)
    bundle = RecordBundle.objects.create(meeting=meeting, requested_by=organizer)
    RecordBundle.objects.filter(pk=bundle.pk).update(requested_at=at)

    records = page_text(organizer_client.get(reverse("records:meeting_records", args=[meeting.pk])))
    trail = page_text(organizer_client.get(reverse("records:meeting_audit", args=[meeting.pk])))

    assert "7 Des 2026 02.46 WITA" in records
    assert "01.46" not in records
    assert "7 Des 2026 02.46.30 WITA" in trail
    assert "01.46" not in trail


def test_the_trail_names_a_late_signature_in_words_and_its_moment_in_the_meeting_zone(
    organizer_client, meeting, minutes
):
    """The action reads in words; a moment kept in the entry's before/after (ISO 8601, in UTC)
    reads in the meeting's zone with its label."""
    meeting.time_zone = "Asia/Makassar"
    meeting.save(update_fields=["time_zone"])
    record_change(
        actor="Panitia",
        meeting=meeting,
        obj=minutes,
        action="signature.added_late",
        before={"signed": False},
        after={
            "signed_at": "2026-12-06T18:50:20.260923+00:00",
            "superseded_at": "2026-12-06T18:50:32.914Z",
        },
        reason="Tiba terlambat",
    )

    text = page_text(organizer_client.get(reverse("records:meeting_audit", args=[meeting.pk])))

    assert "signature.added_late" not in text
    assert "Tanda tangan susulan diizinkan panitia" in text
    assert "Waktu tanda tangan: — → 7 Des 2026 02.50.20 WITA" in text
    assert "Diganti pada: — → 7 Des 2026 02.50.32 WITA" in text
    assert "18:50" not in text
