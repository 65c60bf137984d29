import django_tables2 as tables
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.dates import format_stamp

from .models import OutboxMessage, State

PER_PAGE = 25
MAX_PER_PAGE = 100
STATE_COLOURS = {
    State.QUEUED: "text-bg-secondary",
    State.SENDING: "text-bg-info",
    State.SENT: "text-bg-success",
    State.FAILED: "text-bg-danger",
}


class OutboxTable(tables.Table):
    """The outbox, newest first. The subject links to the message only for those who may read
    it (`can_read_messages`): bodies hold other people's sign-in codes and answer links."""

    created_at = tables.Column(order_by=("created_at", "pk"))
    recipient = tables.Column(order_by=("recipient", "pk"))
    subject = tables.Column(order_by=("subject", "pk"))
    kind = tables.Column(order_by=("kind", "pk"))
    state = tables.Column(order_by=("state", "pk"))
    attempts = tables.Column(order_by=("attempts", "pk"), attrs={"td": {"class": "text-end"}})
    last_error = tables.Column(orderable=False)
    sent_at = tables.Column(order_by=("sent_at", "pk"))
    resend = tables.TemplateColumn(
        template_name="outbox/_resend_button.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
        empty_values=(),
    )

    class Meta:
        model = OutboxMessage
        fields = ()
        order_by = ("-created_at",)
        empty_text = _("No message matches.")

    def __init__(self, *args, can_read_messages=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_read_messages = can_read_messages

    def paginate(self, *args, per_page=None, **kwargs):
        per_page = min(per_page or PER_PAGE, MAX_PER_PAGE)
        return super().paginate(*args, per_page=per_page, **kwargs)

    # Messages of many meetings: their moments in the server's zone, labelled like every other.
    def render_created_at(self, value):
        return format_stamp(value)

    def render_sent_at(self, value):
        return format_stamp(value)

    def render_subject(self, value, record):
        if not self.can_read_messages:
            return value
        return format_html('<a href="{}">{}</a>', reverse("outbox:detail", args=[record.pk]), value)

    def render_state(self, value, record):
        return format_html(
            '<span class="badge {}">{}</span>', STATE_COLOURS.get(record.state, ""), value
        )

    def render_last_error(self, value):
        return format_html(
            '<span class="small text-danger" title="{}">{}</span>', value, truncatechars(value, 60)
        )
