import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.exports import ExportTable, gated, sort_table
from core.tables import MomentColumn, MomentISOColumn
from events.tables import PagedTable

from . import selectors
from .filters import ActionFilter
from .models import Action, Decision
from .permissions import organizes_any_meeting

STATUS_BADGES = {
    Action.Status.OPEN: "text-bg-primary",
    Action.Status.IN_PROGRESS: "text-bg-info",
    Action.Status.DONE: "text-bg-success",
    Action.Status.CANCELLED: "text-bg-secondary",
}


class ActionTable(PagedTable):
    """The tracker: follow-up actions across meetings (outputs/selectors.actions_for_tracker),
    overdue first, then by due date; every ordering ends with the primary key."""

    title = tables.Column(verbose_name=_("What"), order_by=("title", "pk"))
    agency = tables.Column(
        verbose_name=_("Agency"),
        accessor="responsible_agency__name",
        order_by=("responsible_agency__name", "due_date", "pk"),
        default="",
    )
    person = tables.Column(
        verbose_name=_("Person"),
        accessor="responsible_member__full_name",
        order_by=("responsible_member__full_name", "due_date", "pk"),
        default="",
    )
    due_date = tables.Column(verbose_name=_("Due date"), order_by=("due_date", "pk"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "due_date", "pk"))
    overdue = tables.Column(
        verbose_name=_("Overdue"), order_by=("-overdue", "due_date", "pk"), empty_values=()
    )
    meeting = tables.Column(
        verbose_name=_("Meeting"), accessor="meeting__title", order_by=("meeting__title", "pk")
    )
    completed_at = MomentColumn(
        verbose_name=_("Completed at"), visible=False, order_by=("completed_at", "pk")
    )
    completed_at_iso = MomentISOColumn(accessor="completed_at", verbose_name=_("Completed at"))

    class Meta:
        model = Action
        fields = ()
        row_attrs = {"class": lambda record: "table-danger" if record.overdue else ""}
        empty_text = _("No follow-up action matches.")

    def render_title(self, value, record):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("outputs:meeting_actions", args=[record.meeting_id]) + f"#action-{record.pk}",
            value if len(value) <= 140 else value[:139] + "…",
        )

    def value_title(self, value):
        return value

    def render_due_date(self, value):
        return date_format(value, "j M Y")

    def value_due_date(self, value):
        return value

    def render_status(self, record):
        status = Action.Status(record.status)
        return format_html('<span class="badge {}">{}</span>', STATUS_BADGES[status], status.label)

    def value_status(self, record):
        return str(Action.Status(record.status).label)

    def render_overdue(self, value):
        if not value:
            return ""
        return format_html('<span class="badge text-bg-danger">{}</span>', _("Overdue"))

    def value_overdue(self, value):
        return str(_("Yes")) if value else ""

    def render_meeting(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("events:meeting_detail", args=[record.meeting_id]), value
        )

    def value_meeting(self, value):
        return value


# --- The tracker as its page shows it, for its exports ------------------------------------------


@gated(organizes_any_meeting)
def actions_export(*, user, meeting_id, query) -> ExportTable:  # noqa: ARG001 (a builder)
    """The tracker as its page shows it to `user` for `query`, unpaginated."""
    action_filter = ActionFilter(query, queryset=selectors.actions_for_tracker(user=user))
    table = ActionTable(action_filter.qs)
    sort_table(table, query)
    table.columns.show("completed_at")
    return ExportTable(table=table, title=gettext("Follow-up actions"), filename="tindak-lanjut")


class DecisionTable(PagedTable):
    number = tables.Column(
        verbose_name=pgettext_lazy("row number", "No."), order_by=("meeting__title", "number")
    )
    text = tables.Column(verbose_name=gettext_lazy("Decision"), order_by=("text", "pk"))
    agenda_item = tables.Column(
        verbose_name=gettext_lazy("Agenda item"),
        accessor="agenda_item__title",
        order_by=("agenda_item__title", "pk"),
        default="",
    )
    meeting = tables.Column(
        verbose_name=gettext_lazy("Meeting"),
        accessor="meeting__title",
        order_by=("meeting__title", "number"),
    )

    class Meta:
        model = Decision
        fields = ()
        empty_text = gettext_lazy("No decision matches.")

    def render_text(self, value):
        return value if len(value) <= 300 else value[:299] + "…"

    def render_meeting(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("outputs:minutes", args=[record.meeting_id]), value
        )
