"""Who may see and download a meeting's records: its organizers and staff, nobody else.

The public verification page needs no permission: it shows only what the document prints."""

from events.permissions import is_meeting_organizer, meeting_permission_required

# Frozen documents (every version), the audit trail, and the SPJ bundle with its personal data.
may_see_records = is_meeting_organizer
records_reader_required = meeting_permission_required(may_see_records)
