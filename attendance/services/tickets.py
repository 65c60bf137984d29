"""Tickets: what an accepted invitee shows at the door.

The rule: an invitation whose answer is "will attend" (YES) and that is not withdrawn has one
ticket, created the first time it is asked for, with a random secret of its own (never the
answer link's). Any other invitation has none. The QR code holds the ticket secret and nothing
else, so reading it tells nothing about the person.
"""

import io
import logging

import segno
from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.translation import override

from core.dates import format_day, format_moment, format_time
from core.secrets import new_secret
from events.models import Invitation
from members.mail import member_email
from outbox.models import Kind, OutboxMessage
from outbox.services import queue_message

from ..models import Ticket

log = logging.getLogger(__name__)

# Error correction M and 12 modules per dot: large enough for a phone at arm's length, quiet
# zone of 4 modules as ISO/IEC 18004 asks.
QR_ERROR = "m"
QR_BORDER = 4
PNG_SCALE = 12


def holds_ticket(invitation: Invitation) -> bool:
    """Whether this invitation gets a ticket: accepted and not withdrawn."""
    return invitation.answer == Invitation.Answer.YES and invitation.withdrawn_at is None


def ticket_for(*, invitation: Invitation) -> Ticket | None:
    """The invitation's ticket, created on first use; None for an invitation that does not
    hold one (not accepted, or withdrawn). Two requests at once create one ticket: the second
    finds the first's row (OneToOne constraint)."""
    if not holds_ticket(invitation):
        return None
    ticket = Ticket.objects.filter(invitation=invitation).first()
    if ticket is not None:
        return ticket
    try:
        with transaction.atomic():
            return Ticket.objects.create(invitation=invitation, secret=new_secret())
    except IntegrityError:
        return Ticket.objects.get(invitation=invitation)


def qr_svg(content: str) -> str:
    """An inline SVG of a QR code: black on white, with its quiet zone, scaled by CSS."""
    qr = segno.make(content, error=QR_ERROR, micro=False)
    return qr.svg_inline(
        scale=1,
        border=QR_BORDER,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
    )


def qr_png(content: str, *, scale: int = PNG_SCALE) -> bytes:
    qr = segno.make(content, error=QR_ERROR, micro=False)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=scale, border=QR_BORDER, dark="#000", light="#fff")
    return out.getvalue()


def ticket_png(*, ticket: Ticket) -> bytes:
    """The ticket as a picture to keep on the phone: the QR code with the person's name,
    agency, the meeting and its sessions below it, black on white."""
    from PIL import Image, ImageDraw, ImageFont

    invitation = ticket.invitation
    meeting = invitation.meeting
    member = invitation.member
    code = Image.open(io.BytesIO(qr_png(ticket.secret))).convert("RGB")
    width = max(code.width, 720)
    lines = [
        (member.full_name, 40),
        (str(member.agency) if member.agency_id else "", 28),
        (meeting.title, 28),
        *[
            (f"{session.title}: {format_moment(session.starts_at, meeting.time_zone)}", 24)
            for session in meeting.sessions.all()
        ],
    ]
    lines = [(text, size) for text, size in lines if text]
    wrapped = []
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    for text, size in lines:
        font = ImageFont.load_default(size=size)
        for line in _wrap(text, font, width - 60, probe):
            wrapped.append((line, font, size))
    height = code.height + 30 + sum(int(size * 1.35) for _, _, size in wrapped) + 40
    picture = Image.new("RGB", (width, height), "white")
    picture.paste(code, ((width - code.width) // 2, 10))
    draw = ImageDraw.Draw(picture)
    y = code.height + 30
    for line, font, size in wrapped:
        draw.text((30, y), line, fill="black", font=font)
        y += int(size * 1.35)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _wrap(text: str, font, width: int, draw) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


def ticket_context(*, invitation: Invitation) -> dict:
    """What the answer page shows about the ticket: empty when the invitation holds none."""
    ticket = ticket_for(invitation=invitation)
    if ticket is None:
        return {}
    meeting = invitation.meeting
    zone = meeting.time_zone
    return {
        "ticket": ticket,
        "ticket_svg": qr_svg(ticket.secret),
        "ticket_sessions": [
            f"{session.title} · {format_day(session.starts_at, zone)} · "
            f"{format_time(session.starts_at, zone).split(' ')[0]}–"
            f"{format_time(session.ends_at, zone)}"
            for session in meeting.sessions.all()
        ],
    }


@transaction.atomic
def send_ticket_confirmation(*, invitation: Invitation) -> OutboxMessage | None:
    """A short email confirming "will attend", with a link to the ticket on the answer page.

    The link is a new answer link of its own (every email carrying one gets its own, as the
    invitations do). Nothing is sent for an invitation that holds no ticket."""
    from events import services as events_services

    invitation = Invitation.objects.select_related("meeting__host_agency", "member__agency").get(
        pk=invitation.pk
    )
    if ticket_for(invitation=invitation) is None:
        return None
    member, meeting = invitation.member, invitation.meeting
    secret = events_services.issue_answer_link(invitation=invitation)
    url = f"{events_services.answer_url(secret)}#ticket"
    language = member.language or settings.LANGUAGE_CODE
    zone = meeting.time_zone
    with override(language):
        context = {
            "member_name": member.full_name,
            "meeting": meeting,
            "sessions": [
                f"{session.title}: {format_moment(session.starts_at, zone)}"
                for session in meeting.sessions.all()
            ],
            "place": ", ".join(p for p in (meeting.venue, meeting.address) if p),
            "ticket_url": url,
        }
        subject = render_to_string("attendance/email/ticket_subject.txt", context)
        text = render_to_string("attendance/email/ticket.txt", context)
        html = render_to_string("attendance/email/ticket.html", context)
    message = member_email(
        name=member.full_name,
        email=member.email,
        language=language,
        subject=subject,
        text=text,
        html=html,
    )
    return queue_message(message=message, kind=Kind.TICKET, topic=f"meeting:{meeting.pk}")
