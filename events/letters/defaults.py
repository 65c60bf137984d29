"""A new surat undangan, prefilled from its meeting: what an organizer would type first."""

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from members.letterhead import letterhead_for
from members.models import Member, User
from privacy.scope import may_see_contact

from ..models import InvitationLetter, Meeting

DOCUMENT_LANGUAGE = "id"


def city_of(address_lines: list[str]) -> str:
    """The city of a kop's address ("Jl. M.H. Thamrin No. 6, Jakarta Pusat 10340" → "Jakarta
    Pusat"): the last part of its first line, without the postal code."""
    if not address_lines:
        return ""
    last = address_lines[0].split(",")[-1]
    return " ".join(word for word in last.split() if not word.isdigit()).strip()


def new_letter(*, meeting: Meeting, by: User | None = None) -> InvitationLetter:
    """An unsaved letter for `meeting`, in Indonesian: dated today, signed by the chair,
    addressed to the attached list of invitees, the contact person the organizer asking."""
    contact = Member.objects.filter(user=by).first() if by and by.is_authenticated else None
    chair = meeting.chair
    with override(DOCUMENT_LANGUAGE):
        return InvitationLetter(
            meeting=meeting,
            place=city_of(letterhead_for(meeting.host_agency).address),
            letter_date=timezone.now().astimezone(ZoneInfo(meeting.time_zone)).date(),
            subject=_("Invitation to %(title)s") % {"title": meeting.title},
            opening=_(
                "In connection with %(title)s, we kindly invite you to attend the meeting, "
                "which will be held on:"
            )
            % {"title": meeting.title},
            closing=_(
                "Given the importance of this meeting, we look forward to your attendance on "
                "time. Thank you for your attention and cooperation."
            ),
            contact_name=contact.full_name if contact else "",
            contact_phone=contact.phone if contact else "",
            signatory_position=chair.position if chair else "",
            signatory_name=chair.full_name if chair else "",
            # The chair is any member the meeting form offers: their NIP only when the organizer
            # asking may see it (privacy/scope.py); else the organizer types it.
            signatory_nip=chair.nip if chair and (by is None or may_see_contact(by, chair)) else "",
        )
