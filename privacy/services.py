"""Writes of the privacy app: the agency's privacy contact, and a meeting's use of mobile
numbers."""

from django.db import transaction

from events.models import Invitation, Meeting
from members.models import Agency, Member

from .models import AgencyPrivacyContact, MeetingPhoneUse, PhonePurpose


@transaction.atomic
def set_agency_contact(
    *, agency: Agency, contact: str, dpo_name: str = "", dpo_email: str = ""
) -> AgencyPrivacyContact | None:
    """The controller's contact and data protection officer the notice names for `agency`'s
    meetings; an empty contact removes it (the site-wide default is named again)."""
    if not contact.strip():
        AgencyPrivacyContact.objects.filter(agency=agency).delete()
        return None
    entry, _ = AgencyPrivacyContact.objects.update_or_create(
        agency=agency,
        defaults={"contact": contact.strip(), "dpo_name": dpo_name, "dpo_email": dpo_email},
    )
    return entry


@transaction.atomic
def set_phone_use(*, meeting: Meeting, purpose: str, by) -> MeetingPhoneUse | None:
    """Whether, and for what, the meeting's forms ask for a mobile number. An empty purpose
    stops asking (numbers already given stay with their owners' data until its retention)."""
    if not purpose:
        MeetingPhoneUse.objects.filter(meeting=meeting).delete()
        return None
    PhonePurpose(purpose)  # ValueError for anything that is not a listed purpose
    use, _ = MeetingPhoneUse.objects.update_or_create(
        meeting=meeting, defaults={"purpose": purpose, "enabled_by": by}
    )
    return use


class PhoneNotAsked(Exception):
    """The meeting uses no mobile numbers, so it takes none."""


@transaction.atomic
def give_own_phone(*, invitation: Invitation, phone: str) -> Member:
    """An invitee's own mobile number, given on their answer page for the purpose the meeting
    states (empty: removes it). PhoneNotAsked, nothing written, when the meeting uses none."""
    if not MeetingPhoneUse.objects.filter(meeting_id=invitation.meeting_id).exists():
        raise PhoneNotAsked
    member = Member.objects.select_for_update().get(pk=invitation.member_id)
    member.phone = phone
    member.save(update_fields=["phone", "updated_at"])
    return member
