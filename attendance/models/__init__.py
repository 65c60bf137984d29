"""The models of attendance, one module per part: the desk (tickets, operators, scan
attempts), check-ins, the daftar hadir's settings and statuses, online attendance."""

from attendance.models.checkins import REFUSED_ANSWERS, CheckIn, LateSignature, WalkIn
from attendance.models.desk import CheckInOperator, OperatorLink, ScanAttempt, Ticket
from attendance.models.online import (
    OnlineAttendance,
    OnlineReport,
    online_report_path,
    online_reports_storage,
)
from attendance.models.sheets import Attended, Excuse, SheetSettings, Status

__all__ = [
    "REFUSED_ANSWERS",
    "Attended",
    "CheckIn",
    "CheckInOperator",
    "Excuse",
    "LateSignature",
    "OnlineAttendance",
    "OnlineReport",
    "OperatorLink",
    "ScanAttempt",
    "SheetSettings",
    "Status",
    "Ticket",
    "WalkIn",
    "online_report_path",
    "online_reports_storage",
]
