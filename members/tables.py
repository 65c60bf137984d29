import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Member
from .validators import Rank

PER_PAGE = 25
MAX_PER_PAGE = 100


class MemberTable(tables.Table):
    """The members directory. Every ordering ends with the primary key: rows with equal values
    keep one order from request to request, so no member shows on two pages or on none."""

    full_name = tables.Column(verbose_name=_("Name"), order_by=("full_name", "pk"))
    # Email, NIP, rank and mobile number only where the viewer may see them (privacy/scope.py):
    # the selector gives them as `visible_*`, empty elsewhere, and the sort uses those too.
    email = tables.Column(
        verbose_name=_("Email"),
        accessor="visible_email",
        order_by=("visible_email", "pk"),
        empty_values=(),
    )
    nip = tables.Column(
        verbose_name=_("NIP"),
        accessor="visible_nip",
        order_by=("visible_nip", "full_name", "pk"),
        empty_values=(),
    )
    agency_label = tables.Column(
        verbose_name=_("Agency"), order_by=("agency_label", "full_name", "pk")
    )
    work_unit = tables.Column(order_by=("work_unit", "full_name", "pk"))
    position = tables.Column(order_by=("position", "full_name", "pk"))
    rank = tables.Column(
        verbose_name=_("Rank"),
        accessor="visible_rank",
        order_by=("visible_rank", "full_name", "pk"),
        empty_values=(),
    )
    phone = tables.Column(
        verbose_name=_("Mobile number"),
        accessor="visible_phone",
        orderable=False,
        empty_values=(),
    )
    has_account = tables.BooleanColumn(
        verbose_name=_("Account"), order_by=("has_account", "full_name", "pk")
    )

    class Meta:
        model = Member
        fields = ()
        order_by = ("full_name",)
        empty_text = _("No member matches.")

    def paginate(self, *args, per_page=None, **kwargs):
        per_page = min(per_page or PER_PAGE, MAX_PER_PAGE)
        return super().paginate(*args, per_page=per_page, **kwargs)

    def render_email(self, value, record):
        if not value:
            return _hidden(record)
        return format_html('<a href="mailto:{}">{}</a>', value, value)

    def render_nip(self, value, record):
        return value or _hidden(record)

    def render_phone(self, value, record):
        return value or _hidden(record)

    def value_email(self, value):
        return value

    def value_nip(self, value):
        return value

    def value_phone(self, value):
        return value

    def render_agency_label(self, value, record):
        return format_html('<span title="{}">{}</span>', record.agency.name, value)

    def value_agency_label(self, value):
        return value

    def render_rank(self, value, record):
        # The page shows the short grade (III/c); the title and the export the full rank.
        if not value:
            return _hidden(record)
        return format_html('<span title="{}">{}</span>', Rank(value).label, value)

    def value_rank(self, value):
        return Rank(value).label if value else ""

    def render_has_account(self, value):
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', gettext("Yes"))
        return format_html('<span class="text-body-secondary">{}</span>', gettext("No"))

    def value_has_account(self, value):
        return gettext("Yes") if value else gettext("No")


def _hidden(record):
    """An empty cell, or one the scope hides: shown alike to a reader but with a title saying
    why, so an organizer knows to look in their own meetings' tables."""
    if record.contact_visible:
        return "—"
    return format_html(
        '<span class="text-body-secondary" title="{}">—</span>',
        gettext("Shown only to the organizers of this person's meetings and their own agency."),
    )
