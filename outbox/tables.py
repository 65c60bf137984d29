import django_tables2 as tables
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.dates import format_stamp

from .models import OutboxMessage, State

PER_PAGE = 25
STATE_COLOURS = {
    State.QUEUED: "text-bg-secondary",
    State.SENDING: "text-bg-info",
    State.SENT: "text-bg-success",
    State.FAILED: "text-bg-danger",
}


class OutboxTable(tables.Table):
    """One page of the outbox, newest first (outbox/views.py pages it by keyset: 500,000
    messages are never sorted nor counted whole, so the columns do not sort). The subject links
    to the message only for those who may read it (`can_read_messages`): bodies hold other
    people's sign-in codes and answer links."""

    created_at = tables.Column()
    recipient = tables.Column()
    subject = tables.Column()
    kind = tables.Column()
    state = tables.Column()
    attempts = tables.Column(attrs={"td": {"class": "text-end"}})
    last_error = tables.Column()
    sent_at = tables.Column()
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
        orderable = False
        empty_text = _("No message matches.")

    def __init__(self, *args, can_read_messages=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_read_messages = can_read_messages

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
