"""Factories for tickets, check-in operators and operator links, and check-ins.

`TicketFactory.create()` gives an accepted invitation to a one-session meeting (25 November
2021, 08.00–16.00 WIB) with its ticket; `TicketFactory.create(invitation__meeting=meeting)` puts
it in yours.
"""

import factory
from django.utils import timezone

from attendance.models import CheckIn, CheckInOperator, Excuse, OperatorLink, Ticket, WalkIn
from core.secrets import hash_secret, new_secret
from events.models import Invitation
from tests.events.factories import InvitationFactory
from tests.members.factories import UserFactory


class AcceptedInvitationFactory(InvitationFactory):
    answer = Invitation.Answer.YES
    answered_at = factory.LazyFunction(timezone.now)


class TicketFactory(factory.django.DjangoModelFactory[Ticket]):
    class Meta:
        model = Ticket

    invitation = factory.SubFactory(AcceptedInvitationFactory)
    secret = factory.LazyFunction(new_secret)


class CheckInOperatorFactory(factory.django.DjangoModelFactory[CheckInOperator]):
    class Meta:
        model = CheckInOperator

    meeting = factory.SubFactory("tests.events.factories.MeetingFactory")
    user = factory.SubFactory(UserFactory, name="Andi Saputra")


class OperatorLinkFactory(factory.django.DjangoModelFactory[OperatorLink]):
    """A link whose secret nobody knows; tests that open it use
    attendance.services.create_operator_link, which returns the secret."""

    class Meta:
        model = OperatorLink

    meeting = factory.SubFactory("tests.events.factories.MeetingFactory")
    label = "Meja registrasi 1"
    secret_hash = factory.LazyFunction(lambda: hash_secret(new_secret()))


class CheckInFactory(factory.django.DjangoModelFactory[CheckIn]):
    class Meta:
        model = CheckIn

    invitation = factory.SubFactory(AcceptedInvitationFactory)
    session = factory.LazyAttribute(lambda c: c.invitation.meeting.sessions.first())
    at = factory.LazyAttribute(lambda c: c.session.starts_at)
    method = CheckIn.Method.SCAN


# --- Excuses, walk-ins and signatures (tests of records, self check-in and the PDF) -----------


def signature_png(width: int = 300, height: int = 100) -> bytes:
    """A small PNG of a scribble, as a signature pad would send it."""
    import io

    from PIL import Image, ImageDraw

    picture = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.line(
        [(10, height * 0.7), (width * 0.3, height * 0.2), (width * 0.5, height * 0.8)],
        fill="black",
        width=3,
    )
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def signature_data_url(**size) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(signature_png(**size)).decode()


class ExcuseFactory(factory.django.DjangoModelFactory[Excuse]):
    class Meta:
        model = Excuse

    invitation = factory.SubFactory(AcceptedInvitationFactory)
    session = factory.LazyAttribute(lambda e: e.invitation.meeting.sessions.first())
    reason = "Dinas luar kota"


class WalkInFactory(factory.django.DjangoModelFactory[WalkIn]):
    class Meta:
        model = WalkIn

    session = factory.SubFactory("tests.events.factories.SessionFactory")
    meeting = factory.LazyAttribute(lambda w: w.session.meeting)
    full_name = "Yusuf Maulana"
    nip = "198703122010011004"
    agency_name = "Badan Pusat Statistik"
    position = "Pranata Humas Ahli Pertama"
    phone = "+6281298765432"
    email = factory.Sequence(lambda n: f"walkin{n}@bps.go.id")
