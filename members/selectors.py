"""Reads for the members pages, each with a fixed number of queries whatever the data."""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from .models import Agency, Member


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


def top_agencies(agency_ids) -> dict[int, Agency]:
    """For each of `agency_ids`, the ministry or agency it belongs to: itself when it is no
    unit of another, else its topmost parent. One query per level of units (a few)."""
    parent_of: dict[int, int | None] = {}
    agencies: dict[int, Agency] = {}
    wanted = {pk for pk in agency_ids if pk}
    for _level in range(8):
        wanted -= agencies.keys()
        if not wanted:
            break
        for agency in Agency.objects.filter(pk__in=wanted).only("pk", "name", "acronym", "parent"):
            agencies[agency.pk] = agency
            parent_of[agency.pk] = agency.parent_id
        wanted = {parent for parent in parent_of.values() if parent and parent not in agencies}

    def top(pk: int) -> Agency:
        seen = 0
        while parent_of.get(pk) and parent_of[pk] in agencies and seen < 8:
            pk, seen = parent_of[pk], seen + 1
        return agencies[pk]

    return {pk: top(pk) for pk in agency_ids if pk in agencies}
