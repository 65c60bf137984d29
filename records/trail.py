"""How the audit trail reads: the one mapping from what services write to the trail (an action
code such as "attendance.checkin_undone", the keys and values of its before and after) to words
an organizer reads. Every action code the code base writes has a label here
(tests/records/test_trail.py fails on one without); a code or key written before this knew it
is shown as it is stored."""

from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import format_stamp

ACTION_LABELS = {
    # records
    "document.frozen": gettext_lazy("Document frozen"),
    "document.superseded": gettext_lazy("Version replaced by a correction"),
    "bundle.requested": gettext_lazy("SPJ bundle asked for"),
    "bundle.downloaded": gettext_lazy("SPJ bundle downloaded"),
    "bundle.exported": gettext_lazy("SPJ bundle exported from the command line"),
    # attendance
    "attendance.excused": gettext_lazy("Absence excused"),
    "attendance.excuse_removed": gettext_lazy("Excuse taken back"),
    "attendance.checkin_undone": gettext_lazy("Check-in undone"),
    "signature.added": gettext_lazy("Signature added"),
    "signature.replaced": gettext_lazy("Signature replaced"),
    "signature.added_late": gettext_lazy("Late signature allowed by an organizer"),
    "daftar_hadir.settings_changed": gettext_lazy("Daftar hadir settings changed"),
    "online_report.downloaded": gettext_lazy("Online attendance report downloaded"),
    "online_report.imported": gettext_lazy("Online attendance report imported"),
    "online.threshold_changed": gettext_lazy("Online attendance threshold changed"),
    # outputs
    "minutes.approved": gettext_lazy("Minutes approved"),
    "minutes.correction_started": gettext_lazy("Correction of the minutes started"),
}

# The keys of before and after, whichever action wrote them.
FIELD_LABELS = {
    "person": gettext_lazy("Name"),
    "session": gettext_lazy("Session"),
    "reason": gettext_lazy("Reason"),
    "excused": gettext_lazy("Excused"),
    "signed": gettext_lazy("Signed"),
    "signed_at": gettext_lazy("Signed at"),
    "checked_in_at": gettext_lazy("Checked in at"),
    "method": gettext_lazy("How"),
    "by": gettext_lazy("Recorded by"),
    "report": gettext_lazy("Online report no."),
    "file": gettext_lazy("File"),
    "platform": gettext_lazy("Platform"),
    "sha256": gettext_lazy("SHA-256 of the file"),
    "matched": gettext_lazy("Matched"),
    "checked_in": gettext_lazy("Made present"),
    "added": gettext_lazy("Added to the meeting"),
    "signature_grace_minutes": gettext_lazy("Minutes to sign after a session ends"),
    "certifier": gettext_lazy("Certified by"),
    "certifier_name": gettext_lazy("Certifier's name"),
    "certifier_nip": gettext_lazy("Certifier's NIP"),
    "place": gettext_lazy("Place"),
    "online_threshold_minutes": gettext_lazy("Minutes online to count as present"),
    "bundle": gettext_lazy("SPJ bundle no."),
    "size": gettext_lazy("Size (bytes)"),
    "files": gettext_lazy("Number of files"),
    "output": gettext_lazy("Written to"),
    "kind": gettext_lazy("Kind"),
    "title": gettext_lazy("Title"),
    "version": gettext_lazy("Version"),
    "pdf_sha256": gettext_lazy("SHA-256 (PDF)"),
    "docx_sha256": gettext_lazy("SHA-256 (Word)"),
    "signers": gettext_lazy("Signers' names printed on the document"),
    "superseded_at": gettext_lazy("Replaced at"),
    "superseded_by_version": gettext_lazy("Replaced by version"),
    "state": gettext_lazy("State"),
    "approver": gettext_lazy("Approved by"),
    "approver_nip": gettext_lazy("Approver's NIP"),
    "approved_at": gettext_lazy("Approved at"),
}


def _choices() -> dict:
    """The keys whose value is a code of a model's TextChoices, with those choices."""
    from attendance.models import CheckIn, OnlineReport, SheetSettings
    from outputs.models import Minutes

    from .models import FrozenDocument

    return {
        "method": CheckIn.Method,
        "platform": OnlineReport.Platform,
        "certifier": SheetSettings.Certifier,
        "state": Minutes.State,
        "kind": FrozenDocument.Kind,
    }


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def field_label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key))


def shown_value(key: str, value, zone_name: str | None = None) -> object:
    """`value` of `key` as it reads: yes or no, a code's label, a list joined, a moment (the
    services store it as ISO 8601, often in UTC) in `zone_name`, the meeting's, with its label,
    like every other moment of the meeting. None stays None (the template shows a dash)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, str):
        choices = _choices().get(key)
        if choices is not None and value in choices.values:
            return str(choices(value).label)
        return _moment(value, zone_name)
    return value


def _moment(value: str, zone_name: str | None) -> str:
    if "T" in value and len(value) >= 19:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return format_stamp(moment, zone_name, seconds=True)
    return value


def changes(entry, zone_name: str | None = None) -> list[tuple[str, object, object]]:
    """(label, before, after) for every key the entry's before or after names, in words."""
    before, after = entry.before or {}, entry.after or {}
    return [
        (
            field_label(key),
            shown_value(key, before.get(key), zone_name),
            shown_value(key, after.get(key), zone_name),
        )
        for key in dict.fromkeys([*before, *after])
    ]
