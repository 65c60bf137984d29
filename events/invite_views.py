"""The inviting page of a meeting and the live delivery counts on its page (organizers only).

Inviting is two POSTs: "Preview" resolves the choices (agencies, members, pasted addresses) and
shows how many will receive the invitation; "Invite and send" carries the same choices in hidden
fields, resolves them again on the server and calls services.invite_and_send. A GET changes
nothing. A pasted address that matches no member gets a row in the preview (name, agency,
optional position, NewMemberForm); "Invite and send" makes those people members and invites them
with the others in one transaction. A row left incomplete shows the preview again with its errors
and writes nothing.
"""

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from members.models import Agency, Member
from members.services import NewMember, NewMembersInvalid
from outbox.models import State as OutboxState
from outbox.selectors import owed_about

from . import selectors, services
from .models import Invitation, Meeting
from .permissions import meeting_organizer_required

EMAIL_SEPARATORS = re.compile(r"[\s,;]+")
# Addresses pasted at once: a roster of this size belongs in the roster import.
MAX_PASTED = 2000


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member):
        agency = member.agency.acronym or member.agency.name
        return f"{member.full_name} — {agency} <{member.email}>"


class InviteForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        help_text=_("Every member of each agency chosen is invited."),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )
    members = MemberChoiceField(
        label=_("Members"),
        queryset=Member.objects.select_related("agency").order_by("full_name", "pk"),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
    )
    emails = forms.CharField(
        label=_("Email addresses"),
        required=False,
        help_text=_("One per line, or separated by commas or semicolons."),
        widget=forms.Textarea(
            attrs={"class": "form-control", "rows": 4, "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Invitation.Role.choices,
        initial=Invitation.Role.PARTICIPANT,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_emails(self) -> list[str]:
        """The pasted addresses, lower case and each once; malformed ones are listed in one
        error."""
        pasted = [part for part in EMAIL_SEPARATORS.split(self.cleaned_data["emails"]) if part]
        if len(pasted) > MAX_PASTED:
            raise ValidationError(
                gettext("Paste at most %(max)d addresses; import a larger list as a roster.")
                % {"max": MAX_PASTED}
            )
        malformed = []
        for address in pasted:
            try:
                validate_email(address)
            except ValidationError:
                malformed.append(address)
        if malformed:
            raise ValidationError(
                gettext("These are not valid email addresses: %(addresses)s")
                % {"addresses": ", ".join(malformed)}
            )
        return list(dict.fromkeys(address.lower() for address in pasted))

    def clean(self):
        data = super().clean()
        if not self.errors and not (
            data.get("agencies") or data.get("members") or data.get("emails")
        ):
            raise ValidationError(gettext("Choose at least one agency, member or email address."))
        return data


class NewMemberForm(forms.Form):
    """One pasted address that matches no member: who they are, to make them a member."""

    email = forms.EmailField(widget=forms.HiddenInput)
    full_name = forms.CharField(
        label=_("Name"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "autocomplete": "off"}
        ),
    )
    agency = forms.TypedChoiceField(
        label=_("Agency"),
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    position = forms.CharField(
        label=_("Position"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-sm", "autocomplete": "off"}
        ),
    )

    def __init__(self, *args, agency_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The choices come from one query for all rows, not one per row.
        self.fields["agency"].choices = [("", "—"), *agency_choices]

    def new_member(self) -> NewMember:
        data = self.cleaned_data
        return NewMember(
            email=data["email"].lower(),
            full_name=data["full_name"],
            agency_id=data["agency"],
            position=data["position"],
        )


NewMemberFormSet = forms.formset_factory(
    NewMemberForm, extra=0, max_num=MAX_PASTED, absolute_max=MAX_PASTED
)
NEW_PREFIX = "new"


def _new_member_rows(request, unknown: list[str], *, sending: bool):
    """The rows of the unknown addresses: bound to what was sent when it is for exactly those
    addresses, otherwise (a preview, or the list changed since it) new rows keeping what was
    filled in for each address."""
    if not unknown:
        return NewMemberFormSet(prefix=NEW_PREFIX)
    choices = [
        (agency.pk, f"{agency.name} ({agency.acronym})" if agency.acronym else agency.name)
        for agency in Agency.objects.order_by("name").only("pk", "name", "acronym")
    ]
    kwargs = {"prefix": NEW_PREFIX, "form_kwargs": {"agency_choices": choices}}
    if sending:
        rows = NewMemberFormSet(request.POST, **kwargs)
        posted = [
            request.POST.get(f"{NEW_PREFIX}-{i}-email", "").strip().lower()
            for i in range(rows.total_form_count())
        ]
        if posted == unknown:
            return rows
        messages.error(
            request,
            gettext("Some addresses match no member: fill in their name and agency, then send."),
        )
        filled = {
            email: {
                name: request.POST.get(f"{NEW_PREFIX}-{i}-{name}", "")
                for name in ("full_name", "agency", "position")
            }
            for i, email in enumerate(posted)
        }
    else:
        filled = {}
    return NewMemberFormSet(
        initial=[{"email": email, **filled.get(email, {})} for email in unknown], **kwargs
    )


def _selection(form: InviteForm, meeting: Meeting) -> selectors.InviteeSelection:
    data = form.cleaned_data
    return selectors.members_to_invite(
        agencies=data["agencies"],
        member_ids=[member.pk for member in data["members"]],
        emails=data["emails"],
        meeting=meeting,
    )


@meeting_organizer_required
def meeting_invite(request, meeting):
    form = InviteForm(request.POST or None)
    selection, new_rows, refused = None, None, request.method == "POST"
    if request.method == "POST" and form.is_valid():
        selection = _selection(form, meeting)
        sending = request.POST.get("action") == "send"
        new_rows = _new_member_rows(request, selection.unknown_emails, sending=sending)
        refused = sending
        rows_ready = not selection.unknown_emails or (new_rows.is_bound and new_rows.is_valid())
        if sending and rows_ready:
            try:
                sent = services.invite_and_send(
                    meeting=meeting,
                    members=selection.members,
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                    new_members=[row.new_member() for row in new_rows] if new_rows.is_bound else [],
                )
            except services.MeetingNotPublished as error:
                messages.error(request, error.message)
            except NewMembersInvalid as error:
                for row in new_rows:
                    for message in error.errors.get(row.cleaned_data["email"].lower(), []):
                        row.add_error(None, message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d invitation is being sent.",
                        "%(count)d invitations are being sent.",
                        sent,
                    )
                    % {"count": sent},
                )
                return redirect("events:meeting_detail", pk=meeting.pk)
    return render(
        request,
        "events/invite.html",
        {
            "meeting": meeting,
            "form": form,
            "selection": selection,
            "new_rows": new_rows,
            "can_send": meeting.state == Meeting.State.PUBLISHED,
        },
        status=400 if refused else 200,
    )


@meeting_organizer_required
def meeting_delivery(request, meeting):
    """The counts of the meeting's emails per outbox state; the partial polls itself every 3 s
    while some are still queued or being sent."""
    counts = selectors.delivery_counts(meeting=meeting)
    owed = owed_about(topic=f"meeting:{meeting.pk}")
    return render(
        request,
        "events/meeting_delivery.html",
        {
            "meeting": meeting,
            "delivery": [(state, label, counts[state]) for state, label in OutboxState.choices],
            "owed": owed,
            "delivery_active": bool(owed)
            or counts[OutboxState.QUEUED] + counts[OutboxState.SENDING] > 0,
            "delivery_total": sum(counts.values()) + sum(item.count for item in owed),
            "delivery_failed": counts[OutboxState.FAILED],
        },
    )
