"""Meetings: create, edit, publish, cancel, finish; co-organizers."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.dates import format_zone, zone_label
from core.errors import Refused
from core.text import cleaned_for
from members.models import User

from ..models import AgendaItem, Meeting, Session
from ..snapshot import SessionInfo, session_line
from .changes import send_cancellation, send_meeting_update
from .letters import issue_ralat_after_change
from .meeting_data import AgendaItemData, MeetingData, SessionData
from .waitlist import seat_freed

# --- Meetings ---------------------------------------------------------------------------------
# An organizer creates a meeting as a draft, publishes it, and may cancel or finish it. Changes of
# time, sessions or place of a published meeting raise its calendar SEQUENCE; nothing else does.


class MeetingError(Refused):
    """A request about a meeting that its rules refuse; `message` is for the user."""

    message = _("This change is not allowed.")


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
    # Registration through the public page (see registration.py).
    "registration_open",
    "registration_scope",
    "registration_domains",
    "registration_closes_at",
    "registration_requires_approval",
    # Reminders from beat, minutes before the first session (see reminders.py).
    "reminder_offsets",
)
# Fields whose change is a change of place for the invitees' calendars.
PLACE_FIELDS = {
    "mode": _("Mode"),
    "venue": _("Venue"),
    "address": _("Address"),
    "online_url": _("Online meeting link"),
}


def check_schedule(*, sessions: Sequence[SessionData], answer_deadline: datetime | None) -> None:
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
    *,
    organizer: User,
    data: MeetingData,
    sessions: Sequence[SessionData],
    agenda: Sequence[AgendaItemData] = (),
) -> Meeting:
    """A new draft meeting with its sessions and agenda, all or nothing; its creator becomes one
    of its organizers.

    `data` holds the meeting's fields (MEETING_FIELDS); `sessions` dicts with title, starts_at
    and ends_at (aware); `agenda` dicts with title, speaker, moderator, starts_at and `session`,
    the index of its session in `sessions` or None.
    """
    check_schedule(sessions=sessions, answer_deadline=data.get("answer_deadline"))
    fields: Mapping[str, object] = data
    meeting = Meeting.objects.create(
        **{
            name: cleaned_for(Meeting, name, fields[name])
            for name in MEETING_FIELDS
            if name in data
        },
        state=Meeting.State.DRAFT,
        created_by=organizer,
    )
    meeting.organizers.add(organizer)
    saved = _save_sessions(meeting=meeting, sessions=sessions)
    _save_agenda(meeting=meeting, agenda=agenda, sessions=saved)
    return meeting


@transaction.atomic
def update_meeting(
    *,
    meeting: Meeting,
    data: MeetingData,
    sessions: Sequence[SessionData],
    agenda: Sequence[AgendaItemData] = (),
    by: User | None = None,
) -> MeetingChange:
    """Save an edit, all or nothing. Sessions and agenda items with a `pk` are kept and updated,
    those left out are removed, those without one are added.

    For a published meeting a change of time, sessions or place raises SEQUENCE by one and the
    result lists, in words, what changed (the text of the update to the invitees); an edit of
    anything else (description, title, letter number…) raises nothing. A draft is never bumped:
    nobody has its calendar entry yet. When the meeting's surat undangan is final, a change that
    raises SEQUENCE issues its ralat (by `by`), which the update email carries.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.state in (Meeting.State.CANCELLED, Meeting.State.FINISHED):
        raise InvalidTransition(_("A cancelled or finished meeting can no longer be edited."))
    check_schedule(sessions=sessions, answer_deadline=data.get("answer_deadline"))
    before = {name: getattr(meeting, name) for name in PLACE_FIELDS}
    before_zone, before_capacity = meeting.time_zone, meeting.capacity
    old_sessions = {session.pk: session for session in meeting.sessions.all()}
    as_sent = {
        pk: SessionInfo(s.title, s.starts_at, s.ends_at, uid=s.uid, sequence=s.sequence)
        for pk, s in old_sessions.items()
    }

    fields: Mapping[str, object] = data
    for name in MEETING_FIELDS:
        if name in fields:
            setattr(meeting, name, cleaned_for(Meeting, name, fields[name]))
    changes = _place_changes(before, meeting)
    whole = bool(changes) or before_zone != meeting.time_zone  # every session's event changes
    if before_zone != meeting.time_zone:
        changes.append(
            format_lazy(
                _("Time zone: {old} → {new}"),
                old=format_zone(before_zone),
                new=format_zone(meeting.time_zone),
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
        record_calendar_changes(meeting=meeting, before=as_sent, saved=saved, whole=whole)
        issue_ralat_after_change(meeting=meeting, changes=changes, by=by)
        send_meeting_update(meeting=meeting, changes=changes)
    if meeting.capacity != before_capacity:  # more seats, or none counted: offer them
        seat_freed(meeting=meeting)
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


def record_calendar_changes(
    *, meeting: Meeting, before: dict[int, SessionInfo], saved: Sequence[Session], whole: bool
) -> None:
    """After a change of a published meeting that raised its SEQUENCE: the sessions it changed
    take that SEQUENCE (added or moved ones; all of them when `whole`, a change of place or
    zone), so the update tells each person those; and each session removed is kept, with it,
    for the CANCEL its holders are owed. `before` is the sessions as they were, by pk."""
    changed = []
    for session in saved:
        old = before.get(session.pk)
        if (
            whole
            or old is None
            or (old.starts_at, old.ends_at)
            != (
                session.starts_at,
                session.ends_at,
            )
        ):
            session.sequence = meeting.sequence
            changed.append(session)
    Session.objects.bulk_update(changed, ["sequence"])
    kept = {session.pk for session in saved}
    removed = [
        {
            "uid": old.uid,
            "title": old.title,
            "starts_at": old.starts_at.isoformat(),
            "ends_at": old.ends_at.isoformat(),
            "sequence": meeting.sequence,
        }
        for pk, old in before.items()
        if pk not in kept
    ]
    if removed:
        meeting.removed_sessions = [*(meeting.removed_sessions or []), *removed]
        Meeting.objects.filter(pk=meeting.pk).update(removed_sessions=meeting.removed_sessions)


def _save_sessions(
    *, meeting: Meeting, sessions: Sequence[SessionData], existing: dict | None = None
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


def _save_agenda(
    *, meeting: Meeting, agenda: Sequence[AgendaItemData], sessions: list[Session]
) -> None:
    existing = {item.pk: item for item in meeting.agenda_items.all()}
    kept = {pk for item in agenda if (pk := item.get("pk")) is not None}
    meeting.agenda_items.exclude(pk__in=kept).delete()
    for position, values in enumerate(agenda):
        pk = values.get("pk")
        item = (existing.get(pk) if pk is not None else None) or AgendaItem(meeting=meeting)
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
        # The same address typed again in a browser comes back with CRLF line ends.
        if old.splitlines() != new.splitlines():
            if name == "mode":
                old, new = Meeting.Mode(old).label, Meeting.Mode(new).label
            changes.append(
                format_lazy(
                    _("{field}: {old} → {new}"), field=label, old=old or "—", new=new or "—"
                )
            )
    return changes


def _session_changes(old: dict, new: Sequence[SessionData], zone: str) -> list:
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


_lazy_text = lazy(lambda function, *args: function(*args), str)
