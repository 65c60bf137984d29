from django.urls import include, path

from .views import (
    audit,
    dashboard,
    excuses,
    online,
    operators,
    scanner,
    scanner_offline,
    self_checkin,
    sheets,
    signing,
    table,
    tickets,
    venue,
)

app_name = "attendance"

# The check-in scanner (attendance/views/scanner.py): for signed-in organizers and operators,
# and the same pages behind an operator link. A desk's scans are the busiest route of all, so
# the link's pages come first, under one prefix.
_SCANNER = [
    ("", scanner.scanner, ""),
    ("search/", scanner.search, "_search"),
    ("manual/", scanner.manual, "_manual"),
    ("recent/", scanner.recent, "_recent"),
    ("manifest.webmanifest", scanner.manifest, "_manifest"),
]
_LINK_DOOR = [
    path("scan/", scanner.link_scan, name="link_scanner_scan"),
    *(path(suffix, view, name=f"link_scanner{name}") for suffix, view, name in _SCANNER),
    path("undo/<int:checkin_pk>/", scanner.undo, name="link_scanner_undo"),
]
urlpatterns: list = [
    path("checkin/<str:secret>/", include(_LINK_DOOR)),
    # Served from above both doors, so that it may control either door's scanner page.
    path(
        "checkin/service-worker.js",
        scanner_offline.service_worker,
        name="scanner_service_worker",
    ),
]
urlpatterns += [
    path(f"meetings/<int:pk>/checkin/{suffix}", view, name=f"scanner{name}")
    for suffix, view, name in [*_SCANNER, ("scan/", scanner.scan, "_scan")]
]
urlpatterns += [
    path(
        "meetings/<int:pk>/checkin/undo/<int:checkin_pk>/",
        scanner.undo,
        name="scanner_undo",
    ),
]

# Operators of a meeting's check-in (attendance/views/operators.py).
urlpatterns += [
    path("meetings/<int:pk>/checkin/operators/", operators.operators, name="operators"),
    path(
        "meetings/<int:pk>/checkin/operators/add/",
        operators.operator_add,
        name="operator_add",
    ),
    path(
        "meetings/<int:pk>/checkin/operators/<int:operator_pk>/remove/",
        operators.operator_remove,
        name="operator_remove",
    ),
    path("meetings/<int:pk>/checkin/links/new/", operators.link_create, name="link_create"),
    path(
        "meetings/<int:pk>/checkin/links/<int:link_pk>/revoke/",
        operators.link_revoke,
        name="link_revoke",
    ),
]

# The ticket picture (attendance/views/tickets.py), the venue screen (venue.py), self check-in
# (self_checkin.py), signing at the desk (signing.py), the dashboard and walk-in review
# (dashboard.py), the attendance table, its exports and the daftar hadir (table.py), the scan
# audit and its exports (audit.py), excuses (excuses.py).
urlpatterns += [
    path("a/<str:secret>/ticket.png", tickets.ticket_png, name="ticket_png"),
    path("a/<str:secret>/join/", online.join, name="join"),
    path("a/<str:secret>/joined/", online.joined, name="joined"),
    path("hadir/<str:code>/", self_checkin.self_checkin, name="self_checkin"),
    path("meetings/<int:pk>/checkin/venue/", venue.venue, name="venue"),
    path("meetings/<int:pk>/checkin/venue/code/", venue.venue_code, name="venue_code"),
    path("meetings/<int:pk>/checkin/sign/<int:checkin_pk>/", signing.sign, name="sign"),
    path("meetings/<int:pk>/attendance/", dashboard.dashboard, name="dashboard"),
    path("meetings/<int:pk>/attendance/live/", dashboard.dashboard_live, name="dashboard_live"),
    path("meetings/<int:pk>/attendance/table/", table.attendance_table, name="table"),
    path("meetings/<int:pk>/attendance/scans/", audit.scan_audit, name="scan_audit"),
    path(
        "meetings/<int:pk>/attendance/scans/export.<str:file_format>",
        audit.scan_audit_export,
        name="scan_audit_export",
    ),
    path(
        "meetings/<int:pk>/attendance/table/export.<str:file_format>",
        table.attendance_table_export,
        name="table_export",
    ),
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/excuse/<int:invitation_pk>/",
        excuses.excuse,
        name="excuse",
    ),
    path(
        "meetings/<int:pk>/attendance/walk-ins/<int:walk_in_pk>/",
        dashboard.walk_in_decide,
        name="walk_in_decide",
    ),
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/daftar-hadir.pdf",
        table.sheet_pdf,
        name="sheet_pdf",
    ),
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/daftar-hadir-kosong.pdf",
        table.blank_sheet_pdf,
        name="blank_sheet_pdf",
    ),
]

# Closing each session's daftar hadir as a record, and its settings (attendance/views/sheets.py).
urlpatterns += [
    path("meetings/<int:pk>/attendance/daftar-hadir/", sheets.sheets, name="sheets"),
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/daftar-hadir/close/",
        sheets.sheet_close,
        name="sheet_close",
    ),
]

# Participant reports of the video platforms, per session (attendance/views/online.py).
urlpatterns += [
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/online/",
        online.online_reports,
        name="online_reports",
    ),
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/online/threshold/",
        online.online_threshold,
        name="online_threshold",
    ),
    path(
        "meetings/<int:pk>/attendance/online/<int:report_pk>/",
        online.online_report,
        name="online_report",
    ),
    path(
        "meetings/<int:pk>/attendance/online/<int:report_pk>/file/",
        online.online_report_file,
        name="online_report_file",
    ),
]
