import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import NameFilter, search_filter

from .models import Member


class MemberFilter(django_filters.FilterSet):
    """The members directory's search box and agency (typed: name or acronym)."""

    q = search_filter(placeholder=_("Name, email or NIP"))
    # Typed, not a select of 600 agencies in every page of the directory.
    agency = NameFilter(
        label=_("Agency"),
        fields=("agency__name", "agency__acronym"),
        id_field="agency_id",
        placeholder=_("Name or acronym"),
    )

    class Meta:
        model = Member
        fields = ["q", "agency"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(full_name__icontains=value) | Q(email__icontains=value) | Q(nip__icontains=value)
        )
