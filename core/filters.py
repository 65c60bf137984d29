import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .ids import parse_id


def search_filter(*, placeholder, method: str = "search") -> django_filters.CharFilter:
    """The one search box every organizer table has."""
    return django_filters.CharFilter(
        label=_("Search"),
        method=method,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": placeholder,
                "autocomplete": "off",
            }
        ),
    )


class NameFilter(django_filters.CharFilter):
    """A text box in place of a select of hundreds of rows (600 agencies, 2,000 meetings at
    national scale, which a dropdown would put in every page): every word typed must appear in
    one of `fields` (any case). A number is taken as the row's id, so links such as
    ?agency=12 keep working."""

    def __init__(self, *, fields: tuple[str, ...], id_field: str, placeholder, **kwargs):
        self.name_fields, self.id_field = fields, id_field
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "search", "placeholder": placeholder, "autocomplete": "off"}
            ),
        )
        super().__init__(**kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        if value.isdigit():
            # "²" is a digit to str.isdigit and no number to int; an id past a bigint is none.
            wanted = parse_id(value)
            return qs.filter(**{self.id_field: wanted}) if wanted else qs.none()
        for word in value.split()[:6]:
            match = Q()
            for field in self.name_fields:
                match |= Q(**{f"{field}__icontains": word})
            qs = qs.filter(match)
        return qs
