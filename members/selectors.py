"""Reads for the members pages, each with a fixed number of queries whatever the data."""

from typing import TYPE_CHECKING, TypeAlias, TypedDict

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
from django.db.models.functions import Coalesce, Lower, NullIf

from privacy.scope import with_contact_scope

from .models import Agency, Member


class MemberCount(TypedDict):
    member_count: int


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # An agency of with_member_counts(): the type checker knows its `member_count`.
    CountedAgency: TypeAlias = WithAnnotations[Agency, MemberCount]


def members_for_directory(*, viewer) -> QuerySet[Member]:
    """Members with their agency in the same query, the label the directory shows for the
    agency (its acronym, or its name when it has none) and whether they have an account; the
    email, NIP and mobile number as `visible_*`, empty where `viewer` may not see them
    (privacy/scope.py)."""
    return (
        with_contact_scope(Member.objects.select_related("agency"), viewer)
        .annotate(
            agency_label=Coalesce(NullIf("agency__acronym", Value("")), "agency__name"),
            has_account=ExpressionWrapper(Q(user__isnull=False), output_field=BooleanField()),
        )
        .order_by("full_name", "pk")
    )


# --- The picker's search -----------------------------------------------------------------------

SEARCH_WORDS = 6  # more words than this narrow nothing further


def search_members(query: str) -> QuerySet[Member]:
    """Members a picker's query finds, by name, with their agency.

    Every word must appear in the name, the position, or the agency's name or acronym (any
    case). A NIP (digits) or an email address (with "@") finds its member only when written in
    full: partial ones find nobody, so the picker does not tell who exists. Two queries: the
    agencies the words name are read first, so that the members' query stays on the member
    table, where its indexes are (a trigram index on PostgreSQL, members migration 0004)."""
    query = " ".join(query.split())
    members = Member.objects.select_related("agency").order_by("full_name", "pk")
    if not query:
        return members.none()
    if "@" in query:
        return members.annotate(email_lower=Lower("email")).filter(email_lower=query.lower())
    if query.isdigit():
        return members.filter(nip=query)
    words = query.split()[:SEARCH_WORDS]
    named = _agencies_naming(words)
    found = Q()
    for word in words:
        found &= (
            Q(full_name__icontains=word)
            | Q(position__icontains=word)
            | Q(agency_id__in=named[word.lower()])
        )
    return members.filter(found)


def _agencies_naming(words: list[str]) -> dict[str, list[int]]:
    """For each word (lower case), the agencies whose name or acronym holds it: one query."""
    holds = Q()
    for word in words:
        holds |= Q(name__icontains=word) | Q(acronym__icontains=word)
    agencies = list(Agency.objects.filter(holds).values_list("pk", "name", "acronym"))
    return {
        word.lower(): [
            pk
            for pk, name, acronym in agencies
            if word.lower() in name.lower() or word.lower() in acronym.lower()
        ]
        for word in words
    }


def search_agencies(query: str) -> "QuerySet[CountedAgency]":
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


def with_member_counts(agencies: QuerySet[Agency]) -> "QuerySet[CountedAgency]":
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
        while (parent := parent_of.get(pk)) and parent in agencies and seen < 8:
            pk, seen = parent, seen + 1
        return agencies[pk]

    return {pk: top(pk) for pk in agency_ids if pk in agencies}
