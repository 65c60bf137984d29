"""Meetings and invitations: every write that matters, one function per use case."""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from core.dates import zone_label
from core.secrets import hash_secret, new_secret
from members.models import Member, User
from outbox.models import Kind, OutboxMessage
from outbox.services import queue_messages

from .calendar import MeetingSnapshot, SessionInfo, session_line
from .mail import cancellation_message, invitation_message, update_message, withdrawal_message
from .models import AgendaItem, AnswerLink, Invitation, Meeting, Session

log = logging.getLogger(__name__)


# --- Meetings ---------------------------------------------------------------------------------
# An organizer creates a meeting as a draft, publishes it, and may cancel or finish it. Changes of
# time, sessions or place of a published meeting raise its calendar SEQUENCE; nothing else does.


class MeetingError(Exception):
    """A request about a meeting that its rules refuse; `message` is for the user."""

    def __init__(self, message=None):
        self.message = message or _("This change is not allowed.")
        super().__init__(str(self.message))


class InvalidTransition(MeetingError):
    """The meeting's state does not allow this step (e.g. publishing a cancelled meeting)."""


class ScheduleInvalid(MeetingError):
    """Sessions or answer deadline that cannot be: no session, a session ending before it starts,
    a deadline after the first session has begun."""


@dataclass(frozen=True)
class MeetingChange:
    """What an edit changed: `changes` lists, in words, each change of time, sessions or place
    (lazy text: it renders in the language active where it is shown or sent)."""

    meeting: Meeting
    changes: list = field(default_factory=list)
    sequence_bumped: bool = False

    @property
    def significant(self) -> bool:
        return bool(self.changes)


MEETING_FIELDS = (
    "title",
    "description",
    "host_agency",
    "letter_number",
    "mode",
    "venue",
    "address",
    "online_url",
    "time_zone",
    "capacity",
    "answer_deadline",
    "chair",
    "minute_taker",
)
# Fields whose change is a change of place for the invitees' calendars.
PLACE_FIELDS = {
    "mode": _("Mode"),
    "venue": _("Venue"),
    "address": _("Address"),
    "online_url": _("Online meeting link"),
}


def check_schedule(*, sessions: Sequence[dict], answer_deadline: datetime | None) -> None:
    """At least one session; each ends after it starts; answers close before the first session
    starts. Raises ScheduleInvalid naming what is wrong."""
    if not sessions:
        raise ScheduleInvalid(_("A meeting needs at least one session."))
    for session in sessions:
        if session["ends_at"] <= session["starts_at"]:
            raise ScheduleInvalid(
                format_lazy(_("Session “{title}” ends before it starts."), title=session["title"])
            )
    first_start = min(session["starts_at"] for session in sessions)
    if answer_deadline is not None and answer_deadline >= first_start:
        raise ScheduleInvalid(_("The answer deadline must be before the first session starts."))


@transaction.atomic
def create_meeting(
    *, organizer: User, data: dict, sessions: Sequence[dict], agenda: Sequence[dict] = ()
) -> Meeting:
    """A new draft meeting with its sessions and agenda, all or nothing; its creator becomes one
    of its organizers.

    `data` holds the meeting's fields (MEETING_FIELDS); `sessions` dicts with title, starts_at
    and ends_at (aware); `agenda` dicts with title, speaker, moderator, starts_at and `session`,
    the index of its session in `sessions` or None.
    """
    check_schedule(sessions=sessions, answer_deadline=data.get("answer_deadline"))
    meeting = Meeting.objects.create(
        **{name: data[name] for name in MEETING_FIELDS if name in data},
        state=Meeting.State.DRAFT,
        created_by=organizer,
    )
    meeting.organizers.add(organizer)
    saved = _save_sessions(meeting=meeting, sessions=sessions)
    _save_agenda(meeting=meeting, agenda=agenda, sessions=saved)
    return meeting


@transaction.atomic
def update_meeting(
    *, meeting: Meeting, data: dict, sessions: Sequence[dict], agenda: Sequence[dict] = ()
) -> MeetingChange:
    """Save an edit, all or nothing. Sessions and agenda items with a `pk` are kept and updated,
    those left out are removed, those without one are added.

    For a published meeting a change of time, sessions or place raises SEQUENCE by one and the
    result lists, in words, what changed (the text of the update to the invitees); an edit of
    anything else (description, title, letter number…) raises nothing. A draft is never bumped:
    nobody has its calendar entry yet.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state in (Meeting.State.CANCELLED, Meeting.State.FINISHED):
        raise InvalidTransition(_("A cancelled or finished meeting can no longer be edited."))
    check_schedule(sessions=sessions, answer_deadline=data.get("answer_deadline"))
    before = {name: getattr(meeting, name) for name in PLACE_FIELDS}
    before_zone = meeting.time_zone
    old_sessions = {session.pk: session for session in meeting.sessions.all()}

    for name in MEETING_FIELDS:
        if name in data:
            setattr(meeting, name, data[name])
    changes = _place_changes(before, meeting)
    if before_zone != meeting.time_zone:
        changes.append(
            format_lazy(
                _("Time zone: {old} → {new}"),
                old=_zone_name(before_zone),
                new=_zone_name(meeting.time_zone),
            )
        )
    changes += _session_changes(old_sessions, sessions, meeting.time_zone)

    bumped = bool(changes) and meeting.state == Meeting.State.PUBLISHED
    if bumped:
        meeting.sequence += 1
    meeting.save()
    saved = _save_sessions(meeting=meeting, sessions=sessions, existing=old_sessions)
    _save_agenda(meeting=meeting, agenda=agenda, sessions=saved)
    if bumped:
        send_meeting_update(meeting=meeting, changes=changes)
    return MeetingChange(meeting=meeting, changes=changes if bumped else [], sequence_bumped=bumped)


@transaction.atomic
def publish_meeting(*, meeting: Meeting) -> Meeting:
    """Draft → published: from now on invitations can be sent and answered."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != Meeting.State.DRAFT:
        raise InvalidTransition(_("Only a draft meeting can be published."))
    if not meeting.sessions.exists():
        raise ScheduleInvalid(_("A meeting needs at least one session."))
    meeting.state = Meeting.State.PUBLISHED
    meeting.save(update_fields=["state", "updated_at"])
    return meeting


@transaction.atomic
def cancel_meeting(*, meeting: Meeting) -> Meeting:
    """Published → cancelled. SEQUENCE grows by one, as RFC 5546 wants of a CANCEL."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != Meeting.State.PUBLISHED:
        raise InvalidTransition(_("Only a published meeting can be cancelled."))
    meeting.state = Meeting.State.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["state", "sequence", "updated_at"])
    send_cancellation(meeting=meeting)
    return meeting


@transaction.atomic
def finish_meeting(*, meeting: Meeting) -> Meeting:
    """Published → finished: the meeting took place; answers close, outputs can follow."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != Meeting.State.PUBLISHED:
        raise InvalidTransition(_("Only a published meeting can be marked finished."))
    meeting.state = Meeting.State.FINISHED
    meeting.save(update_fields=["state", "updated_at"])
    return meeting


@transaction.atomic
def add_co_organizer(*, meeting: Meeting, user: User) -> Meeting:
    """Give an existing, active account the organizer pages of this one meeting (only)."""
    if not user.is_active:
        raise MeetingError(_("This account is not active."))
    meeting.organizers.add(user)
    return meeting


def _save_sessions(
    *, meeting: Meeting, sessions: Sequence[dict], existing: dict | None = None
) -> list[Session]:
    existing = existing or {}
    kept = {session.get("pk") for session in sessions} - {None}
    stale = [pk for pk in existing if pk not in kept]
    if stale:
        try:
            Session.objects.filter(meeting=meeting, pk__in=stale).delete()
        except ProtectedError:
            raise MeetingError(
                _("A session that already has check-ins cannot be removed.")
            ) from None
    saved = []
    for values in sessions:
        session = existing.get(values.get("pk")) or Session(meeting=meeting)
        session.title = values["title"]
        session.starts_at, session.ends_at = values["starts_at"], values["ends_at"]
        session.save()
        saved.append(session)
    return saved


def _save_agenda(*, meeting: Meeting, agenda: Sequence[dict], sessions: list[Session]) -> None:
    existing = {item.pk: item for item in meeting.agenda_items.all()}
    kept = {item.get("pk") for item in agenda} - {None}
    meeting.agenda_items.exclude(pk__in=kept).delete()
    for position, values in enumerate(agenda):
        item = existing.get(values.get("pk")) or AgendaItem(meeting=meeting)
        index = values.get("session")
        item.session = sessions[index] if index is not None else None
        item.starts_at = values.get("starts_at")
        item.title = values["title"]
        item.speaker = values.get("speaker", "")
        item.moderator = values.get("moderator", "")
        item.position = position
        item.save()


def _place_changes(before: dict, meeting: Meeting) -> list:
    changes = []
    for name, label in PLACE_FIELDS.items():
        old, new = before[name], getattr(meeting, name)
        if old != new:
            if name == "mode":
                old, new = Meeting.Mode(old).label, Meeting.Mode(new).label
            changes.append(
                format_lazy(
                    _("{field}: {old} → {new}"), field=label, old=old or "—", new=new or "—"
                )
            )
    return changes


def _session_changes(old: dict, new: Sequence[dict], zone: str) -> list:
    changes = []
    kept = set()
    for values in new:
        session = old.get(values.get("pk"))
        if session is None:
            changes.append(
                _lazy_text(
                    _described,
                    _("New session {title}: {when}"),
                    values["title"],
                    values["starts_at"],
                    values["ends_at"],
                    zone,
                )
            )
            continue
        kept.add(session.pk)
        if (session.starts_at, session.ends_at) != (values["starts_at"], values["ends_at"]):
            changes.append(
                _lazy_text(
                    _rescheduled,
                    values["title"],
                    (session.starts_at, session.ends_at),
                    (values["starts_at"], values["ends_at"]),
                    zone,
                )
            )
    for pk, session in old.items():
        if pk not in kept:
            changes.append(
                _lazy_text(
                    _described,
                    _("Session {title} removed: {when}"),
                    session.title,
                    session.starts_at,
                    session.ends_at,
                    zone,
                )
            )
    return changes


def _described(template, title: str, starts_at: datetime, ends_at: datetime, zone: str) -> str:
    line = session_line(SessionInfo(title=title, starts_at=starts_at, ends_at=ends_at), zone)
    return str(template).format(title=title, when=line)


def _rescheduled(title: str, old: tuple, new: tuple, zone: str) -> str:
    """ "Day 1: 08.00–16.00 → 09.00–16.00 WIB" on the same day, both whole lines otherwise."""
    tz = ZoneInfo(zone)
    (old_start, old_end), (new_start, new_end) = [
        (start.astimezone(tz), end.astimezone(tz)) for start, end in (old, new)
    ]
    same_day = old_start.date() == new_start.date() == old_end.date() == new_end.date()
    if same_day:
        span = f"{old_start:%H.%M}–{old_end:%H.%M} → {new_start:%H.%M}–{new_end:%H.%M}"
        span += f" {zone_label(zone, new_start)}"
    else:
        before = session_line(SessionInfo(title=title, starts_at=old[0], ends_at=old[1]), zone)
        after = session_line(SessionInfo(title=title, starts_at=new[0], ends_at=new[1]), zone)
        span = f"{before} → {after}"
    return f"{title}: {span}"


def _zone_name(zone: str) -> str:
    label = zone_label(zone)
    return f"{zone} ({label})" if label != zone else zone


_lazy_text = lazy(lambda function, *args: function(*args), str)


# --- Invitations and answers ---------------------------------------------------------------


class AnswerClosed(Exception):
    """The meeting no longer takes answers (deadline passed, cancelled or finished)."""

    message = _("This meeting no longer accepts answers.")

    def __init__(self, deadline=None):
        super().__init__(deadline)
        self.deadline = deadline


class MeetingNotPublished(Exception):
    """Invitations are sent for published meetings only."""

    message = _("Publish the meeting before sending its invitations.")


@transaction.atomic
def invite_members(
    *,
    meeting: Meeting,
    members: Iterable[Member],
    role: str = Invitation.Role.PARTICIPANT,
    invited_by: User | None = None,
) -> list[Invitation]:
    """Invite each member once: someone already invited keeps their invitation and answer;
    a withdrawn invitation is renewed."""
    members = {member.pk: member for member in members}
    existing = {
        invitation.member_id: invitation
        for invitation in meeting.invitations.filter(member_id__in=members)
    }
    renewed = [inv for inv in existing.values() if inv.withdrawn_at is not None]
    for invitation in renewed:
        invitation.withdrawn_at = None
        invitation.answer = Invitation.Answer.PENDING
        invitation.invitation_sent_at = None
    Invitation.objects.bulk_update(renewed, ["withdrawn_at", "answer", "invitation_sent_at"])
    created = Invitation.objects.bulk_create(
        [
            Invitation(meeting=meeting, member=member, role=role, invited_by=invited_by)
            for pk, member in members.items()
            if pk not in existing
        ]
    )
    return created + renewed


class RepresentativeInvalid(Exception):
    """The representative cannot be the person they stand in for."""

    message = _("The representative must be someone else, with an email address of their own.")


# Invitation emails are built in Celery batches of this size: small enough for one short
# transaction and a bounded worker memory, large enough to share one MeetingSnapshot widely.
SEND_BATCH_SIZE = 200


def issue_answer_link(*, invitation: Invitation) -> str:
    """A new secret for one email; the caller puts it in the link. Only its hash is kept."""
    return issue_answer_links(invitations=[invitation])[invitation.pk]


def issue_answer_links(*, invitations: Sequence[Invitation]) -> dict[int, str]:
    """A new secret per invitation, written in one query: {invitation pk: secret}."""
    secrets = {invitation.pk: new_secret() for invitation in invitations}
    AnswerLink.objects.bulk_create(
        [
            AnswerLink(invitation_id=pk, secret_hash=hash_secret(secret))
            for pk, secret in secrets.items()
        ],
        batch_size=500,
    )
    return secrets


def answer_url(secret: str) -> str:
    """The absolute address of the answer page a secret opens, for emails."""
    return f"{settings.SITE_URL}{reverse('events:answer', args=[secret])}"


def invitation_for_secret(secret: str) -> Invitation | None:
    """The invitation a link opens, or None for a forged, mistyped or withdrawn one.

    The lookup is by the secret's hash, so its timing tells nothing about the secret.
    """
    if not secret or len(secret) > 100:
        return None
    link = (
        AnswerLink.objects.select_related(
            "invitation__meeting__host_agency",
            "invitation__member__agency",
            "invitation__represented_by__member",
        )
        .filter(secret_hash=hash_secret(secret), invitation__withdrawn_at__isnull=True)
        .first()
    )
    return link.invitation if link else None


def send_invitations(
    *, meeting: Meeting, invitations: Iterable[Invitation], sent_by: User | None = None
) -> int:
    """Send the invitation email to each of `invitations` that has not had it yet.

    Only a published meeting sends. The work is split into batches of SEND_BATCH_SIZE, each
    built by a Celery task after the caller's transaction commits (see send_invitation_batch),
    so inviting 5,000 people is one quick request. Returns how many invitations were handed
    over; a repeated call hands over only those still unsent, and a repeated task skips what
    another already sent. `sent_by` is the organizer who pressed send (for the log).
    """
    if meeting.state != Meeting.State.PUBLISHED:
        raise MeetingNotPublished
    ids = sorted(
        Invitation.objects.filter(
            meeting=meeting,
            pk__in=[invitation.pk for invitation in invitations],
            invitation_sent_at__isnull=True,
            withdrawn_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    batches = [ids[i : i + SEND_BATCH_SIZE] for i in range(0, len(ids), SEND_BATCH_SIZE)]
    log.info(
        "Sending %d invitations of meeting %s in %d batches (by %s)",
        len(ids),
        meeting.pk,
        len(batches),
        sent_by,
    )

    def enqueue():
        from .tasks import send_invitations_batch

        for batch in batches:
            send_invitations_batch.delay(meeting.pk, batch)

    transaction.on_commit(enqueue)
    return len(ids)


@transaction.atomic
def send_invitation_batch(*, meeting_id: int, invitation_ids: Sequence[int]) -> int:
    """Write the invitation emails of one batch to the outbox, each with a new answer link,
    in the member's language (Rakor's language: members have none of their own yet).

    The invitations are locked and re-checked, and marked sent in the same transaction as
    their outbox rows, so two runs of the same batch write each email once. A fixed number of
    queries per batch: the meeting (snapshot), the invitations, the links, the outbox rows and
    the mark. Returns how many emails it wrote.
    """
    meeting = (
        Meeting.objects.select_related("host_agency")
        .prefetch_related("sessions", "agenda_items")
        .filter(pk=meeting_id, state=Meeting.State.PUBLISHED)
        .first()
    )
    if meeting is None:
        return 0
    invitations = list(
        Invitation.objects.select_for_update(of=("self",))
        .select_related("member__agency", "represented_by__member")
        .filter(
            meeting_id=meeting_id,
            pk__in=invitation_ids,
            invitation_sent_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .order_by("pk")
    )
    if not invitations:
        return 0
    for invitation in invitations:
        invitation.meeting = meeting  # no query per message for the meeting
    snapshot = MeetingSnapshot.of(meeting)
    secrets = issue_answer_links(invitations=invitations)
    language = settings.LANGUAGE_CODE
    messages = [
        invitation_message(
            invitation=invitation,
            answer_url=answer_url(secrets[invitation.pk]),
            language=language,
            snapshot=snapshot,
        )
        for invitation in invitations
    ]
    queue_messages(messages=messages, kind=Kind.INVITATION, topic=f"meeting:{meeting_id}")
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
        invitation_sent_at=timezone.now()
    )
    return len(messages)


@transaction.atomic
def answer_invitation(*, invitation: Invitation, answer: str, note: str = "") -> Invitation:
    """Record an answer until the deadline (AnswerClosed after it, or when the meeting is not
    published).

    Capacity: an acceptance over capacity goes to the waiting list (PARTSTAT TENTATIVE). When
    someone who held a seat answers otherwise, the seat goes at once to the first on the
    waiting list (earliest waitlisted_at), who is moved to "will attend" and told by email: no
    offer to accept, since they already said they would come. The row lock on the meeting
    makes concurrent answers take and free seats one at a time: no overbooking.
    """
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    now = timezone.now()
    _check_open(meeting, now)
    held_seat = invitation.answer == Invitation.Answer.YES
    full = meeting.capacity is not None and _seats_taken(meeting) >= meeting.capacity
    if answer == Invitation.Answer.YES and not held_seat and full:
        answer = Invitation.Answer.WAITLISTED
        invitation.waitlisted_at = invitation.waitlisted_at or now
    if answer not in (Invitation.Answer.WAITLISTED, Invitation.Answer.YES):
        invitation.waitlisted_at = None
    invitation.answer, invitation.note, invitation.answered_at = answer, note, now
    invitation.save(update_fields=["answer", "note", "answered_at", "waitlisted_at"])
    if held_seat and answer != Invitation.Answer.YES:
        promote_from_waitlist(meeting=meeting)
    return invitation


@transaction.atomic
def represent_invitation(
    *,
    invitation: Invitation,
    name: str,
    email: str,
    position: str = "",
    note: str = "",
) -> Invitation:
    """The invitee sends a representative ("Diwakilkan"); returns the representative's invitation.

    The representative is the member with that email (any case) or a new member in the
    original's agency; they get an invitation of their own, with the same role, and its email.
    The original is marked represented. A seat the original held passes to the representative
    (the waiting list does not move); otherwise the representative has not answered yet.
    """
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("member")
        .get(pk=invitation.pk)
    )
    now = timezone.now()
    _check_open(meeting, now)
    email = email.strip()
    if not email or email.lower() == invitation.member.email.lower():
        raise RepresentativeInvalid
    member = Member.objects.filter(email__iexact=email).first()
    if member is None:
        member = Member.objects.create(
            full_name=name.strip(),
            email=email,
            position=position.strip(),
            agency_id=invitation.member.agency_id,
        )
    representative, _created = Invitation.objects.get_or_create(
        meeting=meeting,
        member=member,
        defaults={"role": invitation.role, "invited_by": invitation.invited_by},
    )
    if representative.withdrawn_at is not None:
        representative.withdrawn_at, representative.answer = None, Invitation.Answer.PENDING
        representative.invitation_sent_at = None
    took_seat = (
        invitation.answer == Invitation.Answer.YES
        and representative.answer != Invitation.Answer.YES
    )
    if took_seat:
        representative.answer, representative.answered_at = Invitation.Answer.YES, now
        representative.waitlisted_at = None
    representative.save()
    seat_freed = invitation.answer == Invitation.Answer.YES and not took_seat
    invitation.answer, invitation.note, invitation.answered_at = (
        Invitation.Answer.REPRESENTED,
        note,
        now,
    )
    invitation.represented_by, invitation.waitlisted_at = representative, None
    invitation.save(
        update_fields=["answer", "note", "answered_at", "represented_by", "waitlisted_at"]
    )
    if seat_freed:  # the representative already had a seat of their own
        promote_from_waitlist(meeting=meeting)
    if representative.invitation_sent_at is None:
        send_invitation_batch(meeting_id=meeting.pk, invitation_ids=[representative.pk])
    return representative


def promote_from_waitlist(*, meeting: Meeting) -> list[Invitation]:
    """Fill free seats from the waiting list, first come first served, and tell each person
    promoted by email. Call it inside the transaction that freed a seat, with the meeting row
    locked (answer_invitation does; so must withdrawing an invitation)."""
    if meeting.capacity is None:
        free = None
    else:
        free = meeting.capacity - _seats_taken(meeting)
        if free <= 0:
            return []
    waiting = meeting.invitations.filter(
        answer=Invitation.Answer.WAITLISTED, withdrawn_at__isnull=True
    ).order_by("waitlisted_at", "pk")
    promoted = list(
        waiting.select_for_update(of=("self",)).select_related("member__agency")[:free]
        if free is not None
        else waiting.select_for_update(of=("self",)).select_related("member__agency")
    )
    if not promoted:
        return []
    now = timezone.now()
    for invitation in promoted:
        invitation.answer, invitation.answered_at, invitation.waitlisted_at = (
            Invitation.Answer.YES,
            now,
            None,
        )
    Invitation.objects.bulk_update(promoted, ["answer", "answered_at", "waitlisted_at"])
    snapshot = MeetingSnapshot.of(meeting)
    secrets = issue_answer_links(invitations=promoted)
    queue_messages(
        messages=[
            update_message(
                invitation=invitation,
                answer_url=answer_url(secrets[invitation.pk]),
                changes=[_("A seat became free: you are now registered as attending.")],
                language=settings.LANGUAGE_CODE,
                snapshot=snapshot,
            )
            for invitation in promoted
        ],
        kind=Kind.UPDATE,
        topic=f"meeting:{meeting.pk}",
    )
    return promoted


@transaction.atomic
def invite_and_send(
    *,
    meeting: Meeting,
    members: Iterable[Member],
    role: str = Invitation.Role.PARTICIPANT,
    invited_by: User | None = None,
) -> int:
    """Invite `members` and send the new invitations, all or nothing (the inviting page).

    Only a published meeting: a draft, cancelled or finished one raises MeetingNotPublished and
    nothing is written (publishing does not send, so a draft's invitations would never go out).
    The meeting row is locked so it cannot be cancelled between the check and the sending.
    Someone already invited keeps their invitation, role and answer and gets no second email; a
    withdrawn invitation is renewed and sent again. Returns how many emails are being sent (the
    Celery batches start when the transaction commits).
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state != Meeting.State.PUBLISHED:
        raise MeetingNotPublished
    invitations = invite_members(meeting=meeting, members=members, role=role, invited_by=invited_by)
    return send_invitations(meeting=meeting, invitations=invitations, sent_by=invited_by)


# --- Changes, cancellation and withdrawal (iTIP, RFC 5546) -----------------------------------
# Whoever already has the meeting in their calendar (their invitation was sent and is not
# withdrawn, whatever they answered) is told of every change: a REQUEST with the same UID and
# the new SEQUENCE for a change of time or place (§3.2.2.1), a CANCEL with STATUS:CANCELLED when
# the meeting is cancelled (§3.2.5), and a CANCEL naming only them when their invitation is
# withdrawn. Those whose invitation is not sent yet get nothing now: their invitation, built
# later, already shows the meeting as it is. Fan-outs run in Celery batches after commit, like
# the invitations.


def _calendar_holders(meeting: Meeting) -> list[int]:
    """Ids of the invitations whose email went out and that are not withdrawn."""
    return sorted(
        Invitation.objects.filter(
            meeting=meeting, withdrawn_at__isnull=True, invitation_sent_at__isnull=False
        ).values_list("pk", flat=True)
    )


def _batches(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[i : i + SEND_BATCH_SIZE]) for i in range(0, len(ids), SEND_BATCH_SIZE)]


def send_meeting_update(*, meeting: Meeting, changes: Sequence) -> int:
    """Tell everyone who holds the meeting in their calendar that its time or place changed.

    RFC 5546 §3.2.2.1: the organizer re-sends METHOD:REQUEST with the same UID and the raised
    SEQUENCE (update_meeting has raised it) to every attendee still invited, whatever they
    answered; each email says in words what changed and carries a fresh answer link. Call it
    inside the transaction that saved the change: the batches (SEND_BATCH_SIZE) are handed to
    Celery after commit, so a big meeting is still one quick request. Returns how many emails
    were handed over (0 for a meeting that is not published).
    """
    if meeting.state != Meeting.State.PUBLISHED:
        return 0
    with override(settings.LANGUAGE_CODE):  # a task takes plain text, not lazy translations
        texts = [str(change) for change in changes]
    ids = _calendar_holders(meeting)
    since = meeting.updated_at.isoformat()
    log.info(
        "Sending the update of meeting %s (SEQUENCE %s) to %d",
        meeting.pk,
        meeting.sequence,
        len(ids),
    )

    def enqueue():
        from .tasks import send_update_batch

        for batch in _batches(ids):
            send_update_batch.delay(meeting.pk, batch, texts, since)

    transaction.on_commit(enqueue)
    return len(ids)


def send_cancellation(*, meeting: Meeting) -> int:
    """Tell everyone who holds the meeting in their calendar that it is cancelled.

    RFC 5546 §3.2.5: METHOD:CANCEL with the same UID, the raised SEQUENCE (cancel_meeting has
    raised it) and STATUS:CANCELLED, to every attendee still invited. Batched through Celery
    after commit like send_meeting_update. Returns how many emails were handed over.
    """
    if meeting.state != Meeting.State.CANCELLED:
        return 0
    ids = _calendar_holders(meeting)
    since = meeting.updated_at.isoformat()
    log.info("Sending the cancellation of meeting %s to %d", meeting.pk, len(ids))

    def enqueue():
        from .tasks import send_cancellation_batch

        for batch in _batches(ids):
            send_cancellation_batch.delay(meeting.pk, batch, since)

    transaction.on_commit(enqueue)
    return len(ids)


def send_update_batch(
    *, meeting_id: int, invitation_ids: Sequence[int], changes: Sequence[str], since: str
) -> int:
    """Write the update emails (METHOD:REQUEST, the meeting as it is now) of one batch to the
    outbox. `since` is when the change was saved: a repeated run skips those who already have
    an update written after it. Returns how many emails it wrote."""
    return _send_change_batch(
        meeting_id=meeting_id,
        invitation_ids=invitation_ids,
        kind=Kind.UPDATE,
        state=Meeting.State.PUBLISHED,
        since=since,
        build=lambda invitation, snapshot, url: update_message(
            invitation=invitation,
            answer_url=url,
            changes=changes,
            language=settings.LANGUAGE_CODE,
            snapshot=snapshot,
        ),
    )


def send_cancellation_batch(*, meeting_id: int, invitation_ids: Sequence[int], since: str) -> int:
    """Write the cancellation emails (METHOD:CANCEL, STATUS:CANCELLED) of one batch to the
    outbox; a repeated run writes nothing twice. Returns how many emails it wrote."""
    return _send_change_batch(
        meeting_id=meeting_id,
        invitation_ids=invitation_ids,
        kind=Kind.CANCELLATION,
        state=Meeting.State.CANCELLED,
        since=since,
        build=lambda invitation, snapshot, url: cancellation_message(
            invitation=invitation, language=settings.LANGUAGE_CODE, snapshot=snapshot
        ),
    )


@transaction.atomic
def _send_change_batch(
    *,
    meeting_id: int,
    invitation_ids: Sequence[int],
    kind: str,
    state: str,
    since: str,
    build,
) -> int:
    # The meeting row lock makes two runs of the same batch take turns; the second then sees
    # the rows the first wrote and skips their recipients.
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("host_agency")
        .filter(pk=meeting_id, state=state)
        .first()
    )
    if meeting is None:
        return 0
    topic = f"meeting:{meeting_id}"
    invitations = list(
        Invitation.objects.select_related("member__agency", "represented_by__member")
        .filter(
            meeting_id=meeting_id,
            pk__in=invitation_ids,
            withdrawn_at__isnull=True,
            invitation_sent_at__isnull=False,
        )
        .order_by("pk")
    )
    done = set(
        OutboxMessage.objects.filter(
            kind=kind,
            topic=topic,
            created_at__gte=datetime.fromisoformat(since),
            recipient__in=[invitation.member.email for invitation in invitations],
        ).values_list("recipient", flat=True)
    )
    invitations = [i for i in invitations if i.member.email not in done]
    if not invitations:
        return 0
    for invitation in invitations:
        invitation.meeting = meeting
    snapshot = MeetingSnapshot.of(meeting)
    secrets = issue_answer_links(invitations=invitations) if kind == Kind.UPDATE else {}
    messages = [
        build(
            invitation,
            snapshot,
            answer_url(secrets[invitation.pk]) if invitation.pk in secrets else "",
        )
        for invitation in invitations
    ]
    queue_messages(messages=messages, kind=kind, topic=topic)
    return len(messages)


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation, withdrawn_by: User | None) -> Invitation:
    """Withdraw one invitation: its answer links stop working, and the person, if their
    invitation was sent, gets METHOD:CANCEL naming only them (RFC 5546 §3.2.5: removing an
    attendee; no STATUS:CANCELLED, since the meeting itself goes on, and no new SEQUENCE, so
    the others' calendar entries stay current). A seat they held goes to the waiting list.
    Withdrawing again does nothing."""
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("member__agency", "represented_by__member")
        .get(pk=invitation.pk)
    )
    if invitation.withdrawn_at is not None:
        return invitation
    held_seat = invitation.answer == Invitation.Answer.YES
    invitation.withdrawn_at, invitation.waitlisted_at = timezone.now(), None
    invitation.save(update_fields=["withdrawn_at", "waitlisted_at"])
    log.info("Invitation %s of meeting %s withdrawn by %s", invitation.pk, meeting.pk, withdrawn_by)
    if meeting.state != Meeting.State.PUBLISHED:
        return invitation
    if invitation.invitation_sent_at is not None:
        invitation.meeting = meeting
        queue_messages(
            messages=[withdrawal_message(invitation=invitation, language=settings.LANGUAGE_CODE)],
            kind=Kind.CANCELLATION,
            topic=f"meeting:{meeting.pk}",
        )
    if held_seat:
        promote_from_waitlist(meeting=meeting)
    return invitation


def _check_open(meeting: Meeting, now) -> None:
    if meeting.state != Meeting.State.PUBLISHED or (
        meeting.answer_deadline and meeting.answer_deadline < now
    ):
        raise AnswerClosed(meeting.answer_deadline)


def _seats_taken(meeting: Meeting) -> int:
    return meeting.invitations.filter(
        answer=Invitation.Answer.YES, withdrawn_at__isnull=True
    ).count()
