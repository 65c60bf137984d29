"""Registrations never confirmed are deleted a week after their code expired (beat): the name,
NIP, phone and email in them were never confirmed by anyone. Confirmed ones are kept."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Meeting, Registration
from personal_data.tasks import purge
from tests.events.factories import MeetingFactory
from tests.members.factories import AgencyFactory

pytestmark = pytest.mark.django_db

State = Registration.State
WEEK = settings.RETENTION["unconfirmed_registrations"]


@pytest.fixture
def kemenag():
    return AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(
        sessions=2,
        registration_open=True,
        registration_scope=Meeting.RegistrationScope.EMAIL_DOMAINS,
        registration_domains="kemenag.go.id",
        answer_deadline=timezone.now() + timedelta(days=30),
    )
    meeting.organizers.add(organizer)
    return meeting


def registration(meeting, kemenag, name, *, code_expired_ago, state=State.UNCONFIRMED):
    """A registration whose last code expired `code_expired_ago`; confirmed unless UNCONFIRMED."""
    expired_at = timezone.now() - code_expired_ago
    return Registration.objects.create(
        meeting=meeting,
        state=state,
        email=f"{name.lower()}@kemenag.go.id",
        full_name=name,
        nip="198503152010011001",
        phone="0812-3456-7890",
        agency=kemenag,
        agency_name=kemenag.name,
        code_hash="" if state != State.UNCONFIRMED else "f" * 64,
        code_expires_at=expired_at,
        confirmed_at=None if state == State.UNCONFIRMED else expired_at - timedelta(minutes=5),
    )


def remaining() -> set[str]:
    return set(Registration.objects.values_list("full_name", flat=True))


def test_an_unconfirmed_registration_is_deleted_a_week_after_its_code_expired(meeting, kemenag):
    registration(meeting, kemenag, "Bot", code_expired_ago=WEEK + timedelta(hours=1))
    registration(meeting, kemenag, "Typo", code_expired_ago=WEEK - timedelta(hours=1))
    registration(meeting, kemenag, "Waiting", code_expired_ago=-timedelta(minutes=20))

    assert services.delete_unconfirmed_registrations() == 1

    assert remaining() == {"Typo", "Waiting"}


def test_confirmed_registrations_are_kept_however_old(meeting, kemenag):
    long_ago = timedelta(days=400)
    for state in (State.AWAITING_APPROVAL, State.ACCEPTED, State.REJECTED):
        registration(meeting, kemenag, state.value, code_expired_ago=long_ago, state=state)

    assert services.delete_unconfirmed_registrations() == 0

    assert remaining() == {"awaiting", "accepted", "rejected"}


def test_a_code_resent_later_counts_from_the_new_code(meeting, kemenag):
    resent = registration(meeting, kemenag, "Resent", code_expired_ago=timedelta(days=2))
    Registration.objects.filter(pk=resent.pk).update(created_at=timezone.now() - timedelta(days=30))

    assert services.delete_unconfirmed_registrations() == 0

    assert remaining() == {"Resent"}


def test_running_it_twice_is_harmless(meeting, kemenag):
    registration(meeting, kemenag, "Bot", code_expired_ago=WEEK + timedelta(days=1))
    registration(
        meeting, kemenag, "Kept", code_expired_ago=WEEK + timedelta(days=1), state=State.ACCEPTED
    )

    first = purge.apply().get().get("unconfirmed_registrations", 0)
    second = purge.apply().get().get("unconfirmed_registrations", 0)

    assert (first, second) == (1, 0)
    assert remaining() == {"Kept"}


def test_the_rule_is_one_delete_statement(meeting, kemenag):
    # One DELETE … WHERE: the database checks the rule against each row as it deletes it, so a
    # code resent in the same instant keeps its registration.
    registration(meeting, kemenag, "Bot", code_expired_ago=WEEK + timedelta(days=1))

    with CaptureQueriesContext(connection) as queries:
        services.delete_unconfirmed_registrations()

    [statement] = [query["sql"] for query in queries.captured_queries]
    assert statement.startswith("DELETE")
    assert "unconfirmed" in statement


def test_the_beat_runs_it_every_hour_with_the_personal_data_retention():
    entry = settings.CELERY_BEAT_SCHEDULE["purge-personal-data"]

    assert entry["task"] == "personal_data.tasks.purge"
    assert entry["schedule"] == timedelta(hours=1)


# --- What people see afterwards ---------------------------------------------------------------


def test_someone_who_registered_and_never_confirmed_is_forgotten_and_may_start_again(
    client, organizer_client, meeting, kemenag
):
    client.post(
        reverse("events:register", args=[meeting.public_code]),
        {
            "full_name": "Andi Lupa",
            "email": "andi@kemenag.go.id",
            "nip": "19850315 201001 1 001",
            "agency": kemenag.pk,
            "phone": "0812-3456-7890",
        },
    )
    forgotten = Registration.objects.get(email="andi@kemenag.go.id")
    waiting = registration(
        meeting, kemenag, "Waiting", code_expired_ago=WEEK * 2, state=State.AWAITING_APPROVAL
    )
    Registration.objects.filter(pk=forgotten.pk).update(
        code_expires_at=timezone.now() - WEEK - timedelta(minutes=1)
    )

    services.delete_unconfirmed_registrations()
    page = organizer_client.get(reverse("events:meeting_registrations", args=[meeting.pk]))
    back = client.get(reverse("events:register_confirm", args=[meeting.public_code]))

    assert not Registration.objects.filter(pk=forgotten.pk).exists()
    html = page.content.decode()
    assert f'id="registration-{waiting.pk}"' in html
    assert f'id="registration-{forgotten.pk}"' not in html
    assert "Andi Lupa" not in html
    # Their browser still remembers the registration: the confirm page sends them to the form.
    assert back.status_code == 302
    assert back["Location"] == reverse("events:register", args=[meeting.public_code])
