"""The person's rights under UU 27/2022: a link to "Data saya" emailed on request, correcting
one's contact data (Art. 6), asking for erasure or for processing to stop (Art. 8, 40–44), and
the staff's answer within 3 × 24 hours with, for erasure, what is removed and what is kept."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from attendance.models import CheckIn, Ticket, WalkIn
from core.batches import IN_LIST, batched
from core.counters import Limit
from core.secrets import hash_secret, lookup_hash, new_secret
from core.text import cleaned_for
from events.models import AnswerLink, Invitation, Meeting, Registration
from members.mail import member_email
from members.models import Member, User
from outbox.models import Kind, OutboxMessage, State
from outbox.services import queue_message
from outputs.models import ActionLink, ReviewLink
from records.models import FrozenDocument

from ..models import AccessEntry, DataLink, RightsRequest

# UU 27/2022 Art. 32(2), 40, 41: access, stopping and erasure within 3 × 24 hours.
ANSWER_WITHIN = timedelta(hours=3 * 24)
# Links asked for, per client address and per email address, in an hour.
LINKS_PER_IP = Limit("data-link-ip", allowed=10, window=3600)
LINKS_PER_EMAIL = Limit("data-link-email", allowed=3, window=3600)
# What the retention of a kept record is, as the person is told.
RECORD_RULE = gettext_lazy(
    "Perka ANRI 6/2013 on the retention of financial records (the daftar hadir is an SPJ "
    "document): kept for the agency's retention schedule, counted from the end of the budget "
    "year, then destroyed by its archivist"
)


class TooManyLinkRequests(Exception):
    """This client address asked for too many "Data saya" links lately."""

    message = gettext_lazy("Too many requests from your network. Please try again in an hour.")


# Why a message queued to a person whose data was erased was not sent (as the outbox shows it).
NOT_SENT_ERASED = "Not sent: the person's data was erased."

PSEUDONYM_DOMAIN = "@pseudonym.invalid"  # nobody's (RFC 2606 .invalid)


def pseudonym_email(pk: int) -> str:
    """The address a pseudonymised person keeps (and a unique one)."""
    return f"anon-{pk}{PSEUDONYM_DOMAIN}"


def pseudonym_name(pk: int) -> str:
    return f"Anonim #{pk}"


def pseudonymise(members: QuerySet[Member], *, now) -> int:
    """Name and email become a pseudonym ("Anonim #12", anon-12@pseudonym.invalid); NIP, phone,
    position, rank and work unit are emptied; their accounts are closed (no address, no
    password, inactive). Their invitations and check-ins stay under the pseudonym, as the
    records of the meetings held. The live copies of their address elsewhere go too (see
    _pseudonymise_copies). Set-based: a fixed number of statements however many members."""
    ids = members.values("pk")
    _pseudonymise_copies(ids)
    EmailAddress.objects.filter(user__member__in=ids).delete()
    User.objects.filter(member__in=ids).update(
        is_active=False,
        name="",
        password=make_password(None),
        email=Concat(Value("user-"), Cast("pk", CharField()), Value(PSEUDONYM_DOMAIN)),
    )
    return Member.objects.filter(pk__in=ids).update(
        full_name=Concat(Value("Anonim #"), Cast("pk", CharField())),
        email=Concat(Value("anon-"), Cast("pk", CharField()), Value(PSEUDONYM_DOMAIN)),
        nip="",
        phone="",
        position="",
        rank="",
        work_unit="",
        calendar_feed_hash=None,
        user=None,
        updated_at=now,
    )


def _pseudonymise_copies(ids) -> None:
    """Where the address of the members `ids` stands without a link to them, it becomes their
    pseudonym: registrations they sent (name and contact data emptied too), walk-in forms,
    the outbox's recipients (but messages still to send) and the access log's labels of their
    own exports. Before the members themselves change: the address is how they are found."""

    def owned(field: str) -> Exists:
        return Exists(Member.objects.filter(pk__in=ids, email__iexact=OuterRef(field)))

    def owner_pk(field: str) -> Cast:
        owner = Member.objects.filter(pk__in=ids, email__iexact=OuterRef(field)).values("pk")
        return Cast(Subquery(owner[:1]), CharField())

    def alias(field: str) -> Concat:
        return Concat(Value("anon-"), owner_pk(field), Value(PSEUDONYM_DOMAIN))

    Registration.objects.filter(owned("email")).update(
        email=alias("email"),
        full_name=Concat(Value("Anonim #"), owner_pk("email")),
        nip="",
        phone="",
        position="",
        work_unit="",
        ip_address=None,
    )
    WalkIn.objects.filter(owned("email")).update(
        email="", full_name=Value("Anonim"), nip="", phone="", position=""
    )
    OutboxMessage.objects.filter(owned("recipient")).exclude(
        state__in=[State.QUEUED, State.SENDING]
    ).update(recipient=alias("recipient"))
    AccessEntry.objects.filter(owned("user_label")).update(user_label=alias("user_label"))


# --- The link to "Data saya" -------------------------------------------------------------------


@transaction.atomic
def send_data_link(*, email: str, client_address: str) -> None:
    """Email a link to "Data saya" to `email` if a person with that address exists; nothing
    otherwise, and the caller says the same either way (the form reveals no address). Limited
    per client address (TooManyLinkRequests) and, silently, per email address."""
    if LINKS_PER_IP.count(client_address) > LINKS_PER_IP.allowed:
        raise TooManyLinkRequests
    email = email.strip().lower()
    if LINKS_PER_EMAIL.count(email) > LINKS_PER_EMAIL.allowed:
        return
    member = Member.objects.filter(email__iexact=email).first()
    if member is None:
        return
    secret = new_secret()
    expires_at = timezone.now() + timedelta(minutes=settings.DATA_LINK_MINUTES)
    DataLink.objects.create(member=member, secret_hash=hash_secret(secret), expires_at=expires_at)
    url = f"{settings.SITE_URL}{reverse('personal_data:open_link', args=[secret])}"
    with translation.override(member.language):
        context = {"member": member, "url": url, "minutes": settings.DATA_LINK_MINUTES}
        message: EmailMultiAlternatives = member_email(
            name=member.full_name,
            email=member.email,
            language=member.language,
            subject=_("Your data in Rakor"),
            text=render_to_string("personal_data/email/data_link.txt", context),
        )
    queue_message(message=message, kind=Kind.ACCOUNT, topic="personal-data")


def data_link_for_secret(secret: str) -> DataLink | None:
    """The "Data saya" link (with its person) a secret opens, or None (forged, mistyped,
    expired). Call it through core.links.open_secret_link, which counts wrong links."""
    digest = lookup_hash(secret)
    if digest is None:
        return None
    return (
        DataLink.objects.select_related("member")
        .filter(secret_hash=digest, expires_at__gt=timezone.now())
        .first()
    )


# --- Correcting and asking ----------------------------------------------------------------------


@transaction.atomic
def correct_contact_data(*, member: Member, data: dict) -> Member:
    """The person corrects their own data (Art. 6): the fields of the "Data saya" form, which
    has validated them; kept as every one-line field is (core.text.cleaned_for)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    for name, value in data.items():
        setattr(member, name, cleaned_for(Member, name, value))
    member.save(update_fields=[*data, "updated_at"])
    return member


@transaction.atomic
def ask(*, member: Member, kind: str, reason: str = "") -> RightsRequest:
    """A request for erasure or for processing to stop, for staff to answer within 3 × 24
    hours. An open request of the same kind is not asked twice."""
    open_one = RightsRequest.objects.filter(
        member=member, kind=kind, state=RightsRequest.State.OPEN
    ).first()
    if open_one:
        return open_one
    now = timezone.now()
    return RightsRequest.objects.create(
        member=member, kind=kind, reason=reason, received_at=now, due_at=now + ANSWER_WITHIN
    )


def processing_stopped(member_ids) -> set[int]:
    """Of `member_ids`, those whose data Rakor stopped processing at their request (a stop or
    an erasure carried out): they are not invited again. One query per IN_LIST ids."""
    stopped = RightsRequest.objects.filter(
        kind__in=[RightsRequest.Kind.STOP, RightsRequest.Kind.ERASURE],
        state=RightsRequest.State.DONE,
    )
    return {
        member_id
        for batch in batched(list(member_ids), IN_LIST)
        for member_id in stopped.filter(member_id__in=batch).values_list("member_id", flat=True)
    }


# --- The staff's answer -------------------------------------------------------------------------


class AlreadyAnswered(Exception):
    message = gettext_lazy("This request was already answered.")


@transaction.atomic
def answer_request(*, request: RightsRequest, by: User, carry_out: bool, note: str = "") -> str:
    """Staff answer a request: carried out (erasure: erase_member; stopping: stop_processing)
    or refused with `note` as the reason. The answer is emailed to the person through the
    outbox, to the address they had when they asked, and kept with the request. Returns it."""
    request = RightsRequest.objects.select_for_update().select_related("member").get(pk=request.pk)
    if request.state != RightsRequest.State.OPEN:
        raise AlreadyAnswered
    member = request.member
    name, email, language = member.full_name, member.email, member.language
    with translation.override(language):
        if not carry_out:
            text = _("Your request was refused: %(reason)s") % {"reason": note}
        elif request.kind == RightsRequest.Kind.ERASURE:
            text = _erasure_answer(erase_member(member=member))
        else:
            stop_processing(member=member)
            text = _(
                "Rakor has stopped processing your data: you are withdrawn from the meetings "
                "still to come and your links no longer open anything. What was done stays as "
                "the records of the meetings held."
            )
        if note and carry_out:
            text = f"{text}\n\n{note}"
        message: EmailMultiAlternatives = member_email(
            name=name,
            email=email,
            language=language,
            subject=_("Your request about your personal data"),
            text=text,
        )
    queue_message(message=message, kind=Kind.ACCOUNT, topic="personal-data")
    request.state = RightsRequest.State.DONE if carry_out else RightsRequest.State.REFUSED
    request.answered_at, request.answered_by, request.answer = timezone.now(), by, text
    request.save(update_fields=["state", "answered_at", "answered_by", "answer"])
    return text


def _erasure_answer(kept: list[str]) -> str:
    text = _(
        "Your personal data has been erased from Rakor: your profile, contact data, answers, "
        "links, registrations and the bodies of the emails sent to you. Your name is replaced "
        "by a pseudonym."
    )
    if kept:
        text += "\n\n" + _(
            "Kept, because the agency must keep them as records: the attendance sheets "
            "(daftar hadir) of these finished meetings, as they were closed, with your row and "
            "signature: %(meetings)s. Rule: %(rule)s."
        ) % {"meetings": "; ".join(kept), "rule": RECORD_RULE}
    return text


def _upcoming(member: Member):
    """The member's invitations to meetings not held yet: none of their sessions has ended."""
    return Invitation.objects.filter(member=member, withdrawn_at__isnull=True).exclude(
        Q(meeting__state=Meeting.State.FINISHED) | Q(meeting__sessions__ends_at__lte=timezone.now())
    )


def stop_processing(*, member: Member) -> None:
    """Processing stops (Art. 40–42): withdrawn without emails from the meetings still to come,
    every secret link of theirs deleted. What is done stays, as records."""
    now = timezone.now()
    _upcoming(member).update(withdrawn_at=now)
    AnswerLink.objects.filter(invitation__member=member).delete()
    Ticket.objects.filter(invitation__member=member).delete()
    # A review link is unlinked, not deleted: the comments made through it stay with the minutes.
    ReviewLink.objects.filter(member=member).update(
        secret_hash=Concat(Value("revoked-"), Cast("pk", CharField()))
    )
    ActionLink.objects.filter(member=member).delete()
    DataLink.objects.filter(member=member).delete()
    Member.objects.filter(pk=member.pk).update(calendar_feed_hash=None)


def held_by_closed_sheet(signed: str = "signed_at", given: str = "recorded_at") -> Exists:
    """For a check-in (or a walk-in form: `signed`=`given`="created_at"), whether a closed
    version of its session's daftar hadir holds its signature: one frozen after the signature
    was given (`signed`, else when the row was written). A signature given late, after the
    last version, is in no record until the sheet is closed again."""
    return Exists(
        FrozenDocument.objects.filter(
            kind=FrozenDocument.Kind.DAFTAR_HADIR,
            subject_id=OuterRef("session_id"),
            frozen_at__gte=Coalesce(OuterRef(signed), OuterRef(given)),
        )
    )


def erase_member(*, member: Member) -> list[str]:
    """Erasure (Art. 8, 43): remove what is not a record the agency must keep, pseudonymise
    the rest. The person is withdrawn from what is to come and loses every link; their
    profile, account, registrations and walk-in forms lose name, NIP, phone and email; the
    bodies of emails to them are deleted and their address replaced, in the outbox and the
    access log. What a finished meeting recorded stays as a row under the pseudonym:
    invitations and check-ins (the counts of the laporan), and the closed daftar hadir, which
    prints them as they were (Perka ANRI 6/2013). A signature's live copy is deleted where a
    closed sheet holds it, kept where the sheet is not closed yet. Returns the titles of the
    finished meetings whose sheets keep a row."""
    stop_processing(member=member)
    pk, email = member.pk, member.email
    alias, name = pseudonym_email(pk), pseudonym_name(pk)
    Invitation.objects.filter(member=member).update(note="")
    CheckIn.objects.filter(held_by_closed_sheet(), invitation__member=member).update(signature=None)
    kept = list(
        Meeting.objects.filter(
            frozen_documents__kind=FrozenDocument.Kind.DAFTAR_HADIR,
            frozen_documents__subject_id__in=CheckIn.objects.filter(
                invitation__member=member
            ).values("session_id"),
        )
        .distinct()
        .order_by("pk")
        .values_list("title", flat=True)
    )
    # Walk-in forms they filled in, accepted or not: by invitation, and by the address typed.
    WalkIn.objects.filter(Q(invitation__member=member) | Q(email__iexact=email)).update(
        full_name=name, nip="", phone="", position="", email="", signature=None
    )
    # The access log names whoever was not signed in (their own export by link) by address,
    # and a signed-in person by their account's address: the entries stay, under the alias.
    labels = Q(user_label__iexact=email)
    if member.user_id is not None and (user := member.user) is not None:
        labels |= Q(user_label__iexact=user.email)
    AccessEntry.objects.filter(labels).update(user_label=alias)
    Registration.objects.filter(email__iexact=email).exclude(
        state=Registration.State.ACCEPTED
    ).delete()
    Registration.objects.filter(email__iexact=email).update(
        email=alias, full_name=name, nip="", phone="", position="", work_unit="", ip_address=None
    )
    # Emails not sent yet are not sent (their links are gone); none keeps body or address, but
    # the one a worker is sending now (it is marked sent or failed in a moment).
    mine = OutboxMessage.objects.filter(recipient__iexact=email)
    mine.filter(state=State.QUEUED).update(state=State.FAILED, last_error=NOT_SENT_ERASED)
    mine.exclude(state=State.SENDING).update(
        recipient=alias, raw=b"", attachments=[], body_purged_at=timezone.now()
    )
    pseudonymise(Member.objects.filter(pk=pk), now=timezone.now())
    return kept
