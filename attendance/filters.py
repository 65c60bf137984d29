import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Meeting, Session
from members.models import Agency

from .models import ScanAttempt, Status


class AttendanceFilter(django_filters.FilterSet):
    """The attendance table of one session: by agency, status and walk-in. The session itself
    is chosen by the view (the rows' statuses depend on it); it is a field here so the form
    shows it."""

    session = django_filters.NumberFilter(method="keep", widget=forms.Select)
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"),
        field_name="member__agency",
        queryset=Agency.objects.none(),
        empty_label=_("All agencies"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses")
    )
    walk_in = django_filters.ChoiceFilter(
        label=_("Walk-in"),
        method="filter_walk_in",
        choices=[("yes", _("Walk-ins only")), ("no", _("Invited only"))],
        empty_label=_("Everyone"),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        session_field = self.form.fields["session"]
        session_field.label = _("Session")
        session_field.widget.choices = [(s.pk, s.title) for s in meeting.sessions.all()]
        self.form.fields["agency"].queryset = (
            Agency.objects.filter(members__invitations__meeting=meeting).distinct().order_by("name")
        )

    def keep(self, queryset, _name, _value):
        return queryset

    def filter_walk_in(self, queryset, _name, value):
        return queryset.filter(is_walk_in=value == "yes")


class ScanAuditFilter(django_filters.FilterSet):
    """The scan audit of one meeting: by session and by result."""

    session = django_filters.ModelChoiceFilter(
        label=_("Session"), queryset=Session.objects.none(), empty_label=_("All sessions")
    )
    result = django_filters.ChoiceFilter(
        label=_("Result"),
        # No check-in writes it (a ticket of another meeting is OTHER_MEETING): not offered.
        choices=[
            choice
            for choice in ScanAttempt.Result.choices
            if choice[0] != ScanAttempt.Result.NOT_INVITED
        ],
        empty_label=_("All results"),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["session"].queryset = meeting.sessions.order_by("starts_at", "pk")
