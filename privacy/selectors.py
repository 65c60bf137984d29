"""Reads of the privacy app, each with a fixed number of queries."""

from django.db.models import QuerySet

from events.models import Invitation, Meeting


def contact_list(*, meeting: Meeting) -> QuerySet[Invitation]:
    """The people expected at the meeting (invited, not withdrawn, not declined nor sent a
    representative), by name, with their agency and mobile number: one query."""
    return (
        meeting.invitations.filter(withdrawn_at__isnull=True)
        .exclude(answer__in=[Invitation.Answer.NO, Invitation.Answer.REPRESENTED])
        .select_related("member__agency")
        .order_by("member__full_name", "pk")
    )
