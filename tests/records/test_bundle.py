"""The SPJ bundle: one ZIP per meeting with its records, lists, photos and manifest.json."""

import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from events.models import Invitation
from outputs.models import Document
from personal_data.models import AccessedPerson, AccessEntry
from records.models import AuditEntry, FrozenDocument, RecordBundle
from records.services import build_bundle, sweep_bundles
from tests.attendance.factories import CheckInFactory
from tests.events.factories import AgendaItemFactory, InvitationFactory
from tests.members.factories import MemberFactory, OrganizerFactory, UserFactory
from tests.support.found import first_sheet, present

from .support import freeze, simple_render

Kind = FrozenDocument.Kind


@pytest.fixture
def world(meeting, minutes, organizer, file_storages):  # noqa: ARG001 (requested for its effect)
    """A meeting with two sessions, a frozen daftar hadir for the first, the notulen in two
    versions, a narasumber on the agenda of the first session, a material and a photo."""
    first, second = meeting.sessions.all()
    speaker = MemberFactory.create(full_name="Prof. Dr. Siti Nurhaliza", nip="197001011995032001")
    invitation = InvitationFactory.create(
        meeting=meeting, member=speaker, role=Invitation.Role.SPEAKER, answer="yes"
    )
    CheckInFactory.create(invitation=invitation, session=first)
    AgendaItemFactory.create(
        meeting=meeting, session=first, title="Kurikulum pranata humas", speaker=speaker.full_name
    )
    AgendaItemFactory.create(
        meeting=meeting, session=second, title="Diskusi panel", moderator="Bambang Sutrisno"
    )

    sheet = freeze(meeting, first, organizer, kind=Kind.DAFTAR_HADIR, title="Daftar Hadir Hari 1")
    notulen_render = simple_render("Notulen", docx=b"PK word")
    freeze(meeting, minutes, organizer, render=notulen_render)
    notulen = freeze(meeting, minutes, organizer, render=notulen_render, reason="Koreksi")
    for kind, title, content in (
        (Document.Kind.MATERIAL, "Paparan kurikulum", b"%PDF-1.7 slides"),
        (Document.Kind.PHOTO, "Foto bersama", b"\xff\xd8\xff\xe0 jpeg"),
    ):
        Document.objects.create(
            meeting=meeting,
            kind=kind,
            title=title,
            file=ContentFile(content, name="x"),
            original_name="foto.jpg" if kind == Document.Kind.PHOTO else "paparan.pdf",
            content_type="image/jpeg" if kind == Document.Kind.PHOTO else "application/pdf",
            size=len(content),
            uploaded_by=organizer,
        )
    return {"sheet": sheet, "notulen": notulen}


def exported(meeting, tmp_path) -> zipfile.ZipFile:
    output = tmp_path / "spj.zip"
    call_command("export_records", meeting.pk, output=str(output), stdout=io.StringIO())
    return zipfile.ZipFile(output)


def test_export_records_writes_the_bundle_with_its_manifest(meeting, world, tmp_path):
    archive = exported(meeting, tmp_path)

    manifest = json.loads(archive.read("manifest.json"))
    by_kind: dict[str, list] = {}
    for entry in manifest["files"]:
        by_kind.setdefault(entry["kind"], []).append(entry)
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    (sheet,) = by_kind[Kind.DAFTAR_HADIR]
    assert archive.read(sheet["path"]) == world["sheet"].pdf_bytes()
    assert (sheet["version"], sheet["frozen"], sheet["signed"]) == (1, True, False)
    notulen_pdf, notulen_docx = by_kind[Kind.NOTULEN]
    assert notulen_pdf["version"] == 2  # the current version, not the one it corrects
    assert archive.read(notulen_pdf["path"]) == world["notulen"].pdf_bytes()
    assert notulen_docx["path"].endswith(".docx")
    assert by_kind["photo"][0]["path"].startswith("08-dokumentasi/")
    assert archive.read(by_kind["photo"][0]["path"]) == b"\xff\xd8\xff\xe0 jpeg"
    assert {"speakers", "agenda", "materials"} <= set(by_kind)
    assert all(not entry["frozen"] for entry in by_kind["speakers"] + by_kind["agenda"])
    missing = {item["kind"] for item in manifest["missing"]}
    assert missing == {Kind.SURAT_UNDANGAN, Kind.LAPORAN, Kind.DAFTAR_HADIR}  # day 2's sheet
    assert AuditEntry.objects.filter(action="bundle.exported", meeting=meeting).exists()


@pytest.mark.usefixtures("world")
def test_sections_are_numbered_once_each_in_order_and_stored_in_that_order(
    meeting, organizer, tmp_path
):
    freeze(meeting, meeting, organizer, kind=Kind.SURAT_UNDANGAN, title="Surat Undangan")
    freeze(meeting, meeting, organizer, kind=Kind.LAPORAN, title="Laporan Kegiatan")
    second = meeting.sessions.order_by("starts_at")[1]
    freeze(meeting, second, organizer, kind=Kind.DAFTAR_HADIR, title="Daftar Hadir Hari 2")

    archive = exported(meeting, tmp_path)

    stored = [name for name in archive.namelist() if name != "manifest.json"]
    sections = list(dict.fromkeys(name.split("/")[0] for name in stored))
    assert sections == [
        "01-surat-undangan",
        "02-daftar-hadir",
        "03-narasumber-moderator.xlsx",
        "04-notulen",
        "05-laporan",
        "06-susunan-acara.pdf",
        "07-daftar-materi.xlsx",
        "08-dokumentasi",
    ]
    # Each section once, its entries together, in the order of their numbers.
    numbers = [int(name[:2]) for name in stored]
    assert numbers == sorted(numbers)
    assert [int(section[:2]) for section in sections] == list(range(1, len(sections) + 1))
    sheets = [name for name in stored if name.startswith("02-daftar-hadir/")]
    assert [name.split("/")[1][:3] for name in sheets] == ["01-", "02-"]
    manifest = json.loads(archive.read("manifest.json"))
    assert [entry["path"] for entry in manifest["files"]] == stored
    assert manifest["missing"] == []


@pytest.mark.usefixtures("signing")
def test_only_the_signed_pdf_has_a_signature_level_in_the_manifest(
    meeting, minutes, organizer, tmp_path
):
    freeze(meeting, minutes, organizer, render=simple_render("Notulen", docx=b"PK word"))

    archive = exported(meeting, tmp_path)

    files = json.loads(archive.read("manifest.json"))["files"]
    (pdf,) = [entry for entry in files if entry["path"].endswith(".pdf") and entry["frozen"]]
    (docx,) = [entry for entry in files if entry["path"].endswith(".docx")]
    assert (pdf["signed"], pdf["signature_level"]) == (True, "PAdES B-LTA")
    assert (docx["signed"], docx["signature_level"]) == (False, None)
    assert all(entry["signature_level"] is None for entry in files if not entry["signed"])


@pytest.mark.usefixtures("world")
def test_the_speaker_list_names_each_narasumber_and_moderator_with_their_sessions(
    meeting, tmp_path
):

    archive = exported(meeting, tmp_path)

    sheet = first_sheet(archive.read("03-narasumber-moderator.xlsx"))
    rows = [[cell or "" for cell in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    speaker = next(row for row in rows if row[1] == "Prof. Dr. Siti Nurhaliza")
    assert speaker[2] == "197001011995032001"
    assert speaker[6] == "Narasumber"
    assert speaker[7] == "Hari 1"
    assert speaker[8] == "Kurikulum pranata humas"
    assert speaker[9] == "Hari 1"
    moderator = next(row for row in rows if row[1] == "Bambang Sutrisno")
    assert (moderator[6], moderator[7]) == ("Moderator", "Hari 2")


@pytest.mark.usefixtures("world")
def test_an_organizer_builds_it_from_the_meeting_page_and_downloads_it(
    organizer_client, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(reverse("records:bundle_request", args=[meeting.pk]))
    bundle = RecordBundle.objects.get()
    page = organizer_client.get(reverse("records:meeting_records", args=[meeting.pk]))
    download = organizer_client.get(
        reverse("records:bundle_download", args=[meeting.pk, bundle.pk])
    )

    assert response.status_code == 302
    assert bundle.state == RecordBundle.State.READY
    assert bundle.expires_at == present(bundle.built_at) + timedelta(days=7)
    assert reverse("records:bundle_download", args=[meeting.pk, bundle.pk]) in page.text
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "manifest.json" in archive.namelist()
    assert download["Content-Disposition"].startswith("attachment;")
    assert AuditEntry.objects.filter(action="bundle.downloaded", object_id=bundle.pk).exists()


@pytest.mark.usefixtures("world")
def test_asking_twice_while_it_is_built_makes_one_bundle(organizer_client, meeting):
    for _ in range(2):
        organizer_client.post(reverse("records:bundle_request", args=[meeting.pk]))

    assert RecordBundle.objects.count() == 1
    bundle = RecordBundle.objects.get()
    assert present(build_bundle(bundle_id=bundle.pk)).state == RecordBundle.State.READY
    assert build_bundle(bundle_id=bundle.pk) is None  # a repeated task does nothing


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("another organizer", 403), ("staff", 200)]
)
@pytest.mark.usefixtures("world")
def test_only_the_meetings_organizers_and_staff_download_it(client, meeting, who, status):
    bundle = RecordBundle.objects.create(meeting=meeting)
    build_bundle(bundle_id=bundle.pk)
    if who == "another organizer":
        client.force_login(OrganizerFactory.create())
    elif who == "staff":
        client.force_login(UserFactory.create(is_staff=True))

    response = client.get(reverse("records:bundle_download", args=[meeting.pk, bundle.pk]))

    assert response.status_code == status


@pytest.mark.usefixtures("world")
def test_a_bundle_is_gone_after_seven_days(organizer_client, meeting, file_storages):
    bundle = present(build_bundle(bundle_id=RecordBundle.objects.create(meeting=meeting).pk))
    stored = file_storages / "records" / bundle.file.name
    assert stored.exists()

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        response = organizer_client.get(
            reverse("records:bundle_download", args=[meeting.pk, bundle.pk])
        )
        swept = sweep_bundles()

    bundle.refresh_from_db()
    assert response.status_code == 404
    assert swept["expired"] == 1
    assert bundle.state == RecordBundle.State.EXPIRED
    assert not stored.exists()


@pytest.mark.usefixtures("world")
def test_the_sweeper_hands_over_a_bundle_the_broker_lost(meeting):
    bundle = RecordBundle.objects.create(meeting=meeting)

    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        swept = sweep_bundles()  # tasks run inline in the tests

    bundle.refresh_from_db()
    assert swept["handed_over"] == 1
    assert bundle.state == RecordBundle.State.READY


@pytest.mark.usefixtures("world")
def test_a_withdrawn_narasumber_is_not_on_the_speaker_list(meeting, tmp_path):

    from events.services import withdraw_invitation

    replaced = InvitationFactory.create(
        meeting=meeting,
        member=MemberFactory.create(full_name="Dr. Bambang Wibisono"),
        role=Invitation.Role.SPEAKER,
        answer="yes",
    )
    withdraw_invitation(invitation=replaced, withdrawn_by=None)

    archive = exported(meeting, tmp_path)

    sheet = first_sheet(archive.read("03-narasumber-moderator.xlsx"))
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Prof. Dr. Siti Nurhaliza" in names
    assert "Dr. Bambang Wibisono" not in names


@pytest.mark.usefixtures("tmp_path")
def test_export_records_starts_from_the_command_line():
    """`manage.py export_records` in a fresh process, as an archivist runs it: its modules
    load in the order the command imports them (within the test process they were loaded
    long before, which hid an import cycle)."""
    import subprocess
    import sys

    from django.conf import settings

    command = [sys.executable, "manage.py", "export_records", "--help"]
    done = subprocess.run(
        command, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120, check=False
    )

    assert done.returncode == 0, done.stderr
    assert "--output" in done.stdout


@pytest.mark.usefixtures("world")
def test_a_download_is_in_the_access_log_with_the_meetings_people(
    organizer_client, organizer, meeting
):
    bundle = present(build_bundle(bundle_id=RecordBundle.objects.create(meeting=meeting).pk))

    organizer_client.get(reverse("records:bundle_download", args=[meeting.pk, bundle.pk]))

    entry = AccessEntry.objects.get(what="spj_bundle")
    shown = set(AccessedPerson.objects.filter(entry=entry).values_list("member_id", flat=True))
    assert entry.user == organizer
    assert entry.meeting == meeting
    assert shown
    assert shown == set(
        Invitation.objects.filter(meeting=meeting).values_list("member_id", flat=True)
    )
