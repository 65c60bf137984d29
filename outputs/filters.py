import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from core.filters import NameFilter, search_filter

from .models import Action, Decision

OPEN_STATUSES = (Action.Status.OPEN, Action.Status.IN_PROGRESS)


class ActionFilter(django_filters.FilterSet):
    """The tracker's filters: a search, agency, status, meeting and overdue only. Agency and
    meeting are typed (core.filters.NameFilter): the actions are already those the user may
    see, and a select would list hundreds of agencies and thousands of meetings."""

    q = search_filter(placeholder=_("What, agency, person, meeting"))
    agency = NameFilter(
        label=_("Agency"),
        fields=("responsible_agency__name", "responsible_agency__acronym"),
        id_field="responsible_agency_id",
        placeholder=_("Name or acronym"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=Action.Status.choices,
        empty_label=_("All statuses"),
    )
    meeting = NameFilter(
        label=_("Meeting"),
        fields=("meeting__title",),
        id_field="meeting_id",
        placeholder=_("Title"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Action
        fields = ["q", "agency", "status", "meeting", "overdue"]

    def search(self, queryset, _name, value):
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

    def filter_overdue(self, queryset, _name, value):
        if not value:
            return queryset
        return queryset.filter(status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())


class DecisionFilter(django_filters.FilterSet):
    q = search_filter(placeholder=gettext_lazy("Decision, agenda item, meeting"))

    class Meta:
        model = Decision
        fields = ()

    def search(self, queryset, _name, value):
        value = value.strip()[:200]
        if not value:
            return queryset
        return queryset.filter(
            Q(text__icontains=value)
            | Q(agenda_item__title__icontains=value)
            | Q(meeting__title__icontains=value)
        )
