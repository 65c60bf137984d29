"""The world of the minutes tests: a meeting with a chair, a minute-taker (each with an
account), three agenda items and an organizer. Imported by test_minutes*.py and
test_decisions.py."""

import email
from email import policy

import pytest

from events.models import Invitation
from outbox.models import OutboxMessage
from outputs import services
from tests.events.factories import AgendaItemFactory, InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, OrganizerFactory, UserFactory

AGENDA = [
    "Pembukaan dan arahan Sekretaris Badan",
    "Iprahumas sebagai think tank kehumasan pemerintah",
    "Pedoman pelatihan dan kurikulum pranata humas",
]


@pytest.fixture
def world(db):  # noqa: ARG001 (requested for its effect)
    organizer = OrganizerFactory.create()
    chair_user, taker_user = UserFactory.create(), UserFactory.create()
    chair = MemberFactory.create(
        full_name="Dr. Ahmad Chair",
        user=chair_user,
        email=chair_user.email,
        nip="197001011995031001",
    )
    taker = MemberFactory.create(full_name="Siti Notulis", user=taker_user, email=taker_user.email)
    meeting = MeetingFactory.create(chair=chair, minute_taker=taker, sessions=2)
    meeting.organizers.add(organizer)
    items = [
        AgendaItemFactory.create(meeting=meeting, title=title, position=index)
        for index, title in enumerate(AGENDA)
    ]
    InvitationFactory.create(meeting=meeting, member=chair, role=Invitation.Role.CHAIR)
    InvitationFactory.create(meeting=meeting, member=taker, role=Invitation.Role.MINUTE_TAKER)
    return type(
        "World",
        (),
        {
            "organizer": organizer,
            "chair": chair,
            "chair_user": chair_user,
            "taker": taker,
            "taker_user": taker_user,
            "meeting": meeting,
            "items": items,
        },
    )


@pytest.fixture
def minutes(world):
    return services.start_minutes(meeting=world.meeting, by=world.taker_user)


def texts(minutes, **by_position) -> dict[int, str]:
    """{section id: text} for sections given by position: texts(m, first="…")."""
    sections = list(minutes.sections.order_by("position"))
    names = ["first", "second", "third"]
    return {sections[names.index(name)].pk: text for name, text in by_position.items()}


def approve(minutes, world, **kwargs):
    return services.approve_minutes(
        minutes=minutes,
        approver_name=kwargs.get("name", world.chair.full_name),
        approver_nip=kwargs.get("nip", world.chair.nip),
        by=kwargs.get("by", world.chair_user),
    )


def attachments(row: OutboxMessage) -> list:
    return [
        part
        for part in parse(row).iter_attachments()
        if part.get_content_type() == "application/pdf"
    ]


def parse(row: OutboxMessage) -> email.message.EmailMessage:
    return email.message_from_bytes(bytes(row.raw), policy=policy.default)
