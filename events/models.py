import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from members.models import Agency, Member


def new_calendar_uid() -> str:
    return f"{uuid.uuid4()}@rakor"


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
    uid = models.CharField(_("calendar UID"), max_length=120, unique=True, default=new_calendar_uid)
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("organizers"), related_name="organized_meetings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Session(models.Model):
    """One block of a meeting, e.g. day 1 and day 2; check-in is per session."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

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
        ordering = ["starts_at", "position", "pk"]

    def __str__(self):
        return self.title


class Invitation(models.Model):
    class Role(models.TextChoices):
        PARTICIPANT = "peserta", _("Participant")
        SPEAKER = "narasumber", _("Speaker")
        MODERATOR = "moderator", _("Moderator")
        CHAIR = "pimpinan", _("Chair")
        MINUTE_TAKER = "notulis", _("Minute-taker")
        COMMITTEE = "panitia", _("Organizing committee")

    class Answer(models.TextChoices):
        PENDING = "pending", _("No answer yet")
        YES = "yes", _("Will attend")
        NO = "no", _("Declines")
        MAYBE = "maybe", _("Tentative")
        REPRESENTED = "represented", _("Sends a representative")
        WAITLISTED = "waitlisted", _("Waiting list")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="invitations")
    role = models.CharField(
        _("role"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT
    )
    answer = models.CharField(
        _("answer"), max_length=12, choices=Answer.choices, default=Answer.PENDING, db_index=True
    )
    note = models.TextField(_("note"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    represented_by = models.ForeignKey(
        "self",
        verbose_name=_("representative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="represents",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # When the invitation email was written to the outbox: a repeated fan-out skips it.
    invitation_sent_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_invitation_per_member")
        ]

    def __str__(self):
        return f"{self.member} → {self.meeting}"


class AnswerLink(models.Model):
    """A secret link to answer one invitation without a password.

    Only the SHA-256 of the secret is stored, so a copy of the database answers nothing. Every
    email that carries an answer link gets a link of its own; all stay valid until the
    invitation is withdrawn.
    """

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"answer link #{self.pk} of {self.invitation_id}"
