"""Who may see and download a meeting's records: its organizers and staff, nobody else.

The public verification page needs no permission: it shows only what the document prints."""

import rules

from events.models import Meeting


@rules.predicate
def organizes_meeting(user, meeting: Meeting | None) -> bool:
    if meeting is None or not user.is_authenticated:
        return False
    return meeting.organizers.filter(pk=user.pk).exists()


is_staff_or_organizer = rules.is_staff | organizes_meeting

# Frozen documents (every version), the audit trail, and the SPJ bundle with its personal data.
rules.add_perm("records.view_records", is_staff_or_organizer)
rules.add_perm("records.download_bundle", is_staff_or_organizer)
