"""The meeting editor: the meeting's fields, its sessions and its agenda, checked together.

Times are typed in the meeting's own time zone (the one chosen in the same form) and become
aware datetimes here; the service receives plain dicts and keeps the rules.
"""

from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core import widgets
from core.dates import INDONESIAN_ZONES, local_time_problem
from core.forms import model_max_length
from core.text import OneLineField
from members.models import Agency, Member

from . import services
from .models import ONLINE_MODES, AgendaItem, Meeting, Session
from .services.meeting_data import AgendaItemData, SessionData
from .services.registration_scope import parse_domains

DEFAULT_ZONE = "Asia/Jakarta"
IN_PERSON_MODES = (Meeting.Mode.IN_PERSON, Meeting.Mode.HYBRID)
# Reminders offered in the meeting form, in minutes before the first session (reminders.py).
REMINDER_CHOICES = [
    (7 * 24 * 60, _("1 week before")),
    (3 * 24 * 60, _("3 days before")),
    (24 * 60, _("1 day before")),
    (3 * 60, _("3 hours before")),
    (2 * 60, _("2 hours before")),
    (60, _("1 hour before")),
    (30, _("30 minutes before")),
]


def time_zone_choices() -> list:
    """Indonesia's zones first, labelled WIB/WITA/WIT, then every other IANA zone: two groups
    of one searchable list (static/js/searchable-select.js)."""
    indonesian = [(zone, f"{label} — {zone}") for zone, label in INDONESIAN_ZONES.items()]
    others = sorted(
        zone for zone in available_timezones() if zone not in INDONESIAN_ZONES and "/" in zone
    )
    return [(_("Indonesia"), indonesian), (_("Other time zones"), [(z, z) for z in others])]


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time without a zone: the editor puts it in the meeting's zone."""

    widget = widgets.DateTimeInput

    def to_python(self, value):
        result = super().to_python(value)
        return timezone.make_naive(result) if result is not None else None

    def prepare_value(self, value):
        return value


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member):
        return f"{member.full_name} ({member.agency.acronym or member.agency.name})"


class MeetingForm(forms.ModelForm):
    online_url = forms.URLField(
        label=_("Online meeting link"),
        max_length=model_max_length(Meeting, "online_url"),
        required=False,
        assume_scheme="https",
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        initial=DEFAULT_ZONE,
        widget=forms.Select(attrs={"data-searchable": True}),
    )
    answer_deadline = LocalDateTimeField(
        label=_("Answer deadline"),
        required=False,
        help_text=_("In the meeting's time zone; before the first session starts."),
    )
    chair = MemberChoiceField(label=_("Chair"), queryset=Member.objects.none(), required=False)
    minute_taker = MemberChoiceField(
        label=_("Minute-taker"), queryset=Member.objects.none(), required=False
    )
    # Registration through the public page (events/services/registration*.py).
    registration_open = forms.BooleanField(
        label=_("Open for registration through the public link"), required=False
    )
    registration_scope = forms.ChoiceField(
        label=_("Who may register"),
        choices=Meeting.RegistrationScope.choices,
        initial=Meeting.RegistrationScope.INVITED_AGENCIES,
        required=False,
    )
    registration_domains = forms.CharField(
        label=_("Email domains that may register"),
        max_length=model_max_length(Meeting, "registration_domains"),
        required=False,
        help_text=_("Comma-separated, e.g. kemenag.go.id, bps.go.id; subdomains included."),
    )
    registration_closes_at = LocalDateTimeField(
        label=_("Registration closes at"),
        required=False,
        help_text=_("In the meeting's time zone; empty: open until the answer deadline."),
    )
    registration_requires_approval = forms.BooleanField(
        label=_("Registrations need an organizer's approval"), required=False
    )
    reminder_offsets = forms.TypedMultipleChoiceField(
        label=_("Reminders by email"),
        choices=REMINDER_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Before the first session: “see you soon” to those who will attend, “please "
            "answer” to those who have not answered. Tick none for no reminders."
        ),
    )

    class Meta:
        model = Meeting
        fields = list(services.MEETING_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {name: OneLineField for name in ("title", "letter_number", "venue")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = time_zone_choices()
        members = Member.objects.select_related("agency").order_by("full_name", "pk")
        cast(forms.ModelChoiceField, self.fields["chair"]).queryset = members
        cast(forms.ModelChoiceField, self.fields["minute_taker"]).queryset = members
        cast(forms.ModelChoiceField, self.fields["host_agency"]).queryset = Agency.objects.order_by(
            "name"
        )
        if self.instance.pk and self.instance.answer_deadline:
            zone = ZoneInfo(self.instance.time_zone)
            self.initial["answer_deadline"] = timezone.make_naive(
                self.instance.answer_deadline, zone
            )
        if self.instance.pk and self.instance.registration_closes_at:
            zone = ZoneInfo(self.instance.time_zone)
            self.initial["registration_closes_at"] = timezone.make_naive(
                self.instance.registration_closes_at, zone
            )
        # A new meeting starts with the model's default reminders ticked.
        self.initial.setdefault("reminder_offsets", self.instance.reminder_offsets)
        offered = {minutes for minutes, _label in REMINDER_CHOICES}
        cast(forms.ChoiceField, self.fields["reminder_offsets"]).choices = REMINDER_CHOICES + [
            (minutes, format_lazy(_("{minutes} minutes before"), minutes=minutes))
            for minutes in sorted(set(self.instance.reminder_offsets or ()) - offered, reverse=True)
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self._clean_registration(cleaned)
        mode = cleaned.get("mode")
        if mode in ONLINE_MODES and not cleaned.get("online_url"):
            self.add_error("online_url", _("An online or hybrid meeting needs its online link."))
        if mode in IN_PERSON_MODES and not cleaned.get("venue"):
            self.add_error("venue", _("An in-person or hybrid meeting needs a venue."))
        deadline, zone = cleaned.get("answer_deadline"), cleaned.get("time_zone")
        if deadline is not None and zone:
            cleaned["answer_deadline"] = self._in_zone("answer_deadline", deadline, zone)
        return cleaned

    def _in_zone(self, name: str, naive: datetime, zone: str) -> datetime:
        """`naive` in `zone`, or an error on field `name` (see local_time_problem)."""
        moment = naive.replace(tzinfo=ZoneInfo(zone))
        problem = local_time_problem(moment)
        if problem:
            self.add_error(name, format_lazy("{} {}", problem, _("Choose another time.")))
        return moment

    def _clean_registration(self, cleaned: dict) -> None:
        """Registration settings: a scope by default, domains tidied and required for the
        email-domain scope, the closing time in the meeting's zone."""
        scope = cleaned.get("registration_scope") or Meeting.RegistrationScope.INVITED_AGENCIES
        cleaned["registration_scope"] = scope
        domains = parse_domains(cleaned.get("registration_domains", ""))
        cleaned["registration_domains"] = ", ".join(domains)
        if (
            cleaned.get("registration_open")
            and scope == Meeting.RegistrationScope.EMAIL_DOMAINS
            and not domains
        ):
            self.add_error("registration_domains", _("List the email domains that may register."))
        closes, zone = cleaned.get("registration_closes_at"), cleaned.get("time_zone")
        if closes is not None and zone:
            cleaned["registration_closes_at"] = self._in_zone(
                "registration_closes_at", closes, zone
            )

    def clean_reminder_offsets(self) -> list[int]:
        """Each offset once, the earliest reminder first."""
        return sorted(set(self.cleaned_data.get("reminder_offsets") or ()), reverse=True)

    def meeting_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SessionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = OneLineField(
        label=_("Title"), max_length=model_max_length(Session, "title"), initial=""
    )
    date = forms.DateField(label=_("Date"), widget=widgets.DateInput)
    start_time = forms.TimeField(label=_("Starts"), widget=widgets.TimeInput)
    end_time = forms.TimeField(label=_("Ends"), widget=widgets.TimeInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start is not None and end is not None and end <= start:
            title = cleaned.get("title") or _("without a title")
            self.add_error(
                "end_time",
                format_lazy(_("Session “{title}” ends before it starts."), title=title),
            )
        return cleaned


class AgendaItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    time = forms.TimeField(label=_("Time"), required=False, widget=widgets.TimeInput)
    title = OneLineField(label=_("Title"), max_length=model_max_length(AgendaItem, "title"))
    speaker = OneLineField(
        label=_("Speaker"), max_length=model_max_length(AgendaItem, "speaker"), required=False
    )
    moderator = OneLineField(
        label=_("Moderator"), max_length=model_max_length(AgendaItem, "moderator"), required=False
    )
    session = forms.TypedChoiceField(
        label=_("Session"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, session_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["session"]).choices = [("", "—"), *session_choices]


SessionFormSet = forms.formset_factory(
    SessionForm, extra=1, can_delete=True, min_num=1, validate_min=True, max_num=30
)
AgendaFormSet = forms.formset_factory(AgendaItemForm, extra=2, can_delete=True, max_num=100)


class MeetingEditor:
    """The meeting form and its two formsets, validated together: sessions are turned into
    aware datetimes in the chosen zone and the schedule rules of the service are applied."""

    def __init__(self, data=None, *, meeting: Meeting | None = None):
        self.meeting = meeting
        sessions_initial, agenda_initial = self._initial(meeting)
        self.form = MeetingForm(data, instance=meeting, prefix="meeting")
        self.sessions = SessionFormSet(
            data,
            initial=sessions_initial,
            prefix="sessions",
        )
        self.agenda = AgendaFormSet(
            data,
            initial=agenda_initial,
            prefix="agenda",
            form_kwargs={"session_choices": self._session_choices()},
        )
        self.errors: list = []
        self.cleaned_sessions: list[SessionData] = []
        self.cleaned_agenda: list[AgendaItemData] = []

    def _session_choices(self) -> list[tuple[int, str]]:
        """The sessions an agenda item can belong to: the filled-in session rows of this page, by
        their number in the list (the sessions of a new meeting have no id yet). The page's
        script (static/js/meeting-form.js) offers a row as soon as its title is typed."""
        titles = [(form["title"].value() or "").strip() for form in self.sessions.forms]
        return [(number, f"{number} · {title}") for number, title in enumerate(titles, 1) if title]

    @staticmethod
    def _initial(meeting):
        if meeting is None:
            return [], []
        zone = ZoneInfo(meeting.time_zone)
        sessions = list(meeting.sessions.all())
        numbers = {session.pk: index for index, session in enumerate(sessions, start=1)}
        sessions_initial = [
            {
                "id": s.pk,
                "title": s.title,
                "date": s.starts_at.astimezone(zone).date(),
                "start_time": s.starts_at.astimezone(zone).time(),
                "end_time": s.ends_at.astimezone(zone).time(),
            }
            for s in sessions
        ]
        agenda_initial = [
            {
                "id": item.pk,
                "time": item.starts_at.astimezone(zone).time() if item.starts_at else None,
                "title": item.title,
                "speaker": item.speaker,
                "moderator": item.moderator,
                "session": numbers.get(item.session_id),
            }
            for item in meeting.agenda_items.all()
        ]
        return sessions_initial, agenda_initial

    def is_valid(self) -> bool:
        valid = all([self.form.is_valid(), self.sessions.is_valid(), self.agenda.is_valid()])
        if not valid:
            return False
        zone = ZoneInfo(self.form.cleaned_data["time_zone"])
        self.cleaned_sessions = [
            {
                "pk": data.get("id"),
                "title": data["title"],
                "starts_at": datetime.combine(data["date"], data["start_time"], tzinfo=zone),
                "ends_at": datetime.combine(data["date"], data["end_time"], tzinfo=zone),
            }
            for data in self._kept(self.sessions)
        ]
        for session in self.cleaned_sessions:
            for moment in (session["starts_at"], session["ends_at"]):
                if problem := local_time_problem(moment):
                    refused = _("Session “{title}”: {problem} Choose another time.")
                    self.errors.append(
                        format_lazy(refused, title=session["title"], problem=problem)
                    )
        if self.errors:
            return False
        for number, data in enumerate(self._kept(self.agenda), start=1):
            index = data.get("session")
            if index is not None and not 1 <= index <= len(self.cleaned_sessions):
                self.errors.append(
                    format_lazy(
                        _("Agenda item {number} refers to a session that does not exist."),
                        number=number,
                    )
                )
                return False
            day = self.cleaned_sessions[(index or 1) - 1]["starts_at"].date()
            if data.get("time") and (
                problem := local_time_problem(datetime.combine(day, data["time"], tzinfo=zone))
            ):
                refused = _("Agenda item {number}: {problem} Choose another time.")
                self.errors.append(format_lazy(refused, number=number, problem=problem))
                return False
            self.cleaned_agenda.append(
                {
                    "pk": data.get("id"),
                    "title": data["title"],
                    "speaker": data.get("speaker", ""),
                    "moderator": data.get("moderator", ""),
                    "session": index - 1 if index else None,
                    "starts_at": datetime.combine(day, data["time"], tzinfo=zone)
                    if data.get("time")
                    else None,
                }
            )
        try:
            services.check_schedule(
                sessions=self.cleaned_sessions,
                answer_deadline=self.form.cleaned_data.get("answer_deadline"),
            )
        except services.ScheduleInvalid as invalid:
            self.errors.append(invalid.message)
            return False
        return True

    @staticmethod
    def _kept(formset) -> list[dict]:
        """The filled-in forms not marked for deletion, in their order on the page (an extra
        form left blank has no cleaned data)."""
        return [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def service_kwargs(self) -> dict:
        return {
            "data": self.form.meeting_data(),
            "sessions": self.cleaned_sessions,
            "agenda": self.cleaned_agenda,
        }
