import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.dates import format_moment
from core.tables import MomentColumn, MomentISOColumn
from outbox.models import State as OutboxState

from .models import Invitation, Meeting

PER_PAGE = 25
MAX_PER_PAGE = 100

STATE_BADGES = {
    Meeting.State.DRAFT: "text-bg-secondary",
    Meeting.State.PUBLISHED: "text-bg-success",
    Meeting.State.CANCELLED: "text-bg-danger",
    Meeting.State.FINISHED: "text-bg-dark",
}


class PagedTable(tables.Table):
    def paginate(self, *args, per_page=None, **kwargs):
        per_page = min(per_page or PER_PAGE, MAX_PER_PAGE)
        return super().paginate(*args, per_page=per_page, **kwargs)


class MeetingTable(PagedTable):
    """Meetings an organizer runs; every ordering ends with the primary key so pages are
    stable."""

    title = tables.Column(verbose_name=_("Title"), order_by=("title", "pk"))
    first_start = tables.Column(verbose_name=_("First session"), order_by=("first_start", "pk"))
    host_agency = tables.Column(verbose_name=_("Host agency"), order_by=("host_agency__name", "pk"))
    mode = tables.Column(verbose_name=_("Mode"), order_by=("mode", "pk"))
    state = tables.Column(verbose_name=_("State"), order_by=("state", "pk"))
    # Sorted by the kept count (events.models.MeetingCounts); shown as counted for the page.
    invited_count = tables.Column(verbose_name=_("Invited"), order_by=("kept_invited", "pk"))

    class Meta:
        model = Meeting
        fields = ()
        order_by = ("-first_start",)
        empty_text = _("No meeting matches.")

    def render_title(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("events:meeting_detail", args=[record.pk]), value
        )

    def render_first_start(self, value, record):
        return format_moment(value, record.time_zone)

    def render_host_agency(self, value):
        return value.acronym or value.name

    def render_state(self, value, record):
        return format_html(
            '<span class="badge {}">{}</span>', STATE_BADGES.get(record.state, ""), value
        )


class InvitationTable(PagedTable):
    """The invitations of one meeting: who, from where, in which role, and their answer."""

    full_name = tables.Column(
        verbose_name=_("Name"), accessor="member__full_name", order_by=("member__full_name", "pk")
    )
    email = tables.EmailColumn(
        verbose_name=_("Email"), accessor="member__email", order_by=("member__email", "pk")
    )
    agency = tables.Column(
        verbose_name=_("Agency"),
        accessor="member__agency__name",
        order_by=("member__agency__name", "member__full_name", "pk"),
    )
    position = tables.Column(
        verbose_name=_("Position"), accessor="member__position", orderable=False
    )
    role = tables.Column(verbose_name=_("Role"), order_by=("role", "member__full_name", "pk"))
    answer = tables.Column(verbose_name=_("Answer"), order_by=("answer", "member__full_name", "pk"))
    delivery = tables.Column(
        verbose_name=_("Invitation email"),
        order_by=("delivery", "member__full_name", "pk"),
        default="—",
    )
    answered_at = MomentColumn(verbose_name=_("Answered at"), order_by=("answered_at", "pk"))
    answered_at_iso = MomentISOColumn(accessor="answered_at", verbose_name=_("Answered at"))
    note = tables.Column(verbose_name=_("Note"), orderable=False)
    # Filled by selectors.with_representations.
    representation = tables.Column(
        verbose_name=_("Representation"), empty_values=(), orderable=False
    )
    # A POST per row (a GET changes nothing), confirmed first: the person gets a cancellation.
    withdraw = tables.TemplateColumn(
        verbose_name="",
        accessor="pk",
        orderable=False,
        exclude_from_export=True,
        attrs={"td": {"class": "text-end"}},
        template_name="events/columns/withdraw.html",
    )

    class Meta:
        model = Invitation
        fields = ()
        order_by = ("full_name",)
        empty_text = _("No invitation matches.")

    def __init__(self, *args, zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone  # the meeting's: its moments are shown in it (core.tables)

    def render_agency(self, value, record):
        agency = record.member.agency
        return format_html('<span title="{}">{}</span>', agency.name, agency.acronym or value)

    def value_agency(self, value):
        return value

    def render_answer(self, value, record):
        css = {
            Invitation.Answer.YES: "text-bg-success",
            Invitation.Answer.NO: "text-bg-danger",
            Invitation.Answer.MAYBE: "text-bg-warning",
            Invitation.Answer.REPRESENTED: "text-bg-info",
            Invitation.Answer.WAITLISTED: "text-bg-secondary",
        }.get(record.answer, "text-bg-light")
        return format_html('<span class="badge {}">{}</span>', css, value)

    def value_answer(self, value):
        return value

    def render_representation(self, record):
        return self.value_representation(record)

    def value_representation(self, record):
        parts = []
        if record.answer == Invitation.Answer.REPRESENTED and record.represented_by:
            parts.append(
                gettext("Represented by %(name)s")
                % {"name": record.represented_by.member.full_name}
            )
        if getattr(record, "stands_in_for", None):
            parts.append(gettext("Stands in for %(name)s") % {"name": record.stands_in_for})
        named = getattr(record, "representatives_named", 0)
        if named > 1:
            parts.append(
                ngettext(
                    "%(count)s representative named",
                    "%(count)s representatives named",
                    named,
                )
                % {"count": named}
            )
        return " · ".join(parts)

    def render_delivery(self, value):
        css = {
            OutboxState.QUEUED: "text-bg-secondary",
            OutboxState.SENDING: "text-bg-info",
            OutboxState.SENT: "text-bg-success",
            OutboxState.FAILED: "text-bg-danger",
        }.get(value, "text-bg-light")
        return format_html('<span class="badge {}">{}</span>', css, OutboxState(value).label)

    def value_delivery(self, value):
        return OutboxState(value).label if value else ""
