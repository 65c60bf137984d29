"""Whether a meeting's forms ask for a mobile number, and the purpose they say when they do
(UU 27/2022 Art. 16(2)(b), 27–28)."""

from events.models import Meeting

from .models import MeetingPhoneUse


def phone_purpose(meeting: Meeting | None) -> str:
    """The purpose, as a phrase in the active language, or "" when the meeting uses no mobile
    numbers (then its forms do not ask for one). One query, or none when already read."""
    if meeting is None:
        return ""
    try:
        use = meeting.phone_use
    except MeetingPhoneUse.DoesNotExist:
        return ""
    return str(use.get_purpose_display())


def ask_phone(form, meeting: Meeting | None, field: str = "phone") -> str:
    """Keep `form`'s mobile-number field only when the meeting uses the numbers, with the
    purpose as its help text; returns the purpose ("" when the field was removed)."""
    purpose = phone_purpose(meeting)
    if not purpose:
        form.fields.pop(field, None)
    elif field in form.fields:
        form.fields[field].help_text = purpose
    return purpose
