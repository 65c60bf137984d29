"""Meetings, their sessions and agenda, and the kept count of those invited."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from members.models import Agency, Member


def new_calendar_uid() -> str:
    return f"{uuid.uuid4()}@rakor"


def new_public_code() -> str:
    """The short code of a meeting's public registration link (/r/<code>/): hard to guess,
    easy to type from a letter."""
    return secrets.token_urlsafe(6)


def default_reminder_offsets() -> list[int]:
    return [24 * 60, 2 * 60]  # one day and two hours before the first session, in minutes


class Meeting(models.Model):
    """A rapat: one or more sessions, invitations and, later, its outputs.

    `uid` and `sequence` are the calendar identity (RFC 5545): the UID never changes or is reused,
    the SEQUENCE grows with each change of time or place that is sent to the invitees.
    """

    class Mode(models.TextChoices):
        IN_PERSON = "tatap_muka", _("In person")
        ONLINE = "daring", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        FINISHED = "finished", _("Finished")

    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    host_agency = models.ForeignKey(
        Agency,
        verbose_name=_("host agency"),
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
    )
    letter_number = models.CharField(_("invitation letter number"), max_length=120, blank=True)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.IN_PERSON)
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    address = models.TextField(_("address"), blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta")
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    answer_deadline = models.DateTimeField(_("answer deadline"), null=True, blank=True)
    chair = models.ForeignKey(
        Member,
        verbose_name=_("chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    minute_taker = models.ForeignKey(
        Member,
        verbose_name=_("minute-taker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, db_index=True
    )
    # In calendars each session is an event with its own UID; `sequence` counts for them all.
    uid = models.CharField(_("calendar UID"), max_length=120, unique=True, default=new_calendar_uid)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    # Sessions removed once published, for the CANCEL still owed to those who held them.
    removed_sessions = models.JSONField(default=list, blank=True)
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("organizers"), related_name="organized_meetings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class RegistrationScope(models.TextChoices):
        INVITED_AGENCIES = "invited_agencies", _("Members of the invited agencies")
        EMAIL_DOMAINS = "email_domains", _("Anyone with an email address of the listed domains")

    registration_open = models.BooleanField(_("open for registration"), default=False)
    registration_scope = models.CharField(
        _("who may register"),
        max_length=20,
        choices=RegistrationScope.choices,
        default=RegistrationScope.INVITED_AGENCIES,
    )
    registration_domains = models.CharField(
        _("email domains"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated, e.g. kemenag.go.id, bps.go.id"),
    )
    registration_closes_at = models.DateTimeField(
        _("registration closes at"), null=True, blank=True
    )
    registration_requires_approval = models.BooleanField(
        _("registrations need the organizer's approval"), default=False
    )
    public_code = models.CharField(
        _("public link code"), max_length=16, unique=True, default=new_public_code
    )
    reminder_offsets = models.JSONField(
        _("reminders (minutes before the first session)"), default=default_reminder_offsets
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


# The modes whose meetings have an online link: online check-in, the reports of the video
# platforms and the link in every email are theirs.
ONLINE_MODES = (Meeting.Mode.ONLINE, Meeting.Mode.HYBRID)


class Session(models.Model):
    """One block of a meeting, e.g. day 1 and day 2; check-in is per session. In calendars an
    event of its own: `uid` never changes or is reused; `sequence` is the meeting's SEQUENCE
    at the session's last change (added, moved, its place changed)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    uid = models.CharField(_("calendar UID"), max_length=120, unique=True, default=new_calendar_uid)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_it_starts"
            )
        ]

    def __str__(self):
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, null=True, blank=True, related_name="agenda_items"
    )
    starts_at = models.DateTimeField(_("time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)
    moderator = models.CharField(_("moderator"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = [F("starts_at").asc(nulls_last=True), "position", "pk"]

    def __str__(self):
        return self.title


class MeetingCounts(models.Model):
    """How many are invited to a meeting (invitations not withdrawn), kept so that the meetings
    list sorts by it without counting 300,000 invitations on every page. Written by
    events.services.counts.refresh_invited_counts whenever invitations are added, renewed or
    withdrawn; a count the page shows is always counted anew for its rows."""

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, primary_key=True, related_name="counts"
    )
    invited = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.meeting_id}: {self.invited} invited"
