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
        return f"{self.member} → {self.meeting}"


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


class Registration(models.Model):
    """Someone asking, through the meeting's public page, to be invited.

    It counts only once the email address is confirmed with the code sent to it; then it becomes
    an invitation like any other (or waits for the organizer's approval)."""

    class State(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Email not confirmed")
        AWAITING_APPROVAL = "awaiting", _("Awaiting approval")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.UNCONFIRMED, db_index=True
    )
    email = models.EmailField(_("email"))
    full_name = models.CharField(_("full name"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    agency_name = models.CharField(_("agency"), max_length=200)
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    work_unit = models.CharField(_("work unit"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    rank = models.CharField(_("rank"), max_length=5, blank=True)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="registration"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["meeting", "email"])]

    def __str__(self):
        return f"{self.full_name} <{self.email}> → {self.meeting}"


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


# The answers a calendar reply can carry that Rakor records (RFC 5545 §3.2.12 PARTSTAT).
ANSWER_FOR_PARTSTAT = {
    "ACCEPTED": Invitation.Answer.YES,
    "DECLINED": Invitation.Answer.NO,
    "TENTATIVE": Invitation.Answer.MAYBE,
}


class CalendarReply(models.Model):
    """A METHOD:REPLY from a calendar client, kept whatever became of it, for the organizers."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Answer updated")
        NOTED = "noted", _("About one session: shown, not applied")
        IGNORED = "ignored", _("Ignored: not sent by the invitee")
        STALE = "stale", _("Older than the last answer")
        UNKNOWN = "unknown", _("No matching invitation")
        INVALID = "invalid", _("Not a calendar reply")

    received_at = models.DateTimeField(auto_now_add=True)
    message_id = models.CharField(max_length=255, blank=True)
    sender = models.CharField(max_length=320, blank=True)  # the address in From:
    uid = models.CharField(max_length=255, blank=True)
    attendee = models.CharField(max_length=320, blank=True)
    sequence = models.IntegerField(null=True, blank=True)
    partstat = models.CharField(max_length=20, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    detail = models.TextField(blank=True)
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_replies",
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"], condition=~Q(message_id=""), name="one_reply_per_message_id"
            )
        ]

    def __str__(self):
        return f"{self.attendee} {self.partstat} ({self.outcome})"

    @property
    def answer_label(self) -> str:
        """The reply's PARTSTAT as the answer it would be ("Declines")."""
        answer = ANSWER_FOR_PARTSTAT.get(self.partstat)
        return str(answer.label) if answer else self.partstat


class InvitationLetter(models.Model):
    """The surat undangan of a meeting, as tata naskah dinas writes it (ANRI 5/2021): what the
    organizer sets; the rest (the kop, the days, times, place, agenda, online link and the list
    of invitees) is read from the meeting when the letter is rendered (events/letters/).

    Its number is the meeting's letter number (Meeting.letter_number). Marked final, it is
    frozen through the records app (one version per finalisation, upload or ralat); the latest
    version is attached to every invitation and update email."""

    class Nature(models.TextChoices):
        ORDINARY = "biasa", _("Ordinary")
        URGENT = "segera", _("Urgent")
        VERY_URGENT = "sangat_segera", _("Very urgent")
        RESTRICTED = "terbatas", _("Restricted")

    class TravelCosts(models.TextChoices):
        OWN_AGENCY = "own_agency", _("Borne by each participant's own agency")
        HOST = "host", _("Borne by the host")
        NOT_MENTIONED = "none", _("Not mentioned")
        OTHER = "other", _("Another sentence")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="letter")
    place = models.CharField(_("place"), max_length=100, help_text=_("Where it is signed."))
    letter_date = models.DateField(_("date of the letter"))
    nature = models.CharField(
        _("nature (sifat)"), max_length=16, choices=Nature.choices, default=Nature.ORDINARY
    )
    enclosures = models.CharField(
        _("enclosures (lampiran)"),
        max_length=100,
        blank=True,
        help_text=_("Left empty: one sheet when the invitees are listed, else none."),
    )
    subject = models.CharField(_("subject (hal)"), max_length=300)
    addressed_to_list = models.BooleanField(
        _("addressed to the attached list of invitees"), default=True
    )
    addressees = models.TextField(
        _("addressees (Yth.)"), blank=True, help_text=_("By position, one per line.")
    )
    addressee_location = models.CharField(_("at"), max_length=100, default="Tempat")
    opening = models.TextField(_("opening paragraph"))
    closing = models.TextField(_("closing paragraph"))
    travel_costs = models.CharField(
        _("travel costs"),
        max_length=12,
        choices=TravelCosts.choices,
        default=TravelCosts.OWN_AGENCY,
    )
    travel_costs_text = models.TextField(_("sentence on travel costs"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact's phone"), max_length=40, blank=True)
    signatory_position = models.CharField(_("position of the signatory"), max_length=250)
    signatory_name = models.CharField(_("name of the signatory"), max_length=200)
    signatory_nip = models.CharField(_("NIP of the signatory"), max_length=18, blank=True)
    carbon_copies = models.TextField(
        _("copies to (tembusan)"), blank=True, help_text=_("One per line.")
    )
    # What the latest final version was issued as: {"version", "number", "date" (ISO),
    # "uploaded", "facts"}, where facts are the meeting's details it printed (letters/content.py
    # printed_facts): what the notulen cites ("Dasar: Surat Undangan Nomor … tanggal …"), what a
    # ralat says it corrects, and how a change of the meeting since is found.
    issued = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("invitation letter")
        verbose_name_plural = _("invitation letters")

    def __str__(self):
        return f"surat undangan of {self.meeting}"
