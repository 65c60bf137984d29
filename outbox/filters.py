import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import search_filter

from .models import Kind, OutboxMessage, State


class OutboxFilter(django_filters.FilterSet):
    q = search_filter(placeholder=_("Recipient or subject"))
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=State.choices,
        empty_label=_("All states"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=Kind.choices,
        empty_label=_("All kinds"),
    )

    class Meta:
        model = OutboxMessage
        fields = ["q", "state", "kind"]

    def search(self, queryset, _name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(recipient__icontains=value) | Q(subject__icontains=value))
