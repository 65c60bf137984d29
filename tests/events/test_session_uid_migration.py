"""A meeting sent before its sessions were calendar events of their own: after the upgrade its
first session keeps the UID calendars hold, so the next update reaches that event."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# The members app at its latest too: its tables (agency's letterhead) stay as they are.
MEMBERS = ("members", "0005_agency_letterhead")
BEFORE = [("events", "0008_seat_offer"), MEMBERS]
AFTER = [("events", "0009_sessions_as_calendar_events"), MEMBERS]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest():
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_the_first_session_keeps_the_meetings_uid_and_every_sent_invitation_is_told_again():
    apps = migrate(BEFORE)
    Agency = apps.get_model("members", "Agency")
    Member = apps.get_model("members", "Member")
    Meeting = apps.get_model("events", "Meeting")
    Session = apps.get_model("events", "Session")
    Invitation = apps.get_model("events", "Invitation")
    agency = Agency.objects.create(name="Kementerian Agama", acronym="Kemenag")
    meeting = Meeting.objects.create(
        title="Rakor", host_agency=agency, uid="lama@rakor", sequence=3, state="published"
    )
    day = datetime(2031, 11, 25, 1, tzinfo=UTC)
    for offset, title in [(1, "Hari 2"), (0, "Hari 1")]:  # created out of order
        start = day + timedelta(days=offset)
        Session.objects.create(
            meeting=meeting, title=title, starts_at=start, ends_at=start + timedelta(hours=8)
        )
    sent = Invitation.objects.create(
        meeting=meeting,
        member=Member.objects.create(full_name="Andi", email="andi@kemenag.go.id", agency=agency),
        invitation_sent_at=day - timedelta(days=7),
    )
    unsent = Invitation.objects.create(
        meeting=meeting,
        member=Member.objects.create(full_name="Budi", email="budi@kemenag.go.id", agency=agency),
    )

    apps = migrate(AFTER)

    Session = apps.get_model("events", "Session")
    Invitation = apps.get_model("events", "Invitation")
    first, second = Session.objects.filter(meeting_id=meeting.pk).order_by("starts_at")
    assert (first.title, first.uid) == ("Hari 1", "lama@rakor")
    assert second.uid not in ("", "lama@rakor")
    assert first.sequence == second.sequence == 3
    assert Invitation.objects.get(pk=sent.pk).calendar_sequence == 2, "told again"
    assert Invitation.objects.get(pk=unsent.pk).calendar_sequence is None
