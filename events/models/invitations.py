"""Invitations and what hangs on one: its representatives, seat offers, answer links and
reminders sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from events.models.meetings import Meeting
from members.models import Member


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
    # The meeting's SEQUENCE when this person's calendar was last changed (see changes.py).
    calendar_sequence = models.IntegerField(null=True, blank=True)
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
        return _("invitation of %(person)s to %(meeting)s") % {
            "person": self.member,
            "meeting": self.meeting,
        }


class Representation(models.Model):
    """A representative an invitee named through their answer link ("Diwakilkan"), kept with
    what became of it, for the organizers (the meeting page, the invitations table).

    An invitation has one representative at a time (the constraint); naming another, or
    answering again oneself, ends the current one. The representative takes part as a
    participant until an organizer grants them the role of the person they stand in for."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="representations"
    )
    representative = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="representing"
    )
    # The role of the person represented, which the representative does not have until granted.
    role = models.CharField(_("role"), max_length=12, choices=Invitation.Role.choices)
    # The representative was not invited before: their invitation exists because of this
    # representation, and is withdrawn when it ends.
    created_invitation = models.BooleanField(default=False)
    named_at = models.DateTimeField(_("named at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    granted_at = models.DateTimeField(_("role granted at"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The representative's own role when the grant replaced it, given back when the
    # representation ends (someone invited before keeps no role they held only as a stand-in).
    previous_role = models.CharField(
        _("role before the grant"), max_length=12, choices=Invitation.Role.choices, blank=True
    )
    # When ending this representation withdrew the representative's invitation: a withdrawal
    # that was no organizer's decision, so naming them again renews it.
    representative_withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        ordering = ["named_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation"],
                condition=Q(ended_at__isnull=True),
                name="one_representative_at_a_time",
            )
        ]

    def __str__(self):
        return f"{self.representative_id} for {self.invitation_id}"


class SeatOffer(models.Model):
    """A free seat offered to someone on the waiting list, by email, until `expires_at`.

    The first person waiting (earliest `waitlisted_at`) is offered a freed seat; the seat is
    kept for them until they take it through their answer link, decline, or the offer expires,
    and then offered to the next. An open offer holds its seat. Each person is offered once
    per meeting: the organizer sees the order of the queue and the state of every offer."""

    class State(models.TextChoices):
        OPEN = "open", _("Offered")
        TAKEN = "taken", _("Taken")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Invitation withdrawn")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seat_offers")
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="seat_offers")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("seat offer")
        verbose_name_plural = _("seat offers")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation"], condition=Q(state="open"), name="one_open_offer_per_person"
            )
        ]
        indexes = [
            # The beat task's question, as small as the offers still open.
            models.Index(
                fields=["expires_at"], condition=Q(state="open"), name="seat_offer_open_expiry"
            ),
            models.Index(fields=["meeting", "state"]),
        ]

    def __str__(self):
        return f"seat offer to {self.invitation_id} ({self.state})"


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


class ReminderSent(models.Model):
    """One reminder to one invitee, written in the same transaction as its email: the unique
    constraint is what keeps a second beat run, or a restarted worker, from sending it twice.
    `first_starts_at` is the start it reminded of, so a meeting moved later is reminded again."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="reminders")
    offset_minutes = models.PositiveIntegerField()
    first_starts_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "offset_minutes", "first_starts_at"],
                name="one_reminder_per_offset_and_start",
            )
        ]

    def __str__(self):
        return f"reminder {self.offset_minutes} min before {self.first_starts_at}"
