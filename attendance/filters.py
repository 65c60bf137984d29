import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Meeting
from members.models import Agency

from .models import Status


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
