"""Forms of the outputs pages.

Minutes: the editor posts one field per section ("section-<id>") and "conclusions", parsed by
`minutes_post`; approval, review and decisions have forms of their own. Follow-up actions: the
action (what, who, when, from which decision) and its progress; the activity report's narrative.
"""

from dataclasses import fields
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from core import widgets
from core.text import OneLineField
from events.models import AgendaItem, Invitation, Meeting
from members.models import Agency, Member
from outputs import services
from privacy.scope import may_see_contact

from .models import Action, ActivityReport, Decision
from .services import report as reports

# --- Minutes ---------------------------------------------------------------------------------

SECTION_PREFIX = "section-"


def minutes_post(data) -> tuple[dict[int, str], str | None]:
    """({section id: text}, conclusions or None) from the editor's POST; other fields are
    ignored, a malformed section id is left for the service to refuse."""
    sections = {}
    for key in data:
        if key.startswith(SECTION_PREFIX):
            raw = key.removeprefix(SECTION_PREFIX)
            sections[raw if not raw.isdigit() else int(raw)] = data.get(key, "")
    conclusions = data.get("conclusions") if "conclusions" in data else None
    return sections, conclusions


class ApproveForm(forms.Form):
    """The chair's approval: name and NIP as printed under the signature, and the date."""

    approver_name = OneLineField(
        label=_("Name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    approver_nip = forms.CharField(
        label=_("NIP"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    approved_on = forms.DateField(
        label=_("Date"),
        widget=widgets.DateInput,
    )

    @classmethod
    def for_meeting(cls, meeting: Meeting, *, viewer, data=None) -> "ApproveForm":
        """Pre-filled with the chair's name, their NIP where `viewer` may see it
        (privacy/scope.py: the chair is any member), and today's date."""
        chair = meeting.chair
        initial = {
            "approver_name": chair.full_name if chair else "",
            "approver_nip": chair.nip if chair and may_see_contact(viewer, chair) else "",
            "approved_on": timezone.localdate(),
        }
        return cls(data=data, initial=initial)


class ReviewerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.full_name} ({obj.agency})" if obj.agency_id else obj.full_name


class ReviewersForm(forms.Form):
    """Whom to ask for a review: people invited to the meeting (the chair is always asked)."""

    reviewers = ReviewerChoiceField(
        label=_("Reviewers"),
        queryset=Member.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["reviewers"]).queryset = (
            Member.objects.filter(
                invitations__meeting=meeting, invitations__withdrawn_at__isnull=True
            )
            .select_related("agency")
            .order_by("full_name", "pk")
        )


class ReviewCommentForm(forms.Form):
    section = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Your comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Decisions -------------------------------------------------------------------------------


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("— the meeting as a whole —"),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        agenda_item = cast(forms.ModelChoiceField, self.fields["agenda_item"])
        agenda_item.queryset = meeting.agenda_items.all()


# --- Documents -------------------------------------------------------------------------------


class DocumentForm(forms.Form):
    """One upload; the size and content checks are the service's (outputs/services/documents)."""

    file = forms.FileField(label=_("File"))
    title = OneLineField(label=_("Title"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"))
    visibility = forms.ChoiceField(label=_("Visible to"))
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        from outputs.models import Document
        from outputs.sniff import ACCEPTED_EXTENSIONS

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = Document.Kind.choices
        visibility = cast(forms.ChoiceField, self.fields["visibility"])
        visibility.choices = Document.Visibility.choices
        visibility.initial = Document.Visibility.PARTICIPANTS
        agenda_item = cast(forms.ModelChoiceField, self.fields["agenda_item"])
        agenda_item.queryset = meeting.agenda_items.all()
        agenda_item.empty_label = _("The whole meeting")
        self.fields["file"].widget.attrs["accept"] = ",".join(ACCEPTED_EXTENSIONS)


class ResponsibleMemberField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        if not obj.agency_id:
            return obj.full_name
        return f"{obj.full_name} ({obj.agency.acronym or obj.agency.name})"


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Decision) -> str:
        return f"{obj.number}. {obj.text[:60]}"


class ActionForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("What is to be done"),
        max_length=services.action_rules.TITLE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responsible_agency = forms.ModelChoiceField(
        label=gettext_lazy("Responsible agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label="—",
    )
    responsible_member = ResponsibleMemberField(
        label=gettext_lazy("Responsible person"),
        queryset=Member.objects.none(),
        required=False,
        empty_label="—",
    )
    due_date = forms.DateField(
        label=gettext_lazy("Due date"),
        widget=widgets.DateInput,
    )
    decision = DecisionChoiceField(
        label=gettext_lazy("From decision (optional)"),
        queryset=Decision.objects.none(),
        required=False,
        empty_label="—",
    )

    def __init__(self, *args, meeting: Meeting, action: Action | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        cast(
            forms.ModelChoiceField, fields["responsible_agency"]
        ).queryset = Agency.objects.order_by("name")
        invited = Invitation.objects.filter(meeting=meeting, withdrawn_at__isnull=True).values(
            "member_id"
        )
        people = Q(pk__in=invited)
        if action is not None and action.responsible_member_id:
            people |= Q(pk=action.responsible_member_id)
        members = Member.objects.filter(people).select_related("agency")
        cast(forms.ModelChoiceField, fields["responsible_member"]).queryset = members.order_by(
            "full_name", "pk"
        )
        cast(forms.ModelChoiceField, fields["decision"]).queryset = meeting.decisions.order_by(
            "number"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("responsible_agency") and not data.get("responsible_member"):
            raise forms.ValidationError(_("Name who is responsible: an agency, a person, or both."))
        return data


Status = Action.Status


class ProgressForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What has been done"),
        max_length=services.action_rules.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    author_name = OneLineField(
        label=gettext_lazy("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    status = forms.ChoiceField(
        choices=[(s, s.label) for s in (Status.OPEN, Status.IN_PROGRESS, Status.DONE)]
    )


class ReportForm(forms.ModelForm):
    class Meta:
        model = ActivityReport
        fields = [f.name for f in fields(reports.ReportData)]
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in (
                    "background",
                    "purpose",
                    "scope",
                    "basis",
                    "obstacles",
                    "conclusions",
                    "suggestions",
                    "closing",
                )
            },
            "author_name": forms.TextInput(),
            "author_position": forms.TextInput(),
            "author_nip": forms.TextInput(attrs={"inputmode": "numeric"}),
            "place": forms.TextInput(),
            "report_date": widgets.DateInput(),
        }

    def clean_author_nip(self):
        nip = "".join(self.cleaned_data["author_nip"].split())
        if nip and (len(nip) != 18 or not nip.isdigit()):
            raise forms.ValidationError(_("A NIP has 18 digits."))
        return nip

    def report_data(self) -> reports.ReportData:
        return reports.ReportData(
            **{f.name: self.cleaned_data[f.name] for f in fields(reports.ReportData)}
        )
