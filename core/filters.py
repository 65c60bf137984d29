import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


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
