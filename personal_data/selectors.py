"""Reads about personal data: whose data a page or file shows (for the access log), the access
log itself, and everything Rakor holds about one person ("Data saya", its exports and the
`personal_data export` command). Each a fixed number of queries, whatever the data."""

import base64
from dataclasses import dataclass, field
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet

from attendance.models import CheckIn, OnlineAttendance, WalkIn
from events.models import Invitation, Meeting, Registration, Session
from members.models import Member
from outbox.models import OutboxMessage
from outputs.models import Document
from records.models import FrozenDocument

from .models import AccessedPerson, AccessEntry, RightsRequest

ACCESS_LOG_PER_PAGE = 50


# --- Whose data a page or a file shows ---------------------------------------------------------


def in_meeting(*, meeting: Meeting) -> QuerySet[Invitation]:
    """Everyone a meeting's records may name: its invitations, withdrawn ones included (a
    walk-in's withdrawn invitation can still be on a sheet)."""
    return Invitation.objects.filter(meeting=meeting)


def on_sheet(*, session: Session) -> QuerySet[Invitation]:
    """Everyone a session's daftar hadir (filled in or blank) may print: the invitations still
    standing and whoever checked in to the session."""
    checked_in = CheckIn.objects.filter(invitation=OuterRef("pk"), session_id=session.pk)
    # A check-in's invitation is its session's meeting's: one row per person, read by meeting.
    return Invitation.objects.filter(
        Q(withdrawn_at__isnull=True) | Q(Exists(checked_in)), meeting_id=session.meeting_id
    )


def in_record(*, document: FrozenDocument) -> QuerySet[Invitation]:
    """Everyone a frozen record may print: a daftar hadir its session's sheet, any other
    record (the notulen appends the sheets, the surat undangan lists the invitees) the
    meeting's people."""
    if document.kind == FrozenDocument.Kind.DAFTAR_HADIR and document.subject_id:
        return on_sheet(session=Session(pk=document.subject_id, meeting_id=document.meeting_id))
    return in_meeting(meeting=document.meeting)


# --- The access log ---------------------------------------------------------------------------


def access_log(*, member: Member | None = None, user_email: str = "") -> QuerySet[AccessEntry]:
    """Access log entries, newest first: those that showed `member` ("who saw my data?"), those
    made by the account `user_email`, or all."""
    entries = AccessEntry.objects.select_related("meeting").order_by("-at", "-pk")
    if member is not None:
        shown = AccessedPerson.objects.filter(member=member).values("entry_id")
        entries = entries.filter(pk__in=shown)
    if user_email:
        entries = entries.filter(user__email__iexact=user_email)
    return entries


def access_log_page(*, entries: QuerySet[AccessEntry], number) -> Page:
    """One page of `entries`: two queries (the count and the page), whatever the log's size."""
    return Paginator(entries, ACCESS_LOG_PER_PAGE).get_page(number)


def affected(*, since: datetime, until: datetime) -> QuerySet[Member]:
    """The people whose data an access between `since` and `until` showed (Art. 46: whom to
    tell after a breach), by name. One query."""
    shown = AccessedPerson.objects.filter(entry__at__gte=since, entry__at__lt=until).values(
        "member_id"
    )
    return Member.objects.filter(pk__in=shown).select_related("agency").order_by("full_name", "pk")


def open_requests() -> QuerySet[RightsRequest]:
    return RightsRequest.objects.filter(state=RightsRequest.State.OPEN).select_related(
        "member__agency"
    )


def answered_requests() -> QuerySet[RightsRequest]:
    return (
        RightsRequest.objects.exclude(state=RightsRequest.State.OPEN)
        .select_related("member__agency", "answered_by")
        .order_by("-answered_at", "-pk")
    )


# --- Everything about one person ---------------------------------------------------------------


@dataclass
class PersonData:
    """What Rakor holds about one person, as "Data saya" shows it and its exports write it."""

    member: Member
    invitations: list[Invitation] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    online: list[OnlineAttendance] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    walk_ins: list[WalkIn] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    emails: list[OutboxMessage] = field(default_factory=list)
    accesses: list[AccessEntry] = field(default_factory=list)
    requests: list[RightsRequest] = field(default_factory=list)

    def as_json(self) -> dict:
        """The export (Art. 7 and 13: a copy, in a common machine-readable form). Only this
        person's data: whoever else a record names is left out (Art. 33(b))."""
        m = self.member
        return {
            "profile": {
                "full_name": m.full_name,
                "email": m.email,
                "nip": m.nip,
                "employment": m.employment,
                "position": m.position,
                "rank": m.rank,
                "work_unit": m.work_unit,
                "phone": m.phone,
                "agency": str(m.agency),
                "language": m.language,
                "account": bool(m.user_id),
                "created_at": m.created_at,
                "updated_at": m.updated_at,
            },
            "invitations": [
                {
                    "meeting": i.meeting.title,
                    "role": i.get_role_display(),
                    "answer": i.get_answer_display(),
                    "note": i.note,
                    "answered_at": i.answered_at,
                    "invited_at": i.created_at,
                    "withdrawn_at": i.withdrawn_at,
                }
                for i in self.invitations
            ],
            "checkins": [
                {
                    "meeting": c.session.meeting.title,
                    "session": c.session.title,
                    "at": c.at,
                    "method": c.get_method_display(),
                    "signed_at": c.signed_at,
                    "signature_png_base64": (
                        base64.b64encode(bytes(c.signature)).decode() if c.signature else None
                    ),
                }
                for c in self.checkins
            ],
            "online_attendance": [
                {
                    "meeting": o.session.meeting.title,
                    "session": o.session.title,
                    "minutes": o.minutes,
                    "present_online": o.reached,
                    "joined_and_left": o.intervals,
                    "reports": [
                        f"{r.get_platform_display()}: {r.filename}" for r in o.reports.all()
                    ],
                }
                for o in self.online
            ],
            "registrations": [
                {
                    "meeting": r.meeting.title,
                    "state": r.get_state_display(),
                    "full_name": r.full_name,
                    "nip": r.nip,
                    "agency": r.agency_name,
                    "position": r.position,
                    "phone": r.phone,
                    "created_at": r.created_at,
                }
                for r in self.registrations
            ],
            "walk_ins": [
                {
                    "meeting": w.meeting.title,
                    "full_name": w.full_name,
                    "nip": w.nip,
                    "agency": w.agency_name,
                    "phone": w.phone,
                    "created_at": w.created_at,
                }
                for w in self.walk_ins
            ],
            "documents_uploaded": [
                {"meeting": d.meeting.title, "title": d.title, "uploaded_at": d.uploaded_at}
                for d in self.documents
            ],
            "emails": [
                {
                    "subject": e.subject,
                    "kind": e.get_kind_display(),
                    "state": e.get_state_display(),
                    "queued_at": e.created_at,
                    "sent_at": e.sent_at,
                }
                for e in self.emails
            ],
            "access_log": [
                {
                    "at": a.at,
                    "who": a.user_label,
                    "what": a.get_what_display(),
                    "meeting": a.meeting.title if a.meeting else None,
                }
                for a in self.accesses
            ],
            "requests": [
                {
                    "request": r.get_kind_display(),
                    "state": r.get_state_display(),
                    "received_at": r.received_at,
                    "answered_at": r.answered_at,
                    "answer": r.answer,
                }
                for r in self.requests
            ],
        }


def person_data(*, member: Member) -> PersonData:
    """Everything Rakor holds about `member`. Twelve queries, however much there is."""
    member = Member.objects.select_related("agency").get(pk=member.pk)
    email = member.email
    return PersonData(
        member=member,
        invitations=list(
            Invitation.objects.filter(member=member)
            .select_related("meeting")
            .order_by("-created_at", "-pk")
        ),
        checkins=list(
            CheckIn.objects.filter(invitation__member=member)
            .select_related("session__meeting")
            .order_by("-at", "-pk")
        ),
        online=list(
            OnlineAttendance.objects.filter(invitation__member=member)
            .select_related("session__meeting")
            .prefetch_related("reports")
            .order_by("-session__starts_at", "-pk")
        ),
        registrations=list(
            Registration.objects.filter(email__iexact=email).select_related("meeting")
        ),
        walk_ins=list(
            WalkIn.objects.filter(invitation__member=member)
            .select_related("meeting")
            .order_by("-created_at")
        ),
        documents=list(
            Document.objects.filter(uploaded_by_id=member.user_id)
            .select_related("meeting")
            .order_by("-uploaded_at")
            if member.user_id
            else Document.objects.none()
        ),
        emails=list(
            OutboxMessage.objects.filter(recipient__iexact=email)
            .defer("raw", "attachments")
            .order_by("-created_at", "-pk")
        ),
        accesses=list(access_log(member=member).exclude(what="own_export")[:500]),
        requests=list(RightsRequest.objects.filter(member=member).order_by("-received_at")),
    )
