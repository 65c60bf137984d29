"""Forms of the outputs pages.

Minutes: the editor posts one field per section ("section-<id>") and "conclusions", parsed by
`minutes_post`; approval, review and decisions have forms of their own.
"""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import widgets
from core.text import OneLineField
from events.models import AgendaItem, Meeting
from members.models import Member
from privacy.scope import may_see_contact

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
