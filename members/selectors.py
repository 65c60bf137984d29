"""Reads for the members pages, each with a fixed number of queries whatever the data."""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from .models import Member


def members_for_directory() -> QuerySet[Member]:
    """Members with their agency in the same query, the label the directory shows for the
    agency (its acronym, or its name when it has none) and whether they have an account."""
    return (
        Member.objects.select_related("agency")
        .annotate(
            agency_label=Coalesce(NullIf("agency__acronym", Value("")), "agency__name"),
            has_account=ExpressionWrapper(Q(user__isnull=False), output_field=BooleanField()),
        )
        .order_by("full_name", "pk")
    )
