from django.urls import include, path

from . import operator_views, scanner_offline, scanner_views

app_name = "attendance"

# The check-in scanner (attendance/scanner_views.py): for signed-in organizers and operators,
# and the same pages behind an operator link. A desk's scans are the busiest route of all, so
# the link's pages come first, under one prefix.
_SCANNER = [
    ("", scanner_views.scanner, ""),
    ("search/", scanner_views.search, "_search"),
    ("manual/", scanner_views.manual, "_manual"),
    ("recent/", scanner_views.recent, "_recent"),
    ("manifest.webmanifest", scanner_views.manifest, "_manifest"),
]
_LINK_DOOR = [
    path("scan/", scanner_views.link_scan, name="link_scanner_scan"),
    *(path(suffix, view, name=f"link_scanner{name}") for suffix, view, name in _SCANNER),
    path("undo/<int:checkin_pk>/", scanner_views.undo, name="link_scanner_undo"),
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
    for suffix, view, name in [*_SCANNER, ("scan/", scanner_views.scan, "_scan")]
]
urlpatterns += [
    path(
        "meetings/<int:pk>/checkin/undo/<int:checkin_pk>/",
        scanner_views.undo,
        name="scanner_undo",
    ),
]

# Operators of a meeting's check-in (attendance/operator_views.py).
urlpatterns += [
    path("meetings/<int:pk>/checkin/operators/", operator_views.operators, name="operators"),
    path(
        "meetings/<int:pk>/checkin/operators/add/",
        operator_views.operator_add,
        name="operator_add",
    ),
    path(
        "meetings/<int:pk>/checkin/operators/<int:operator_pk>/remove/",
        operator_views.operator_remove,
        name="operator_remove",
    ),
    path("meetings/<int:pk>/checkin/links/new/", operator_views.link_create, name="link_create"),
    path(
        "meetings/<int:pk>/checkin/links/<int:link_pk>/revoke/",
        operator_views.link_revoke,
        name="link_revoke",
    ),
]

# The ticket picture (ticket_views.py), the venue screen (venue_views.py), self check-in
# (selfcheckin_views.py), signing at the desk (sign_views.py), the dashboard and walk-in review
# (dashboard_views.py), the attendance table, its exports and the daftar hadir
# (table_views.py), excuses (excuse_views.py).
from . import (  # noqa: E402
    dashboard_views,
    excuse_views,
    online_views,
    selfcheckin_views,
    sign_views,
    table_views,
    ticket_views,
    venue_views,
)

urlpatterns += [
    path("a/<str:secret>/ticket.png", ticket_views.ticket_png, name="ticket_png"),
    path("a/<str:secret>/join/", online_views.join, name="join"),
    path("a/<str:secret>/joined/", online_views.joined, name="joined"),
    path("hadir/<str:code>/", selfcheckin_views.self_checkin, name="self_checkin"),
    path("meetings/<int:pk>/checkin/venue/", venue_views.venue, name="venue"),
    path("meetings/<int:pk>/checkin/venue/code/", venue_views.venue_code, name="venue_code"),
    path("meetings/<int:pk>/checkin/sign/<int:checkin_pk>/", sign_views.sign, name="sign"),
    path("meetings/<int:pk>/attendance/", dashboard_views.dashboard, name="dashboard"),
    path(
        "meetings/<int:pk>/attendance/live/", dashboard_views.dashboard_live, name="dashboard_live"
    ),
    path("meetings/<int:pk>/attendance/table/", table_views.attendance_table, name="table"),
    path(
        "meetings/<int:pk>/attendance/table/export.<str:file_format>",
        table_views.attendance_table_export,
        name="table_export",
    ),
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/excuse/<int:invitation_pk>/",
        excuse_views.excuse,
        name="excuse",
    ),
    path(
        "meetings/<int:pk>/attendance/walk-ins/<int:walk_in_pk>/",
        dashboard_views.walk_in_decide,
        name="walk_in_decide",
    ),
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/daftar-hadir.pdf",
        table_views.sheet_pdf,
        name="sheet_pdf",
    ),
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/daftar-hadir-kosong.pdf",
        table_views.blank_sheet_pdf,
        name="blank_sheet_pdf",
    ),
]

# Closing each session's daftar hadir as a record, and its settings (attendance/sheet_views.py).
from . import sheet_views  # noqa: E402

urlpatterns += [
    path("meetings/<int:pk>/attendance/daftar-hadir/", sheet_views.sheets, name="sheets"),
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/daftar-hadir/close/",
        sheet_views.sheet_close,
        name="sheet_close",
    ),
]

# Participant reports of the video platforms, per session (attendance/online_views.py).
urlpatterns += [
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/online/",
        online_views.online_reports,
        name="online_reports",
    ),
    path(
        "meetings/<int:pk>/attendance/<int:session_pk>/online/threshold/",
        online_views.online_threshold,
        name="online_threshold",
    ),
    path(
        "meetings/<int:pk>/attendance/online/<int:report_pk>/",
        online_views.online_report,
        name="online_report",
    ),
    path(
        "meetings/<int:pk>/attendance/online/<int:report_pk>/file/",
        online_views.online_report_file,
        name="online_report_file",
    ),
]
