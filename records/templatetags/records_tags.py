from datetime import datetime

from django import template
from django.utils.translation import gettext_lazy as _

from core.dates import format_stamp

register = template.Library()

# What the records app writes to the trail; other apps' actions are shown by their name.
ACTION_LABELS = {
    "document.frozen": _("Document frozen"),
    "document.superseded": _("Version replaced by a correction"),
    "bundle.requested": _("SPJ bundle asked for"),
    "bundle.downloaded": _("SPJ bundle downloaded"),
    "bundle.exported": _("SPJ bundle exported from the command line"),
    # Written by the attendance app (attendance/services): named here, where the trail is shown.
    "signature.added_late": _("Late signature allowed by an organizer"),
    "daftar_hadir.settings_changed": _("Daftar hadir settings changed"),
}


@register.filter
def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


@register.filter
def changes(entry, zone_name: str | None = None) -> list[tuple[str, object, object]]:
    """(field, before, after) for every field the entry's before or after names; a moment (the
    services store it as ISO 8601, often in UTC) is shown in `zone_name`, the meeting's, with
    its label, like every other moment of the meeting."""
    before, after = entry.before or {}, entry.after or {}
    return [
        (key, _shown(before.get(key), zone_name), _shown(after.get(key), zone_name))
        for key in dict.fromkeys([*before, *after])
    ]


def _shown(value, zone_name: str | None):
    if isinstance(value, str) and "T" in value and len(value) >= 19:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return format_stamp(moment, zone_name, seconds=True)
    return value
