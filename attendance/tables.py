from datetime import timedelta
from zoneinfo import ZoneInfo

import django_tables2 as tables
from django.http import Http404
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.dates import format_stamp, zone_label
from core.exports import ExportTable, gated, sort_table
from core.tables import MomentColumn, MomentISOColumn
from events.models import Invitation, Meeting
from events.permissions import is_meeting_organizer
from events.tables import PagedTable
from personal_data.models import Access

from . import selectors
from .filters import AttendanceFilter, ScanAuditFilter
from .models import Attended, CheckIn, ScanAttempt, Status
from .services import session_hours
from .services.own_checkin import OWN_WAYS

STATUS_BADGES = {
    Status.PRESENT: "text-bg-success",
    Status.EXCUSED: "text-bg-warning",
    Status.REPRESENTED: "text-bg-info",
    Status.ABSENT: "text-bg-light border",
}


class AttendanceTable(PagedTable):
    """One row per invitee for one session (attendance/selectors.attendance_for_session)."""

    number = tables.Column(
        verbose_name=pgettext_lazy("row number", "No."), empty_values=(), orderable=False
    )
    name = tables.Column(
        verbose_name=_("Name"), accessor="member__full_name", order_by=("member__full_name", "pk")
    )
    nip = tables.Column(verbose_name=_("NIP"), accessor="member__nip", orderable=False)
    position = tables.Column(
        verbose_name=_("Position"), accessor="member__position", orderable=False
    )
    agency = tables.Column(
        verbose_name=_("Agency"),
        accessor="member__agency__name",
        order_by=("member__agency__name", "member__full_name", "pk"),
    )
    answer = tables.Column(verbose_name=_("Answer"), order_by=("answer", "pk"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "member__full_name"))
    checked_in_at = MomentColumn(verbose_name=_("Checked in at"), order_by=("checked_in_at", "pk"))
    checked_in_at_iso = MomentISOColumn(accessor="checked_in_at", verbose_name=_("Checked in at"))
    checkin_method = tables.Column(verbose_name=_("How"), orderable=False)
    attended = tables.Column(verbose_name=_("Attended"), orderable=False)
    online_minutes = tables.Column(
        verbose_name=_("Minutes online"), order_by=("online_minutes", "pk")
    )
    excuse_reason = tables.Column(verbose_name=_("Reason (excused)"), orderable=False)
    # Signing returns to this page of the table (the sign view's `next`).
    actions = tables.TemplateColumn(
        template_name="attendance/columns/actions.html",
        verbose_name="",
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Invitation
        fields = ()
        empty_text = _("Nobody matches.")

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.zone = session.meeting.time_zone

    def render_number(self):
        # The row's place in the whole table, across pages.
        self._row_number = getattr(self, "_row_number", self._first_number() - 1) + 1
        return self._row_number

    def value_number(self):
        self._export_row_number = getattr(self, "_export_row_number", 0) + 1
        return self._export_row_number

    def _first_number(self) -> int:
        page = getattr(self, "page", None)
        return page.start_index() if page else 1

    def render_answer(self, record):
        return record.get_answer_display()

    def value_answer(self, record):
        return str(record.get_answer_display())

    def render_status(self, value):
        return format_html(
            '<span class="badge {}">{}</span>', STATUS_BADGES.get(value, ""), Status(value).label
        )

    def value_status(self, value):
        return str(Status(value).label)

    def render_checkin_method(self, value, record):
        label = CheckIn.Method(value).label
        if record.signed:
            return format_html('{} <i class="bi bi-pen" title="{}"></i>', label, _("Signed"))
        return label

    def value_checkin_method(self, value):
        return str(CheckIn.Method(value).label) if value else ""

    def render_attended(self, value):
        return Attended(value).label if value else ""

    def value_attended(self, value):
        return str(Attended(value).label) if value else ""


# --- The table as a page shows it, for that page and its exports ----------------------------


@gated(is_meeting_organizer)
def attendance_export(*, user, meeting_id, query) -> ExportTable:  # noqa: ARG001 (a builder)
    """The session's attendance table as its page shows it for `query`, unpaginated."""
    meeting = Meeting.objects.get(pk=meeting_id)
    session, _filter, table = session_table(query, meeting)
    sort_table(table, query)
    title = gettext("Attendance")
    filename = f"{slugify(meeting.title)[:50]}-{slugify(session.title)}-{slugify(title)}"
    return ExportTable(table=table, title=title, filename=filename, access=Access.ATTENDANCE_EXPORT)


def session_table(query, meeting):
    """The session the query chooses (404 if none), its filter and its attendance table."""
    session = session_hours.chosen_session(meeting=meeting, wanted=query.get("session"))
    if session is None:
        raise Http404
    rows = selectors.attendance_for_session(session=session)
    data = query.copy()
    data["session"] = session.pk
    attendance_filter = AttendanceFilter(data, queryset=rows, meeting=meeting)
    # How people attended and their minutes online: columns of online and hybrid meetings.
    online_columns = meeting.mode != meeting.Mode.IN_PERSON
    table = AttendanceTable(
        attendance_filter.qs,
        session=session,
        exclude=() if online_columns else ("attended", "online_minutes"),
    )
    return session, attendance_filter, table


# --- The scan audit ---------------------------------------------------------------------------

RESULT_BADGES = {
    ScanAttempt.Result.OK: "text-bg-success",
    ScanAttempt.Result.ALREADY: "text-bg-warning",
    ScanAttempt.Result.UNDONE: "text-bg-secondary",
}
# An upload this long after its scan was made offline: the row says when it came.
UPLOADED_LATER = timedelta(minutes=1)


class AuditMomentColumn(MomentColumn):
    """When a scan was made, to the second (several share a minute at a busy door): "08.12.05
    WIB" today in the meeting's zone, "6 Des 2026 08.12.05 WIB" another day; an offline scan
    uploaded later also says when it came."""

    def render(self, value, record, table):
        zone = table.zone  # the audit shows one meeting
        shown = _to_the_second(value, zone)
        if record.recorded_at - value < UPLOADED_LATER:
            return shown
        return format_html(
            '{} <div class="small text-body-secondary">{}</div>',
            shown,
            _("uploaded %(time)s") % {"time": _to_the_second(record.recorded_at, zone)},
        )


def _to_the_second(value, zone: str) -> str:
    local = value.astimezone(ZoneInfo(zone))
    if local.date() != timezone.now().astimezone(ZoneInfo(zone)).date():
        return format_stamp(value, zone, seconds=True)
    return f"{local:%H.%M.%S} {zone_label(zone, value)}"


class ScanAuditTable(PagedTable):
    """Every scan attempt of one meeting, newest first (attendance/selectors.scan_audit)."""

    scanned_at = AuditMomentColumn(verbose_name=_("Time"), orderable=False)
    scanned_at_iso = MomentISOColumn(accessor="scanned_at", verbose_name=_("Time"))
    recorded_at_iso = MomentISOColumn(accessor="recorded_at", verbose_name=_("Recorded at"))
    session = tables.Column(verbose_name=_("Session"), accessor="session__title", orderable=False)
    desk = tables.Column(verbose_name=_("Desk"), empty_values=(), orderable=False)
    result = tables.Column(verbose_name=_("Result"), orderable=False)
    person = tables.Column(
        verbose_name=pgettext_lazy("scan audit", "Person"),
        accessor="invitation__member__full_name",
        orderable=False,
    )
    agency = tables.Column(
        verbose_name=_("Agency"), accessor="invitation__member__agency__name", visible=False
    )
    content_preview = tables.Column(verbose_name=_("Code read"), orderable=False)
    detail = tables.Column(verbose_name=_("Detail"), empty_values=(), orderable=False)

    class Meta:
        model = ScanAttempt
        fields = ()
        empty_text = _("No scan matches.")
        attrs = {"class": "table table-sm align-middle scan-audit table-stack"}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = meeting.time_zone

    def value_desk(self, record):
        """The operator link's name, the operator's name, or how a try without a desk came."""
        if record.operator_link is not None:
            return record.operator_link.label
        if record.operator is not None:
            return str(record.operator)
        return str(OWN_WAYS.get(record.detail, ""))

    def render_desk(self, record):
        return self.value_desk(record) or "—"

    def value_result(self, record):
        return str(ScanAttempt.Result(record.result).label)

    def render_result(self, record):
        return format_html(
            '<span class="badge {}">{}</span>',
            RESULT_BADGES.get(record.result, "text-bg-danger"),
            self.value_result(record),
        )

    def render_person(self, value, record):
        agency = record.invitation.member.agency
        if agency is None:
            return value
        return format_html('{} <div class="small text-body-secondary">{}</div>', value, agency.name)

    def value_person(self, value):
        return value

    def render_content_preview(self, value):
        return format_html('<code class="text-break">{}</code>', value)

    def value_content_preview(self, value):
        return value

    def value_detail(self, record):
        # Self and online check-ins record their way, which the desk column names.
        return "" if record.detail in OWN_WAYS else record.detail

    def render_detail(self, record):
        return self.value_detail(record) or "—"


def scan_audit_table(query, meeting) -> tuple[ScanAuditFilter, ScanAuditTable]:
    """The meeting's scan audit as the query filters it, and its table."""
    audit_filter = ScanAuditFilter(
        query, queryset=selectors.scan_audit(meeting=meeting), meeting=meeting
    )
    return audit_filter, ScanAuditTable(audit_filter.qs, meeting=meeting)


@gated(is_meeting_organizer)
def scan_audit_export(*, user, meeting_id, query) -> ExportTable:  # noqa: ARG001 (a builder)
    """The meeting's scan audit as its page shows it for `query`, unpaginated."""
    meeting = Meeting.objects.get(pk=meeting_id)
    _filter, table = scan_audit_table(query, meeting)
    title = gettext("Scan audit")
    filename = f"{slugify(meeting.title)[:50]}-{slugify(title)}"
    return ExportTable(table=table, title=title, filename=filename, access=Access.ATTENDANCE_EXPORT)
