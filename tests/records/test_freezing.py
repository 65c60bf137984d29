"""Freezing documents: stored once with version, hash and time; corrections make versions."""

import base64
import hashlib
import io

import pytest
import segno
import time_machine
from django.conf import settings
from django.db import IntegrityError, transaction

from records import codes
from records.models import AuditEntry, FrozenDocument, RecordFile
from records.services import (
    NotAPdf,
    ReasonRequired,
    Rendered,
    latest_frozen,
    record_change,
)
from tests.members.factories import MemberFactory
from tests.support.found import present

from .support import freeze, simple_render

Kind = FrozenDocument.Kind


def qr_modules(data_uri: str) -> tuple:
    """The dark and light modules of the QR code a PNG data URI shows (4 pixels a module,
    a border of 2 modules), as segno's matrix writes them."""
    from PIL import Image

    prefix = "data:image/png;base64,"
    assert data_uri.startswith(prefix)
    image = Image.open(io.BytesIO(base64.b64decode(data_uri[len(prefix) :]))).convert("L")
    pixels, width = image.tobytes(), image.width
    size = width // 4 - 4

    def dark(x: int, y: int) -> bool:  # the middle of the module
        return pixels[(4 * (2 + y) + 2) * width + 4 * (2 + x) + 2] < 128

    return tuple(bytearray(dark(x, y) for x in range(size)) for y in range(size))


@time_machine.travel("2021-12-03 10:00 +07:00", tick=False)
def test_a_frozen_document_keeps_its_bytes_with_version_hash_and_time(meeting, minutes, organizer):
    render = simple_render()

    document = freeze(
        meeting,
        minutes,
        organizer,
        render=render,
        signers=["Dr. H. Ahmad Fauzi, M.Pd.", "Rina Marlina, S.Sos."],
    )

    stored = document.pdf_bytes()
    assert stored.startswith(b"%PDF-")
    assert document.version == 1
    assert document.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    assert document.pdf_size == len(stored)
    assert document.frozen_at.isoformat() == "2021-12-03T03:00:00+00:00"
    assert document.frozen_by == organizer
    assert document.subject == minutes
    assert document.signers == ["Dr. H. Ahmad Fauzi, M.Pd.", "Rina Marlina, S.Sos."]
    assert document.is_current
    assert len(render.stamps) == 1  # rendered once


def test_the_stamp_carries_a_code_of_at_least_128_bits_in_groups_and_its_short_url(
    meeting, minutes, organizer
):
    render = simple_render()

    document = freeze(meeting, minutes, organizer, render=render)

    stamp = render.stamps[0]
    groups = stamp.code.split("-")
    assert [len(group) for group in groups] == [4] * 7
    assert len("".join(groups)) * 5 >= 128
    assert stamp.url == f"{settings.SITE_URL}/v/{stamp.code}"
    assert qr_modules(stamp.qr_png) == segno.make(stamp.url, error="m").matrix
    assert stamp.version == 1
    # Only the code's hash is stored, and it finds the document.
    # django-stubs cannot read values() of a model with a GenericForeignKey.
    assert stamp.code not in str(FrozenDocument.objects.values().get())  # type: ignore[misc]
    assert document.code_hash == codes.code_hash(stamp.code)


def test_the_docx_is_stored_beside_the_pdf_with_its_own_hash(meeting, minutes, organizer):
    docx = b"PK\x03\x04 a word document"

    document = freeze(meeting, minutes, organizer, render=simple_render(docx=docx))

    assert document.docx_bytes() == docx
    assert document.docx_sha256 == hashlib.sha256(docx).hexdigest()


def test_a_correction_needs_a_reason_and_leaves_the_first_version_as_it_was(
    meeting, minutes, organizer
):
    first = freeze(meeting, minutes, organizer)
    first_bytes = first.pdf_bytes()

    with pytest.raises(ReasonRequired):
        freeze(meeting, minutes, organizer, reason="  ")
    second = freeze(meeting, minutes, organizer, reason="Salah ketik nama narasumber")

    first.refresh_from_db()
    assert second.version == 2
    assert second.is_current
    assert first.superseded_at == second.frozen_at
    assert first.superseded_by == second
    assert first.pdf_bytes() == first_bytes
    assert latest_frozen(meeting=meeting, kind=Kind.NOTULEN, subject=minutes) == second
    assert FrozenDocument.objects.count() == 2


def test_each_session_numbers_its_own_versions(meeting, organizer):
    first_day, second_day = meeting.sessions.all()

    sheets = [
        freeze(meeting, session, organizer, kind=Kind.DAFTAR_HADIR, title=f"Daftar hadir {n}")
        for n, session in enumerate((first_day, second_day), start=1)
    ]

    assert [sheet.version for sheet in sheets] == [1, 1]
    assert latest_frozen(meeting=meeting, kind=Kind.DAFTAR_HADIR, subject=first_day) == sheets[0]
    assert latest_frozen(meeting=meeting, kind=Kind.DAFTAR_HADIR, subject=second_day) == sheets[1]
    # Without a subject: the current one of that kind frozen last.
    assert latest_frozen(meeting=meeting, kind=Kind.DAFTAR_HADIR) == sheets[1]
    assert latest_frozen(meeting=meeting, kind=Kind.LAPORAN) is None


def test_a_document_without_subject_has_versions_too(meeting, organizer):
    first = freeze(meeting, None, organizer, kind=Kind.SURAT_UNDANGAN, title="Surat undangan")
    ralat = freeze(
        meeting, None, organizer, kind=Kind.SURAT_UNDANGAN, title="Surat undangan", reason="Ralat"
    )

    assert (first.version, ralat.version) == (1, 2)
    assert latest_frozen(meeting=meeting, kind=Kind.SURAT_UNDANGAN) == ralat


def test_a_render_that_fails_leaves_nothing_behind(meeting, minutes, organizer):
    def broken(_stamp):
        raise RuntimeError("font missing")

    with pytest.raises(RuntimeError):
        freeze(meeting, minutes, organizer, render=broken)
    with pytest.raises(NotAPdf):
        freeze(meeting, minutes, organizer, render=lambda _stamp: Rendered(pdf=b"<html>"))

    assert not FrozenDocument.objects.exists()
    assert not RecordFile.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_caller_that_rolls_back_takes_the_frozen_document_with_it(meeting, minutes, organizer):
    class CallerFailed(Exception):
        pass

    def freeze_then_fail() -> None:
        with transaction.atomic():
            freeze(meeting, minutes, organizer)
            raise CallerFailed

    with pytest.raises(CallerFailed):
        freeze_then_fail()

    assert not FrozenDocument.objects.exists()
    assert not RecordFile.objects.exists()


def test_the_database_keeps_one_current_version_per_subject(meeting, minutes, organizer):
    document = freeze(meeting, minutes, organizer)
    # django-stubs cannot read values() of a model with a GenericForeignKey.
    twin = FrozenDocument.objects.values().get(pk=document.pk)  # type: ignore[misc]
    twin.update(id=None, version=2, code_hash="0" * 64)

    with pytest.raises(IntegrityError), transaction.atomic():
        FrozenDocument.objects.create(**twin)


def test_an_unknown_kind_is_refused(meeting, minutes, organizer):
    with pytest.raises(ValueError, match="kuitansi"):
        freeze(meeting, minutes, organizer, kind="kuitansi")


def test_freezing_and_superseding_are_in_the_audit_trail(meeting, minutes, organizer):
    first = freeze(meeting, minutes, organizer)
    second = freeze(meeting, minutes, organizer, reason="Koreksi daftar keputusan")

    entries = {entry.action: entry for entry in AuditEntry.objects.filter(meeting=meeting)}
    frozen = AuditEntry.objects.filter(action="document.frozen", object_id=second.pk).get()
    assert frozen.actor == organizer
    assert organizer.email in frozen.actor_label
    assert frozen.before is None
    assert present(frozen.after)["version"] == 2
    assert present(frozen.after)["pdf_sha256"] == second.pdf_sha256
    assert frozen.reason == "Koreksi daftar keputusan"
    superseded = entries["document.superseded"]
    assert superseded.object_id == first.pk
    assert present(superseded.before)["superseded_at"] is None
    assert present(superseded.after)["superseded_by_version"] == 2
    assert superseded.reason == "Koreksi daftar keputusan"


def test_record_change_names_people_without_an_account_and_the_system(meeting, minutes):
    member = MemberFactory.create(full_name="Siti Aminah")

    by_member = record_change(
        actor=member,
        meeting=meeting,
        obj=minutes,
        action="signature.added",
        before=None,
        after={"signed_at": "2021-11-25T08:12:00+07:00"},
    )
    by_system = record_change(
        actor=None, meeting=meeting, obj=None, action="sheet.closed", before=None, after={}
    )

    assert (by_member.actor, by_member.actor_label) == (None, "Siti Aminah")
    assert by_member.object_repr == f"notulen {meeting.title}"  # in the records' language
    assert by_system.actor_label == "system"
    assert by_system.object_type is None
