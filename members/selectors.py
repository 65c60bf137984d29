"""Reads for the members pages, each with a fixed number of queries whatever the data."""

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
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


# --- The picker's search -----------------------------------------------------------------------

SEARCH_WORDS = 6  # more words than this narrow nothing further


def search_members(query: str) -> QuerySet[Member]:
    """Members a picker's query finds, by name and agency order, with their agency.

    Every word must appear in the name, the position, or the agency's name or acronym (any
    case). A NIP (digits) or an email address (with "@") finds its member only when written in
    full: partial ones find nobody, so the picker does not tell who exists."""
    query = " ".join(query.split())
    members = Member.objects.select_related("agency").order_by("full_name", "pk")
    if not query:
        return members.none()
    if "@" in query:
        return members.filter(email__iexact=query)
    if query.isdigit():
        return members.filter(nip=query)
    found = Q()
    for word in query.split()[:SEARCH_WORDS]:
        found &= (
            Q(full_name__icontains=word)
            | Q(position__icontains=word)
            | Q(agency__name__icontains=word)
            | Q(agency__acronym__icontains=word)
        )
    return members.filter(found)


def search_agencies(query: str) -> QuerySet[Agency]:
    """Agencies whose name or acronym holds every word of the query (all without one), by
    name, each with `member_count`."""
    query = " ".join(query.split())
    agencies = with_member_counts(Agency.objects.order_by("name", "pk"))
    if "@" in query or query.isdigit():
        return agencies.none()
    found = Q()
    for word in query.split()[:SEARCH_WORDS]:
        found &= Q(name__icontains=word) | Q(acronym__icontains=word)
    return agencies.filter(found)


def with_member_counts(agencies: QuerySet[Agency]) -> QuerySet[Agency]:
    """Each agency with `member_count`: a count per agency row, so a page of ten agencies
    counts the members of those ten only (the index on agency and name answers it)."""
    counted = (
        Member.objects.filter(agency=OuterRef("pk"))
        .order_by()
        .values("agency")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return agencies.annotate(
        member_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )
