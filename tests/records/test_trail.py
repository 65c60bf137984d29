"""The audit trail reads in words: every action Rakor writes to it has a label, and the keys
and values of before and after read as an organizer would say them."""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from attendance.services import sign_check_in, undo_check_in
from records import trail
from tests.attendance.factories import CheckInFactory, signature_png

from .support import page_text

ACTION_CODE = re.compile(r"[a-z_]+\.[a-z_]+")
NOT_CODE = {"bench", "tests", "node_modules", "static", "templates", "locale", "var"}


def _action_codes_in(tree: ast.AST) -> set[str]:
    """The dotted strings given as `action=` to any call (record_change, or a service's own
    _audit helper), including those chosen by a conditional expression."""
    codes = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "action":
            for inner in ast.walk(node.value):
                if (
                    isinstance(inner, ast.Constant)
                    and isinstance(inner.value, str)
                    and ACTION_CODE.fullmatch(inner.value)
                ):
                    codes.add(inner.value)
    return codes


def action_codes_in_the_code_base() -> set[str]:
    base = Path(settings.BASE_DIR)
    codes = set()
    for package in base.iterdir():
        if package.name in NOT_CODE or not (package / "__init__.py").exists():
            continue
        for source in package.rglob("*.py"):
            codes |= _action_codes_in(ast.parse(source.read_text(), filename=str(source)))
    return codes


def test_every_action_written_to_the_trail_has_a_label():
    codes = action_codes_in_the_code_base()

    # The scan finds the actions of each app that writes to the trail…
    assert {
        "attendance.checkin_undone",
        "signature.added",
        "signature.replaced",
        "minutes.approved",
        "document.frozen",
    } <= codes
    # …and each has its words.
    assert sorted(codes - set(trail.ACTION_LABELS)) == []


def test_an_action_without_a_label_is_found():
    source = 'record_change(actor=None, action="signature.stamped" if late else "x.y")'

    assert _action_codes_in(ast.parse(source)) == {"signature.stamped", "x.y"}


def test_the_trail_of_a_signed_then_undone_check_in_reads_in_words(
    organizer_client, organizer, meeting
):
    checkin = CheckInFactory.create(invitation__meeting=meeting, operator_name="Meja 1")
    sign_check_in(checkin=checkin, signature=signature_png(), now=checkin.session.starts_at)
    undo_check_in(checkin=checkin, operator=organizer)

    text = page_text(organizer_client.get(reverse("records:meeting_audit", args=[meeting.pk])))

    assert "Tanda tangan dibubuhkan" in text
    assert "Sudah bertanda tangan: Tidak → Ya" in text
    assert "Registrasi dibatalkan" in text
    assert "Cara registrasi: Pemindaian tiket → —" in text
    assert "Dicatat oleh: Meja 1 → —" in text
    assert "Sudah bertanda tangan: Ya → —" in text
    for raw in ("attendance.checkin_undone", "signature.added", "method:", "signed:", "by:"):
        assert raw not in text
    assert "True" not in text
    assert "False" not in text
    # What changed is named in Indonesian too, whatever language the organizer reads Rakor in.
    person, session = checkin.invitation.member.full_name, checkin.session.title
    assert f"registrasi kehadiran {person} pada {session}" in text
    assert "→ " + meeting.title not in text


def test_minutes_states_and_document_kinds_read_as_their_labels():
    class Entry:
        before = {"state": "in_review", "kind": "notulen", "signers": ["A", "B"]}
        after = {"state": "approved", "kind": "notulen", "signers": ["A", "B"]}

    with translation.override("id"):  # another test may have left another language active
        shown = {label: (before, after) for label, before, after in trail.changes(Entry())}

    assert shown["Status"] == ("Dalam reviu", "Disetujui")
    assert shown["Jenis"] == ("Notulen", "Notulen")
    assert shown["Nama penanda tangan yang tercetak pada dokumen"] == ("A; B", "A; B")
