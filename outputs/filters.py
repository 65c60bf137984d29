import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import search_filter
from events.models import Meeting
from members.models import Agency

from .models import Action

OPEN_STATUSES = (Action.Status.OPEN, Action.Status.IN_PROGRESS)


class ActionFilter(django_filters.FilterSet):
    """The tracker's filters: a search, agency, status, meeting and overdue only. The agency and
    meeting choices are those of the actions the user may see."""

    q = search_filter(placeholder=_("What, agency, person, meeting"))
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"),
        field_name="responsible_agency",
        queryset=Agency.objects.none(),
        empty_label=_("All agencies"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Action.Status.choices,
        empty_label=_("All statuses"),
    )
    meeting = django_filters.ModelChoiceFilter(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        empty_label=_("All meetings"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Action
        fields = ["q", "agency", "status", "meeting", "overdue"]

    def __init__(self, *args, agencies, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["agency"].queryset = agencies
        self.form.fields["meeting"].queryset = meetings.order_by("-created_at", "-pk")

    def search(self, queryset, name, value):
        words = value.split()
        for word in words[:8]:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(responsible_agency__name__icontains=word)
                | Q(responsible_agency__acronym__icontains=word)
                | Q(responsible_member__full_name__icontains=word)
                | Q(meeting__title__icontains=word)
            )
        return queryset

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
