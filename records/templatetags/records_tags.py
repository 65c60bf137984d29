from django import template
from django.utils.translation import gettext_lazy as _

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
def changes(entry) -> list[tuple[str, object, object]]:
    """(field, before, after) for every field the entry's before or after names."""
    before, after = entry.before or {}, entry.after or {}
    return [(key, before.get(key), after.get(key)) for key in dict.fromkeys([*before, *after])]
