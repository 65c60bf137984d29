"""The minutes (notulen) of a meeting: writing, review, approval and correction (distribution is
in distribution.py).

States: DRAFT → IN_REVIEW → APPROVED → DISTRIBUTED; a correction takes APPROVED or DISTRIBUTED
back to DRAFT and the next approval makes the next version. The text may be edited in DRAFT and
IN_REVIEW (the minute-taker works the reviewers' comments in while they review); APPROVED and
DISTRIBUTED minutes are locked. Every save that changes something is a MinutesRevision (who,
when, the whole text), and each approval is a revision marked with its version.

Who: the meeting's minute-taker (their account, Meeting.minute_taker.user) or an organizer
writes, sends for review, distributes and starts corrections; the chair or an organizer
approves. Reviewers comment per section through a secret link, without a password, while the
minutes are in review.

"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from core.dates import format_day
from core.downloads import NOT_MADE
from core.secrets import hash_secret, lookup_hash, new_secret
from events.models import Meeting
from events.permissions import is_meeting_organizer
from members.models import Member, User
from members.validators import Employment, validate_nip
from outbox.models import Kind
from outbox.services import queue_messages

from ..mail import member_email
from ..models import Minutes, MinutesRevision, MinutesSection, ReviewComment, ReviewLink
from .notulen import freeze_notulen

log = logging.getLogger(__name__)

State = Minutes.State
EDITABLE = (State.DRAFT, State.IN_REVIEW)
LOCKED = (State.APPROVED, State.DISTRIBUTED)
DISCUSSION_MAX_LENGTH = 50_000
COMMENT_MAX_LENGTH = 5_000


class MinutesError(Exception):
    """Something the user asked that the minutes' rules refuse; `message` says why."""

    message = _("This cannot be done with these minutes.")

    def __init__(self, message=None):
        super().__init__(message or self.message)
        if message:
            self.message = message


class MinutesLocked(MinutesError):
    message = _("Approved minutes are locked; start a correction.")


class MinutesNotAllowed(MinutesError):
    message = _("Only the minute-taker or an organizer of this meeting may do this.")


class MinutesStateError(MinutesError):
    message = _("The minutes are not in a state that allows this.")


class MinutesInvalid(MinutesError):
    message = _("Check what you entered.")


class ReviewClosed(MinutesError):
    message = _("These minutes are approved; comments are closed.")


# --- Who may do what ------------------------------------------------------------------------


def _is_member_user(user: User | None, member: Member | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and member is not None
        and member.user_id is not None
        and member.user_id == user.pk
    )


def can_write_minutes(user: User | None, meeting: Meeting) -> bool:
    """The minute-taker (their linked account) or an organizer of the meeting (or staff)."""
    if user is None or not user.is_authenticated:
        return False
    return _is_member_user(user, meeting.minute_taker) or is_meeting_organizer(user, meeting)


def can_approve_minutes(user: User | None, meeting: Meeting) -> bool:
    """The chair (their linked account) or an organizer of the meeting (or staff)."""
    if user is None or not user.is_authenticated:
        return False
    return _is_member_user(user, meeting.chair) or is_meeting_organizer(user, meeting)


def _require(allowed: bool, message=None) -> None:
    if not allowed:
        raise MinutesNotAllowed(message)


def _locked_minutes(minutes: Minutes) -> Minutes:
    return (
        Minutes.objects.select_for_update(of=("self",))
        .select_related("meeting__chair", "meeting__minute_taker")
        .get(pk=minutes.pk)
    )


# --- Writing ---------------------------------------------------------------------------------


@transaction.atomic
def start_minutes(*, meeting: Meeting, by: User | None) -> Minutes:
    """The minutes of `meeting`, created on first use with one section per agenda item (its
    title from the item). Called again, it adds a section for each agenda item added since,
    while the minutes can still be edited. Only those who may write them may start them."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("chair", "minute_taker")
        .get(pk=meeting.pk)
    )
    _require(can_write_minutes(by, meeting))
    minutes, created = Minutes.objects.get_or_create(meeting=meeting)
    if minutes.state in EDITABLE:
        have = set(minutes.sections.values_list("agenda_item_id", flat=True))
        last = minutes.sections.aggregate(last=Max("position"))["last"]
        position = -1 if last is None else last
        new_sections = []
        for item in meeting.agenda_items.exclude(pk__in=[pk for pk in have if pk]):
            position += 1
            new_sections.append(
                MinutesSection(
                    minutes=minutes, agenda_item=item, title=item.title[:300], position=position
                )
            )
        MinutesSection.objects.bulk_create(new_sections)
    if created:
        log.info("Minutes of meeting %s started by %s", meeting.pk, by)
    return minutes


def minutes_content(minutes: Minutes, sections: Iterable[MinutesSection] | None = None) -> dict:
    """The whole text of the minutes as a revision keeps it."""
    if sections is None:
        sections = minutes.sections.all()
    return {
        "sections": [
            {"id": section.pk, "title": section.title, "discussion": section.discussion}
            for section in sections
        ],
        "conclusions": minutes.conclusions,
    }


def _text_part(content: dict) -> tuple:
    return (
        tuple((s.get("title", ""), s.get("discussion", "")) for s in content.get("sections", [])),
        content.get("conclusions", ""),
    )


@transaction.atomic
def save_minutes(
    *,
    minutes: Minutes,
    sections: Mapping[int, str],
    conclusions: str | None,
    by: User | None,
) -> MinutesRevision | None:
    """Save the discussion of the given sections ({section id: Markdown}) and the conclusions
    (None leaves them as they are) and keep the result as a revision by `by`.

    Allowed in DRAFT and IN_REVIEW to the minute-taker and organizers; refused with
    MinutesLocked once approved (nothing is written). A save that changes nothing writes no
    revision and returns None; a section id of other minutes is refused (MinutesInvalid)."""
    minutes = _locked_minutes(minutes)
    _require(can_write_minutes(by, minutes.meeting))
    if minutes.state in LOCKED:
        raise MinutesLocked
    current = list(minutes.sections.all())
    by_id = {section.pk: section for section in current}
    wanted: dict[int, str] = {}
    for key, text in sections.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            raise MinutesInvalid(_("Unknown section.")) from None
        if pk not in by_id:
            raise MinutesInvalid(_("Unknown section."))
        wanted[pk] = _clean_text(text)
    changed = []
    for pk, text in wanted.items():
        if by_id[pk].discussion != text:
            by_id[pk].discussion = text
            changed.append(by_id[pk])
    MinutesSection.objects.bulk_update(changed, ["discussion"])
    if conclusions is not None:
        minutes.conclusions = _clean_text(conclusions)
    content = minutes_content(minutes, current)
    latest = minutes.revisions.only("content").first()
    if latest is not None and _text_part(latest.content) == _text_part(content):
        return None
    minutes.save(update_fields=["conclusions", "updated_at"])
    return MinutesRevision.objects.create(minutes=minutes, author=by, content=content)


def _clean_text(text: str | None) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\x00", "")
    if len(text) > DISCUSSION_MAX_LENGTH:
        raise MinutesInvalid(
            _("Keep each text under %(count)d characters.") % {"count": DISCUSSION_MAX_LENGTH}
        )
    return text


# --- Review ----------------------------------------------------------------------------------


def review_url(secret: str) -> str:
    return f"{settings.SITE_URL}{reverse('outputs:review', args=[secret])}"


@transaction.atomic
def send_for_review(
    *, minutes: Minutes, reviewers: Sequence[Member], by: User | None
) -> list[ReviewLink]:
    """DRAFT (or IN_REVIEW, to add reviewers) → IN_REVIEW: each reviewer, and always the chair,
    gets a secret link by email (outbox, kind MINUTES) to comment per section without a
    password. Every reviewer named gets a new link; the one they had before stops working.
    Refused once approved (MinutesLocked) and for those who may not write the minutes."""
    minutes = _locked_minutes(minutes)
    meeting = minutes.meeting
    _require(can_write_minutes(by, meeting))
    if minutes.state in LOCKED:
        raise MinutesLocked
    people = {member.pk: member for member in reviewers}
    if meeting.chair is not None:
        people.setdefault(meeting.chair.pk, meeting.chair)
    if not people:
        raise MinutesInvalid(_("Choose at least one reviewer (or set the meeting's chair)."))
    existing = {link.member_id: link for link in minutes.review_links.filter(member__in=people)}
    secrets = {pk: new_secret() for pk in people}
    links = []
    for pk, member in people.items():
        link = existing.get(pk) or ReviewLink(minutes=minutes, member=member)
        link.secret_hash = hash_secret(secrets[pk])
        link.member = member
        links.append(link)
    ReviewLink.objects.bulk_update([link for link in links if link.pk], ["secret_hash"])
    ReviewLink.objects.bulk_create([link for link in links if not link.pk])
    minutes.state = State.IN_REVIEW
    minutes.save(update_fields=["state", "updated_at"])
    queue_messages(
        messages=[
            _review_message(minutes=minutes, member=link.member, url=review_url(secrets[pk]))
            for pk, link in zip(people, links, strict=True)
        ],
        kind=Kind.MINUTES,
        topic=f"meeting:{meeting.pk}",
    )
    log.info("Minutes %s sent for review to %d people by %s", minutes.pk, len(links), by)
    return links


def review_link_for_secret(secret: str) -> ReviewLink | None:
    """The review link a secret opens, or None for a forged or replaced one (looked up by the
    secret's hash, core.secrets; the reviewer's view opens it through core.links)."""
    digest = lookup_hash(secret)
    if digest is None:
        return None
    return (
        ReviewLink.objects.select_related("minutes__meeting__host_agency", "member__agency")
        .filter(secret_hash=digest)
        .first()
    )


@transaction.atomic
def add_review_comment(
    *, review_link: ReviewLink, section: MinutesSection | None, text: str
) -> ReviewComment:
    """A reviewer's comment on one section (or on the minutes as a whole when `section` is
    None). Only while the minutes are in review: after approval ReviewClosed, before review or
    during a correction MinutesStateError; an empty or over-long text MinutesInvalid."""
    minutes = _locked_minutes(review_link.minutes)
    if minutes.state in LOCKED:
        raise ReviewClosed
    if minutes.state != State.IN_REVIEW:
        raise MinutesStateError(_("These minutes are not open for review at the moment."))
    text = (text or "").replace("\x00", "").strip()
    if not text:
        raise MinutesInvalid(_("Write a comment first."))
    if len(text) > COMMENT_MAX_LENGTH:
        raise MinutesInvalid(
            _("Keep the comment under %(count)d characters.") % {"count": COMMENT_MAX_LENGTH}
        )
    if section is not None and section.minutes_id != minutes.pk:
        raise MinutesInvalid(_("Unknown section."))
    return ReviewComment.objects.create(review=review_link, section=section, text=text)


# --- Approval and correction ------------------------------------------------------------------


@transaction.atomic
def approve_minutes(
    *,
    minutes: Minutes,
    approver_name: str,
    approver_nip: str,
    by: User | None,
    approved_on: date | None = None,
) -> Minutes:
    """DRAFT or IN_REVIEW → APPROVED, by the chair or an organizer: the name (required) and NIP
    (18 digits, checked like any NIP when given) printed on the signed document and the date
    (today unless `approved_on`, not in the future). The version grows by one and the text
    then is kept as a revision marked with it; from now on the minutes are locked."""
    minutes = _locked_minutes(minutes)
    meeting = minutes.meeting
    _require(
        can_approve_minutes(by, meeting),
        _("Only the chair or an organizer of this meeting may approve the minutes."),
    )
    if minutes.state in LOCKED:
        raise MinutesStateError(_("These minutes are already approved."))
    name = " ".join((approver_name or "").split())
    if not name:
        raise MinutesInvalid(_("Enter the name of the person approving the minutes."))
    if len(name) > 200:
        raise MinutesInvalid(_("The name is too long."))
    nip = "".join((approver_nip or "").split())
    if nip:
        chair = meeting.chair
        employment = chair.employment if chair and chair.nip == nip else Employment.PNS
        try:
            validate_nip(nip, employment)
        except ValidationError as error:
            raise MinutesInvalid(" ".join(error.messages)) from None
    now = timezone.now()
    approved_at = now
    if approved_on is not None:
        zone = ZoneInfo(meeting.time_zone)
        today = now.astimezone(zone).date()
        if approved_on > today:
            raise MinutesInvalid(_("The approval date cannot be in the future."))
        if approved_on != today:
            approved_at = datetime.combine(approved_on, time(12), tzinfo=zone)
    before_state = minutes.state
    minutes.state = State.APPROVED
    minutes.version += 1
    minutes.approved_at = approved_at
    minutes.approved_by = by
    minutes.approver_name, minutes.approver_nip = name, nip
    reason, minutes.correction_reason = minutes.correction_reason, ""
    minutes.save()
    content = minutes_content(minutes)
    content["decisions"] = [
        {"number": decision.number, "text": decision.text}
        for decision in meeting.decisions.order_by("number")
    ]
    content["approver"] = {"name": name, "nip": nip}
    # The record: frozen now, printing what was decided at approval (services/notulen.py).
    try:
        _document, content["record"] = freeze_notulen(minutes=minutes, by=by, reason=reason)
    except Exception as error:  # the renderer or the signer: logged; nothing is approved
        log.exception("Minutes %s could not be frozen", minutes.pk)
        raise MinutesError(NOT_MADE) from error
    MinutesRevision.objects.create(
        minutes=minutes, author=by, content=content, approved_version=minutes.version
    )
    _audit(
        minutes,
        by=by,
        action="minutes.approved",
        before={"state": before_state},
        after={
            "state": minutes.state,
            "version": minutes.version,
            "approver": name,
            "approver_nip": nip,
            "approved_at": minutes.approved_at.isoformat(),
        },
        reason=reason,
    )
    log.info("Minutes %s approved as version %d by %s", minutes.pk, minutes.version, by)
    return minutes


@transaction.atomic
def start_correction(*, minutes: Minutes, by: User | None, reason: str = "") -> Minutes:
    """APPROVED or DISTRIBUTED → DRAFT, keeping the version number: the text can be changed
    again, and the next approval makes the next version, whose distribution tells the
    recipients it is a correction. `reason` is the correction's, kept until then for the next
    frozen version (its frozen versions stay as they are)."""
    minutes = _locked_minutes(minutes)
    meeting = minutes.meeting
    _require(can_write_minutes(by, meeting) or can_approve_minutes(by, meeting))
    if minutes.state not in LOCKED:
        raise MinutesStateError(_("Only approved minutes can be corrected."))
    before_state = minutes.state
    minutes.state = State.DRAFT
    minutes.correction_reason = " ".join((reason or "").split())[:500]
    minutes.save(update_fields=["state", "correction_reason", "updated_at"])
    _audit(
        minutes,
        by=by,
        action="minutes.correction_started",
        before={"state": before_state, "version": minutes.version},
        after={"state": minutes.state},
        reason=minutes.correction_reason,
    )
    log.info("Correction of minutes %s (version %d) started by %s", minutes.pk, minutes.version, by)
    return minutes


def _audit(minutes: Minutes, *, by: User | None, action: str, before, after, reason="") -> None:
    from records.services import record_change

    record_change(
        actor=by,
        meeting=minutes.meeting,
        obj=minutes,
        action=action,
        before=before,
        after=after,
        reason=reason,
    )


# --- Emails ----------------------------------------------------------------------------------


def _first_day(meeting: Meeting, language: str) -> str:
    """The meeting's first day in `language`, read once per meeting and language."""
    cache = meeting.__dict__.setdefault("_rakor_first_day", {})
    if language not in cache:
        first = meeting.sessions.order_by("starts_at").first()
        with override(language):
            cache[language] = format_day(first.starts_at, meeting.time_zone) if first else ""
    return cache[language]


def _review_message(*, minutes: Minutes, member: Member, url: str) -> EmailMultiAlternatives:
    language = member.language or settings.LANGUAGE_CODE
    meeting = minutes.meeting
    with override(language):
        context = {
            "member_name": member.full_name,
            "meeting": meeting,
            "first_day": _first_day(meeting, language),
            "link": url,
            "is_chair": meeting.chair_id == member.pk,
        }
    return member_email(
        member=member, template="minutes_review", context=context, language=language
    )
