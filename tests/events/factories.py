"""Factories for meetings, sessions, agenda items and invitations.

`MeetingFactory.create(sessions=2)` gives a meeting with two sessions on consecutive days,
08.00–16.00 in the meeting's zone from 25 November 2021; `sessions__first_day`,
`sessions__start_hour` and `sessions__end_hour` change that.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from events.models import AgendaItem, Invitation, Meeting, Session
from tests.members.factories import AgencyFactory, MemberFactory


def local(day: date, hour: int, minute: int = 0, zone: str = "Asia/Jakarta") -> datetime:
    """An aware datetime at `hour:minute` on `day` in `zone`, as the database keeps it (UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _sessions(meeting: Meeting, create: bool, extracted: int | None, **kwargs) -> None:
    """`sessions=N` (default 1) sessions on consecutive days from `sessions__first_day`
    (default 25 November 2021), `sessions__start_hour` to `sessions__end_hour` local time."""
    if not create:
        return
    first_day = kwargs.get("first_day", date(2021, 11, 25))
    start_hour, end_hour = kwargs.get("start_hour", 8), kwargs.get("end_hour", 16)
    for index in range(1 if extracted is None else extracted):
        day = first_day + timedelta(days=index)
        SessionFactory.create(
            meeting=meeting,
            title=f"Hari {index + 1}",
            starts_at=local(day, start_hour, zone=meeting.time_zone),
            ends_at=local(day, end_hour, zone=meeting.time_zone),
            sequence=meeting.sequence,  # as last sent: at the meeting's SEQUENCE
        )


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Koordinasi Pranata Humas Antar K/L {n}")
    description = "Penyusunan pedoman pelatihan dan kurikulum pranata humas."
    host_agency = factory.SubFactory(
        AgencyFactory, name="Sekretariat Balitbang Diklat Kementerian Agama", acronym="Kemenag"
    )
    letter_number = factory.Sequence(lambda n: f"B-{n}/BD/HM.01/11/2021")
    mode = Meeting.Mode.IN_PERSON
    venue = "Aula Gedung Kementerian Agama"
    address = "Jl. M.H. Thamrin No. 6\nJakarta Pusat"
    time_zone = "Asia/Jakarta"
    state = Meeting.State.PUBLISHED

    class Params:
        # The public registration page open to kemenag.go.id addresses, answers for a week.
        open_for_registration = factory.Trait(
            registration_open=True,
            registration_scope=Meeting.RegistrationScope.EMAIL_DOMAINS,
            registration_domains="kemenag.go.id",
            answer_deadline=factory.LazyFunction(lambda: timezone.now() + timedelta(days=7)),
        )

    sessions = factory.PostGeneration(_sessions)


class SessionFactory(factory.django.DjangoModelFactory[Session]):
    class Meta:
        model = Session

    meeting = factory.SubFactory(MeetingFactory, sessions=0)
    title = "Hari 1"
    starts_at = factory.LazyFunction(lambda: local(date(2021, 11, 25), 8))
    ends_at = factory.LazyFunction(lambda: local(date(2021, 11, 25), 16))


class AgendaItemFactory(factory.django.DjangoModelFactory[AgendaItem]):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    title = "Arahan Sekretaris Badan"
    speaker = "Sekretaris Balitbang Diklat"
    position = factory.Sequence(int)


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory)
    role = Invitation.Role.PARTICIPANT
    answer = Invitation.Answer.PENDING
