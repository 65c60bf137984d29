"""Retention (UU 27/2022 Art. 16(2)(g), 42–45): per data class, what is past its period in
settings.RETENTION is deleted or pseudonymised, and each run writes what it destroyed to the
destruction log. Live copies only: a frozen record (a closed daftar hadir with its signatures,
the approved notulen, the final laporan) keeps what it prints until its archive retention ends
(Perka ANRI 6/2013), which the agency's archivist decides, not Rakor.

Set-based: each class is one or two statements whose WHERE clause is the rule, so a run costs
the same number of queries whatever the data, and a second run finds nothing more to do."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from attendance.models import CheckIn, OnlineReport, ScanAttempt, WalkIn
from events.models import Invitation, Registration, Session
from events.services.registration import unconfirmed_registrations_due
from members.models import Member, User
from outbox.models import Kind, OutboxMessage, State
from outputs.models import Document
from records.models import FrozenDocument

from ..models import AccessedPerson, AccessEntry, DataLink, Destruction
from .rights import PSEUDONYM_DOMAIN, held_by_closed_sheet, pseudonymise


@dataclass(frozen=True)
class DataClass:
    """One class of personal data: its name, the rule as the destruction log states it, the
    rows due at a moment, and what is done to them (returns how many)."""

    name: str
    rule: str
    due: Callable[[datetime], QuerySet]
    destroy: Callable[[QuerySet, datetime], int]


def period(name: str) -> timedelta:
    return settings.RETENTION[name]


def _days(name: str) -> str:
    return f"{period(name).total_seconds() / 86400:g} days"


# --- What is due, per class ---------------------------------------------------------------------


def _bodies_due(*, kinds_in: bool, cutoff: datetime) -> QuerySet[OutboxMessage]:
    codes = Q(kind__in=[Kind.ACCOUNT, Kind.REGISTRATION])
    return OutboxMessage.objects.filter(
        codes if kinds_in else ~codes,
        state__in=[State.SENT, State.FAILED],
        body_purged_at__isnull=True,
        created_at__lt=cutoff,
    )


def email_bodies_due(now: datetime) -> QuerySet[OutboxMessage]:
    return _bodies_due(kinds_in=False, cutoff=now - period("email_bodies"))


def sign_in_codes_due(now: datetime) -> QuerySet[OutboxMessage]:
    return _bodies_due(kinds_in=True, cutoff=now - period("sign_in_codes"))


def purge_bodies(rows: QuerySet[OutboxMessage], now: datetime) -> int:
    """The message's bytes and its references to stored attachments go; recipient, subject,
    kind, topic, state, attempts and times stay, for the outbox pages and delivery."""
    return rows.update(raw=b"", attachments=[], body_purged_at=now)


def scan_audit_due(now: datetime) -> QuerySet[ScanAttempt]:
    return ScanAttempt.objects.filter(scanned_at__lt=now - period("scan_audit"))


def delete_rows(rows: QuerySet, _now: datetime) -> int:
    deleted, _by_model = rows.delete()
    return deleted


def _signature_due(now: datetime) -> Q:
    """A live copy is due once its session ended the period ago and a closed version of its
    daftar hadir holds the signature (one closed after it was given), or, held by none, once
    the archive retention of financial records ended."""
    return Q(session__ends_at__lt=now - period("signatures_photos"), closed=True) | Q(
        session__ends_at__lt=now - period("financial_records")
    )


def signatures_due(now: datetime) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(signature__isnull=False)
        .annotate(closed=held_by_closed_sheet())
        .filter(_signature_due(now))
    )


def walk_in_signatures_due(now: datetime) -> QuerySet[WalkIn]:
    return (
        WalkIn.objects.filter(signature__isnull=False)
        .annotate(closed=held_by_closed_sheet("created_at", "created_at"))
        .filter(_signature_due(now))
    )


def clear_signatures(rows: QuerySet, _now: datetime) -> int:
    return rows.model.objects.filter(pk__in=rows.values("pk")).update(signature=None)


def photos_due(now: datetime) -> QuerySet[Document]:
    """Meeting photos (dokumentasi), once the meeting ended the period ago and a final version
    of its laporan made after the upload holds them, or, held by none, after the archive
    retention."""
    last_end = (
        Session.objects.filter(meeting=OuterRef("meeting"))
        .order_by("-ends_at")
        .values("ends_at")[:1]
    )
    final = Exists(
        FrozenDocument.objects.filter(
            kind=FrozenDocument.Kind.LAPORAN,
            meeting_id=OuterRef("meeting_id"),
            frozen_at__gte=OuterRef("uploaded_at"),
        )
    )
    return (
        Document.objects.filter(kind=Document.Kind.PHOTO)
        .annotate(ended=last_end, final=final)
        .filter(
            Q(ended__lt=now - period("signatures_photos"), final=True)
            | Q(ended__lt=now - period("financial_records"))
        )
    )


def delete_documents(rows: QuerySet[Document], _now: datetime) -> int:
    """Rows first, in the transaction; their files after it commits (a file left behind by a
    crash is no longer served by anything)."""
    files = list(rows.values_list("file", flat=True))
    deleted, _ = Document.objects.filter(pk__in=rows.values("pk")).delete()
    storage = Document._meta.get_field("file").storage

    def delete_files() -> None:
        for name in files:
            if name:
                storage.delete(name)

    transaction.on_commit(delete_files)
    return deleted


def online_reports_due(now: datetime) -> QuerySet[OnlineReport]:
    """Participant reports: a draft never imported, the period after its upload; an imported
    one (evidence of the daftar hadir), on the signatures' rule: once its session ended the
    period ago and a closed version of the sheet made after the import holds what it proved,
    or, held by none, after the archive retention."""
    held = Exists(
        FrozenDocument.objects.filter(
            kind=FrozenDocument.Kind.DAFTAR_HADIR,
            subject_id=OuterRef("session_id"),
            frozen_at__gte=OuterRef("imported_at"),
        )
    )
    return (
        OnlineReport.objects.exclude(file="")
        .annotate(held=held)
        .filter(
            Q(state=OnlineReport.State.DRAFT, uploaded_at__lt=now - period("online_report_drafts"))
            | Q(
                Q(session__ends_at__lt=now - period("signatures_photos"), held=True)
                | Q(session__ends_at__lt=now - period("financial_records")),
                state=OnlineReport.State.IMPORTED,
            )
        )
    )


def delete_online_reports(rows: QuerySet[OnlineReport], _now: datetime) -> int:
    """Drafts go whole; an imported report keeps its row (the evidence names it) without its
    file. Files are deleted after the transaction commits."""
    due = list(rows.values_list("pk", "file", "state"))
    drafts = [pk for pk, _name, state in due if state == OnlineReport.State.DRAFT]
    OnlineReport.objects.filter(pk__in=drafts).delete()
    OnlineReport.objects.filter(pk__in=[pk for pk, _name, _state in due]).update(file="")
    storage = OnlineReport._meta.get_field("file").storage

    def delete_files() -> None:
        for _pk, name, _state in due:
            if name:
                storage.delete(name)

    transaction.on_commit(delete_files)
    return len(due)


def _ended_before(cutoff: datetime):
    """Invitations to a meeting with a session ending at or after `cutoff` (or to come)."""
    return Invitation.objects.filter(member=OuterRef("pk"), meeting__sessions__ends_at__gte=cutoff)


def phone_numbers_due(now: datetime) -> QuerySet[Member]:
    """A member's phone number, once their last meeting ended the period ago (or, invited to
    none, the period after it was entered or last corrected)."""
    cutoff = now - period("phone_numbers")
    return (
        Member.objects.exclude(phone="")
        .filter(updated_at__lt=cutoff)
        .exclude(Exists(_ended_before(cutoff)))
    )


def clear_phone_numbers(rows: QuerySet[Member], now: datetime) -> int:
    """Members' numbers, and those typed in registrations and walk-in forms of meetings that
    ended the period ago."""
    cutoff = now - period("phone_numbers")
    recent = Session.objects.filter(meeting=OuterRef("meeting"), ends_at__gte=cutoff)
    count = Member.objects.filter(pk__in=rows.values("pk")).update(phone="")
    count += (
        Registration.objects.exclude(phone="")
        .filter(created_at__lt=cutoff)
        .exclude(Exists(recent))
        .update(phone="")
    )
    count += (
        WalkIn.objects.exclude(phone="")
        .filter(created_at__lt=cutoff)
        .exclude(Exists(recent))
        .update(phone="")
    )
    return count


def access_log_due(now: datetime) -> QuerySet[AccessEntry]:
    return AccessEntry.objects.filter(at__lt=now - period("access_log"))


def delete_access_log(rows: QuerySet[AccessEntry], _now: datetime) -> int:
    """The people of each entry, then the entries: one DELETE each (the links are
    DO_NOTHING, so Django loads nothing)."""
    AccessedPerson.objects.filter(entry__in=rows.values("pk")).delete()
    deleted, _ = AccessEntry.objects.filter(pk__in=rows.values("pk")).delete()
    return deleted


def inactive_members_due(now: datetime) -> QuerySet[Member]:
    """Members not yet pseudonymised whose last meeting ended the period ago, not invited
    since, entered and last corrected before, and whose account (if any) has not signed in
    since; never an organizer's or staff's."""
    cutoff = now - period("inactive_members")
    return (
        Member.objects.exclude(email__endswith=PSEUDONYM_DOMAIN)
        .filter(created_at__lt=cutoff, updated_at__lt=cutoff)
        .exclude(Exists(_ended_before(cutoff)))
        .exclude(Exists(Invitation.objects.filter(member=OuterRef("pk"), created_at__gte=cutoff)))
        .exclude(user__last_login__gte=cutoff)
        .exclude(user__is_staff=True)
        .exclude(Exists(User.groups.through.objects.filter(user_id=OuterRef("user_id"))))
    )


def unconfirmed_due(now: datetime) -> QuerySet[Registration]:
    return unconfirmed_registrations_due(now=now)


def data_links_due(now: datetime) -> QuerySet[DataLink]:
    return DataLink.objects.filter(expires_at__lt=now)


def classes() -> list[DataClass]:
    """The data classes, each with its rule as the destruction log states it."""
    return [
        DataClass(
            "unconfirmed_registrations",
            f"deleted {_days('unconfirmed_registrations')} after the last code expired",
            unconfirmed_due,
            delete_rows,
        ),
        DataClass(
            "sign_in_codes",
            f"bodies of sign-in and registration-code emails deleted after "
            f"{_days('sign_in_codes')}",
            sign_in_codes_due,
            purge_bodies,
        ),
        DataClass(
            "email_bodies",
            f"bodies of other sent emails deleted after {_days('email_bodies')}",
            email_bodies_due,
            purge_bodies,
        ),
        DataClass(
            "scan_audit",
            f"scan attempts deleted {_days('scan_audit')} after the scan",
            scan_audit_due,
            delete_rows,
        ),
        DataClass(
            "signatures",
            f"live copies deleted {_days('signatures_photos')} after the session, once a "
            "closed version of its daftar hadir holds them; otherwise after "
            f"{_days('financial_records')} "
            "(Perka ANRI 6/2013)",
            signatures_due,
            clear_signatures,
        ),
        DataClass(
            "walk_in_signatures",
            f"live copies deleted {_days('signatures_photos')} after the session, once a "
            "closed version of its daftar hadir holds them; otherwise after "
            f"{_days('financial_records')} "
            "(Perka ANRI 6/2013)",
            walk_in_signatures_due,
            clear_signatures,
        ),
        DataClass(
            "photos",
            f"meeting photos deleted {_days('signatures_photos')} after the meeting, once a "
            "final version of its laporan holds them; otherwise after "
            f"{_days('financial_records')} "
            "(Perka ANRI 6/2013)",
            photos_due,
            delete_documents,
        ),
        DataClass(
            "online_reports",
            f"participant reports: drafts deleted {_days('online_report_drafts')} after upload; "
            f"files of imported ones {_days('signatures_photos')} after the session, once a "
            "closed version of its daftar hadir holds them; otherwise after "
            f"{_days('financial_records')} (Perka ANRI 6/2013)",
            online_reports_due,
            delete_online_reports,
        ),
        DataClass(
            "phone_numbers",
            f"emptied {_days('phone_numbers')} after the person's last meeting",
            phone_numbers_due,
            clear_phone_numbers,
        ),
        DataClass(
            "access_log",
            f"entries deleted after {_days('access_log')}",
            access_log_due,
            delete_access_log,
        ),
        DataClass("data_links", "expired links to Data saya deleted", data_links_due, delete_rows),
        DataClass(
            "inactive_members",
            f"pseudonymised {_days('inactive_members')} after their last meeting and sign-in",
            inactive_members_due,
            lambda rows, now: pseudonymise(rows, now=now),
        ),
    ]


def due_counts(*, now: datetime | None = None) -> dict[str, int]:
    """What a purge would delete or pseudonymise now, per class (the dry run). One query per
    class."""
    now = now or timezone.now()
    return {data_class.name: data_class.due(now).count() for data_class in classes()}


@transaction.atomic
def purge(*, now: datetime | None = None) -> list[Destruction]:
    """Delete or pseudonymise whatever is past its retention, and log each class that had
    something: class, count, when, rule. A fixed number of queries whatever the data."""
    now = now or timezone.now()
    log = []
    for data_class in classes():
        count = data_class.destroy(data_class.due(now), now)
        if count:
            log.append(
                Destruction(at=now, data_class=data_class.name, count=count, rule=data_class.rule)
            )
    return Destruction.objects.bulk_create(log)
