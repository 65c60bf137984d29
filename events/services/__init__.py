"""Every write that matters about meetings and invitations, one function per use case.

meetings.py: a meeting's life (create, edit, publish, cancel, finish, co-organizers);
invitations.py: inviting;
answers.py: answers and representatives;
waitlist.py: the waiting list: a freed seat offered to the first waiting, by email, until a
deadline (seat_freed is the one entry point for "a seat may have become free");
answer_links.py: the secret link in each invitation email;
sending.py: the invitation emails, owed when asked for and built by Celery in batches;
changes.py: what an invitee's calendar is told when a meeting changes, is cancelled or withdrawn;
registration.py: registering through the meeting's public page, confirmed by a code, the
organizer's approval (and deleting what was never confirmed); registration_scope.py: who may
register; registration_codes.py: the code that confirms the email address;
reminders.py: the reminders before a meeting, sent from Celery beat;
replies.py: calendar replies (METHOD:REPLY) read from the organizer mailbox or a raw message.
"""

from .answer_links import answer_url, invitation_for_secret, issue_answer_link, issue_answer_links
from .answers import (
    MAX_REPRESENTATIVE_CHANGES,
    RepresentationEnded,
    RepresentativeCannotDelegate,
    RepresentativeInvalid,
    RepresentativeSentYou,
    RepresentativeWithdrawn,
    TooManyRepresentativeChanges,
    answer_invitation,
    grant_representative_role,
    may_send_representative,
    represent_invitation,
)
from .changes import (
    send_cancellation,
    send_cancellation_batch,
    send_meeting_update,
    send_update_batch,
    withdraw_invitation,
)
from .invitations import (
    AnswerClosed,
    answers_open,
    invite_and_send,
    invite_members,
)
from .mailbox import ImapMailbox, fetch_replies_from_imap
from .meetings import (
    MEETING_FIELDS,
    PLACE_FIELDS,
    InvalidTransition,
    MeetingChange,
    MeetingError,
    ScheduleInvalid,
    add_co_organizer,
    cancel_meeting,
    check_schedule,
    create_meeting,
    finish_meeting,
    publish_meeting,
    update_meeting,
)
from .registration import (
    Outcome,
    RegistrationDecided,
    approve_registration,
    confirm_registration,
    delete_unconfirmed_registrations,
    outcome_of,
    pending_registrations,
    reject_registration,
    resend_code,
    start_registration,
)
from .registration_codes import CodeExpired, CodeInvalid, RateLimited
from .registration_scope import (
    RegistrationClosed,
    RegistrationError,
    RegistrationRefused,
    email_in_domains,
    parse_domains,
    public_url,
    registrable_agencies,
    registration_is_open,
)
from .reminders import send_due_reminders, send_reminder_batch
from .replies import ReplyInvalid, ingest_calendar_reply
from .sending import (
    SEND_BATCH_SIZE,
    MeetingNotPublished,
    send_invitation_batch,
    send_invitations,
)
from .waitlist import (
    SeatOfferClosed,
    expire_seat_offers,
    offer_deadline,
    offer_free_seats,
    open_offer,
    seat_freed,
    take_seat,
)

__all__ = [
    "MAX_REPRESENTATIVE_CHANGES",
    "MEETING_FIELDS",
    "PLACE_FIELDS",
    "SEND_BATCH_SIZE",
    "AnswerClosed",
    "CodeExpired",
    "CodeInvalid",
    "ImapMailbox",
    "InvalidTransition",
    "MeetingChange",
    "MeetingError",
    "MeetingNotPublished",
    "Outcome",
    "RateLimited",
    "RegistrationClosed",
    "RegistrationDecided",
    "RegistrationError",
    "RegistrationRefused",
    "ReplyInvalid",
    "RepresentationEnded",
    "RepresentativeCannotDelegate",
    "RepresentativeInvalid",
    "RepresentativeSentYou",
    "RepresentativeWithdrawn",
    "ScheduleInvalid",
    "SeatOfferClosed",
    "TooManyRepresentativeChanges",
    "add_co_organizer",
    "answer_invitation",
    "answer_url",
    "answers_open",
    "approve_registration",
    "cancel_meeting",
    "check_schedule",
    "confirm_registration",
    "create_meeting",
    "delete_unconfirmed_registrations",
    "email_in_domains",
    "expire_seat_offers",
    "fetch_replies_from_imap",
    "finish_meeting",
    "grant_representative_role",
    "ingest_calendar_reply",
    "invitation_for_secret",
    "invite_and_send",
    "invite_members",
    "issue_answer_link",
    "issue_answer_links",
    "may_send_representative",
    "offer_deadline",
    "offer_free_seats",
    "open_offer",
    "outcome_of",
    "parse_domains",
    "pending_registrations",
    "public_url",
    "publish_meeting",
    "registrable_agencies",
    "registration_is_open",
    "reject_registration",
    "represent_invitation",
    "resend_code",
    "seat_freed",
    "send_cancellation",
    "send_cancellation_batch",
    "send_due_reminders",
    "send_invitation_batch",
    "send_invitations",
    "send_meeting_update",
    "send_reminder_batch",
    "send_update_batch",
    "start_registration",
    "take_seat",
    "update_meeting",
    "withdraw_invitation",
]
