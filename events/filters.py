import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core import widgets
from core.filters import NameFilter
from members.models import Agency
from outbox.models import State as OutboxState

from .models import Invitation, Meeting
from .selectors import with_delivery_state


class MeetingFilter(django_filters.FilterSet):
    """The meetings list: title search, state, host agency and the first session's dates."""

    q = django_filters.CharFilter(
        label=_("Search"),
        field_name="title",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title")}),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=Meeting.State.choices, empty_label=_("All states")
    )
    host_agency = NameFilter(
        label=_("Host agency"),
        fields=("host_agency__name", "host_agency__acronym"),
        id_field="host_agency_id",
        placeholder=_("Name or acronym"),
    )
    starts_from = django_filters.DateFilter(
        label=_("From"),
        field_name="first_start",
        lookup_expr="date__gte",
        widget=widgets.DateInput,
    )
    starts_until = django_filters.DateFilter(
        label=_("Until"),
        field_name="first_start",
        lookup_expr="date__lte",
        widget=widgets.DateInput,
    )

    class Meta:
        model = Meeting
        fields = ["q", "state", "host_agency", "starts_from", "starts_until"]


NOT_SENT = "none"


class InvitationFilter(django_filters.FilterSet):
    """The invitations of one meeting by agency, role, answer and the delivery state of the
    latest invitation email (see selectors.with_delivery_state; the table shows it too)."""

    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"),
        field_name="member__agency",
        queryset=Agency.objects.none(),
        empty_label=_("All agencies"),
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Invitation.Role.choices, empty_label=_("All roles")
    )
    answer = django_filters.ChoiceFilter(
        label=_("Answer"),
        choices=Invitation.Answer.choices,
        empty_label=_("All answers"),
    )
    delivery = django_filters.ChoiceFilter(
        label=_("Invitation email"),
        choices=[*OutboxState.choices, (NOT_SENT, _("Not sent yet"))],
        empty_label=_("All delivery states"),
        method="filter_delivery",
    )

    queryset: QuerySet[Invitation]  # django-filter's, untyped

    class Meta:
        model = Invitation
        fields = ["agency", "role", "answer", "delivery"]

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = with_delivery_state(invitations=self.queryset, meeting=meeting)
        # Only the agencies of people invited to this meeting.
        self.filters["agency"].queryset = (
            Agency.objects.filter(members__invitations__meeting=meeting).distinct().order_by("name")
        )

    def filter_delivery(self, queryset, _name, value):
        if value == NOT_SENT:
            return queryset.filter(delivery__isnull=True)
        return queryset.filter(delivery=value)
