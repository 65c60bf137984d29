import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import NameFilter, search_filter
from privacy.scope import where_visible

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

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer

    def search(self, queryset, _name, value):
        value = value.strip()
        if not value:
            return queryset
        # An email or NIP finds only those whose contact data the searcher may see
        # (privacy/scope.py): a search must not reveal what a row hides.
        return queryset.filter(
            Q(full_name__icontains=value)
            | where_visible(Q(email__icontains=value) | Q(nip__icontains=value), self.viewer)
        )
