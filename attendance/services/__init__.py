"""Every write that matters about attendance, one function per use case.

checkin.py: scanning tickets, checking in by hand, undoing (scan_reads.py: what a scan reads;
scan_answers.py: what it answers and audits; scan_limits.py: how fast one desk may scan);
operators.py: operator accounts and links; tickets.py: tickets for accepted invitations;
selfcheckin.py: self check-in at the venue and its errors; venue_codes.py: the venue screen's
changing code and the pass it gives; session_hours.py: when a session takes self check-ins and
which session is current; walkins.py: registering, accepting and rejecting walk-ins;
signatures.py: reading a signature pad, signing at the desk, and when signatures close;
sheets.py: closing a session's daftar hadir (frozen through the records app) and its settings;
records.py: excuses (izin) and what the attendance sheet shows; online_checkin.py: online
check-in; online_reports.py: the video platforms' participant reports (hybrid and online
meetings), read and previewed; online_import.py: importing one; online_threshold.py: the
minutes online that make someone present.
Each module's public functions are exported here.
"""

from . import checkin
from .checkin import CheckInError, check_in_by_hand, scan_ticket, undo_check_in
from .online_checkin import online_check_in, online_join_context
from .operators import (
    add_operator,
    create_operator_link,
    operator_link_for_secret,
    remove_operator,
    revoke_operator_link,
)
from .records import ExcuseInvalid, record_excuse, remove_excuse
from .scan_answers import ScanResult
from .scan_reads import Desk, scan_desk, scan_desk_for_link
from .selfcheckin import (
    NotAllowed,
    SelfCheckInError,
    SessionClosed,
    self_check_in,
)
from .sheets import (
    SheetError,
    SheetSettingsData,
    close_sheet,
    save_sheet_settings,
    sheet_statuses,
)
from .signatures import (
    LateSignatureRefused,
    SignatureInvalid,
    decode_signature,
    sheet_settings,
    sign_check_in,
    signatures_close_at,
    signatures_closed,
)
from .tickets import (
    holds_ticket,
    qr_svg,
    send_ticket_confirmation,
    ticket_context,
    ticket_for,
    ticket_png,
)
from .venue_codes import (
    CodeExpired,
    CodeInvalid,
    issue_pass,
    session_for_code,
    session_for_pass,
    venue_code,
)
from .walkins import (
    WalkInAgencyNeeded,
    WalkInDecided,
    WalkInExists,
    accept_walk_in,
    register_walk_in,
    reject_walk_in,
)

__all__ = [
    "CheckInError",
    "CodeExpired",
    "CodeInvalid",
    "Desk",
    "ExcuseInvalid",
    "LateSignatureRefused",
    "NotAllowed",
    "ScanResult",
    "SelfCheckInError",
    "SessionClosed",
    "SheetError",
    "SheetSettingsData",
    "SignatureInvalid",
    "WalkInAgencyNeeded",
    "WalkInDecided",
    "WalkInExists",
    "accept_walk_in",
    "add_operator",
    "check_in_by_hand",
    "checkin",
    "close_sheet",
    "create_operator_link",
    "decode_signature",
    "holds_ticket",
    "issue_pass",
    "online_check_in",
    "online_join_context",
    "operator_link_for_secret",
    "qr_svg",
    "record_excuse",
    "register_walk_in",
    "reject_walk_in",
    "remove_excuse",
    "remove_operator",
    "revoke_operator_link",
    "save_sheet_settings",
    "scan_desk",
    "scan_desk_for_link",
    "scan_ticket",
    "self_check_in",
    "send_ticket_confirmation",
    "session_for_code",
    "session_for_pass",
    "sheet_settings",
    "sheet_statuses",
    "sign_check_in",
    "signatures_close_at",
    "signatures_closed",
    "ticket_context",
    "ticket_for",
    "ticket_png",
    "undo_check_in",
    "venue_code",
]
