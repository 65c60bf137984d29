"""Approved minutes are a record: frozen at approval as the convention writes a notulen, with
what was decided then and the daftar hadir attached; corrections make new versions."""

import io
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader

from attendance.services import close_sheet
from events.services import letters
from outputs import services
from outputs.models import Action, MinutesRevision
from records.models import FrozenDocument
from tests.attendance.factories import CheckInFactory, signature_png
from tests.events.factories import InvitationFactory
from tests.outputs.factories import ActionFactory
from tests.outputs.minutes_world import texts
from tests.support.found import present

pytestmark = pytest.mark.django_db


def pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def approve(minutes, world, **kwargs):
    return services.approve_minutes(
        minutes=minutes,
        approver_name=world.chair.full_name,
        approver_nip=world.chair.nip,
        by=world.chair_user,
        approved_on=date(2021, 12, 3),
        **kwargs,
    )


@pytest.fixture
def issued(world):
    letter = letters.letter_for(meeting=world.meeting)
    letter.letter_date = date(2021, 11, 12)
    letter.place = "Jakarta"
    letter.save()
    letters.finalise_letter(meeting=world.meeting, by=world.organizer)
    return letter


@time_machine.travel("2021-12-03 10:00 +07:00", tick=False)
@pytest.mark.usefixtures("issued")
def test_approval_freezes_the_notulen_as_the_convention_writes_it_with_the_daftar_hadir_attached(
    world, minutes
):
    day_one, _day_two = world.meeting.sessions.all()
    guest = InvitationFactory.create(meeting=world.meeting)
    CheckInFactory.create(invitation=guest, session=day_one, signature=signature_png())
    sheet = close_sheet(session=day_one, by=world.organizer)
    services.save_minutes(
        minutes=minutes,
        sections=texts(minutes, first="Dibuka pukul 08.00."),
        conclusions="",
        by=world.taker_user,
    )

    approved = approve(minutes, world)

    [document] = FrozenDocument.objects.filter(kind=FrozenDocument.Kind.NOTULEN)
    text = pages(document.pdf_bytes())
    first = text[0]
    assert document.subject == approved
    assert document.version == 1
    assert document.signers == ["Dr. Ahmad Chair", "Siti Notulis"]
    assert (
        f"Dasar : Surat Undangan Nomor {world.meeting.letter_number} tanggal 12 November 2021"
        in first
    )
    assert "Peserta : daftar hadir terlampir (1 orang hadir" in first
    assert "1. Pembukaan dan arahan Sekretaris Badan" in " ".join(text)
    everything = " ".join(text)
    assert "Jakarta, 3 Desember 2021" in everything
    assert "Mengetahui, Pimpinan rapat" in everything
    # The lampiran: the closed sheet of day 1 page for page, and day 2 as it stood. Names are
    # compared without spaces: the PDF reader splits a kerned pair ("T aufik") and a name that
    # wraps in its cell.
    name = "".join(guest.member.full_name.split())
    assert any(name in "".join(page.split()) and "Versi 1" in page for page in text[1:])
    assert sheet.pdf_bytes() != document.pdf_bytes()
    assert "Hari 2" in text[-1]
    assert "PRATINJAU" in text[-1]
    record = MinutesRevision.objects.get(approved_version=1).content["record"]
    assert record["basis"]["number"] == world.meeting.letter_number


@time_machine.travel("2021-11-25 17:00 +07:00", tick=False)
def test_minutes_approved_before_a_session_begins_attach_no_sheet_for_it(world, minutes):
    """Day 2 is tomorrow: an empty daftar hadir, certified in advance, would be no record."""
    services.approve_minutes(
        minutes=minutes,
        approver_name=world.chair.full_name,
        approver_nip=world.chair.nip,
        by=world.chair_user,
        approved_on=date(2021, 11, 25),
    )

    [document] = FrozenDocument.objects.filter(kind=FrozenDocument.Kind.NOTULEN)
    text = " ".join(pages(document.pdf_bytes()))
    assert "Hari 1" in text
    assert "Hari 2" not in text


def test_the_frozen_notulen_shows_the_actions_as_decided_whatever_happens_later(
    world, minutes, client
):
    ActionFactory.create(
        meeting=world.meeting,
        title="Menyusun draf pedoman pelatihan",
        due_date=date(2022, 1, 31),
        status=Action.Status.OPEN,
    )
    approve(minutes, world)
    client.force_login(world.organizer)
    before = client.get(f"/meetings/{world.meeting.pk}/minutes.pdf").content

    Action.objects.update(status=Action.Status.DONE, due_date=date(2026, 3, 1))
    after = client.get(f"/meetings/{world.meeting.pk}/minutes.pdf").content
    word = client.get(f"/meetings/{world.meeting.pk}/minutes.docx").content

    frozen = FrozenDocument.objects.get(kind=FrozenDocument.Kind.NOTULEN)
    assert before == after == frozen.pdf_bytes()
    assert word == frozen.docx_bytes()
    text = "".join(" ".join(pages(after)).split())
    assert "31Januari2022" in text
    assert "Terbuka" in text
    assert "2026" not in text.replace(frozen.frozen_at.strftime("%Y"), "")


def test_a_correction_approved_again_is_a_new_version_with_its_reason(world, minutes):
    approve(minutes, world)
    services.start_correction(
        minutes=minutes, by=world.taker_user, reason="Nama narasumber salah ketik"
    )
    services.save_minutes(
        minutes=minutes,
        sections=texts(minutes, first="Diperbaiki."),
        conclusions=None,
        by=world.taker_user,
    )

    approve(minutes, world)

    first, second = FrozenDocument.objects.filter(kind=FrozenDocument.Kind.NOTULEN).order_by(
        "version"
    )
    assert second.version == 2
    assert second.reason == "Nama narasumber salah ketik"
    assert first.superseded_by == second
    assert "Diperbaiki." in " ".join(pages(second.pdf_bytes()))
    assert "Diperbaiki." not in " ".join(pages(first.pdf_bytes()))


def test_approvals_and_corrections_of_the_minutes_are_in_the_audit_trail(world, minutes):
    from records.models import AuditEntry

    approve(minutes, world)
    services.start_correction(
        minutes=minutes, by=world.taker_user, reason="Nama narasumber salah ketik"
    )

    trail = AuditEntry.objects.filter(meeting=world.meeting, action__startswith="minutes.")
    approved, correction = trail.order_by("at", "pk")
    assert (approved.action, approved.actor) == ("minutes.approved", world.chair_user)
    assert present(approved.after)["approver"] == world.chair.full_name
    assert present(approved.after)["version"] == 1
    assert present(approved.after)["approved_at"].startswith("2021-12-03")
    assert (correction.action, correction.actor) == (
        "minutes.correction_started",
        world.taker_user,
    )
    assert correction.before == {"state": "approved", "version": 1}
    assert correction.reason == "Nama narasumber salah ketik"


def test_after_approval_the_organizer_downloads_the_frozen_notulen_from_the_minutes_page(
    client, world, minutes
):
    """The organizer who just approved finds the PDF where they are, not only on the meeting
    page; the chair, who is no organizer, is not offered a download they may not make."""
    from django.urls import reverse

    approve(minutes, world)
    editor = reverse("outputs:minutes", args=[world.meeting.pk])
    pdf = reverse("outputs:minutes_pdf", args=[world.meeting.pk])

    client.force_login(world.organizer)
    page = client.get(editor).text
    download = client.get(pdf)
    client.force_login(world.chair_user)
    chairs_page = client.get(editor).text

    assert f'href="{pdf}"' in page
    assert download.content == FrozenDocument.objects.get(kind="notulen").pdf_bytes()
    assert f'href="{pdf}"' not in chairs_page
