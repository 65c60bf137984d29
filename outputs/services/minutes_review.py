"""Review of the minutes: the reviewers' secret links, sent by email, and their comments per
section while the minutes are in review."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from core.secrets import hash_secret, lookup_hash, new_secret
from members.models import Member, User
from outbox.models import Kind
from outbox.services import queue_messages

from ..mail import first_day, member_email
from ..models import Minutes, MinutesSection, ReviewComment, ReviewLink
from ..permissions import can_write_minutes
from .minutes_rules import (
    LOCKED,
    MinutesInvalid,
    MinutesLocked,
    MinutesStateError,
    ReviewClosed,
    State,
    locked_minutes,
    require_allowed,
)

log = logging.getLogger(__name__)

COMMENT_MAX_LENGTH = 5_000


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
    minutes = locked_minutes(minutes)
    meeting = minutes.meeting
    require_allowed(can_write_minutes(by, meeting))
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
    minutes = locked_minutes(review_link.minutes)
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


def _review_message(*, minutes: Minutes, member: Member, url: str) -> EmailMultiAlternatives:
    language = member.language or settings.LANGUAGE_CODE
    meeting = minutes.meeting
    with override(language):
        context = {
            "member_name": member.full_name,
            "meeting": meeting,
            "first_day": first_day(meeting, language),
            "link": url,
            "is_chair": meeting.chair_id == member.pk,
        }
    return member_email(
        member=member, template="minutes_review", context=context, language=language
    )
