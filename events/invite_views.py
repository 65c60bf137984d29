"""The inviting page of a meeting and the live delivery counts on its page (organizers only).

Inviting is two POSTs: "Preview" resolves the choices (agencies, members, pasted addresses) and
shows how many will receive the invitation; "Invite and send" carries the same choices in hidden
fields, resolves them again on the server and calls services.invite_and_send. A GET changes
nothing. Pasted addresses that match no member are listed and block sending: they are imported
through the roster import first (members:import), not through a second form here.
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
from outbox.models import State as OutboxState

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
    selection, refused = None, request.method == "POST"
    if request.method == "POST" and form.is_valid():
        selection = _selection(form, meeting)
        refused = bool(selection.unknown_emails)
        if request.POST.get("action") == "send" and not refused:
            try:
                sent = services.invite_and_send(
                    meeting=meeting,
                    members=selection.members,
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except services.MeetingNotPublished as error:
                messages.error(request, error.message)
                refused = True
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
            "can_send": meeting.state == Meeting.State.PUBLISHED,
        },
        status=400 if refused else 200,
    )


@meeting_organizer_required
def meeting_delivery(request, meeting):
    """The counts of the meeting's emails per outbox state; the partial polls itself every 3 s
    while some are still queued or being sent."""
    counts = selectors.delivery_counts(meeting=meeting)
    return render(
        request,
        "events/meeting_delivery.html",
        {
            "meeting": meeting,
            "delivery": [(state, label, counts[state]) for state, label in OutboxState.choices],
            "delivery_active": counts[OutboxState.QUEUED] + counts[OutboxState.SENDING] > 0,
            "delivery_total": sum(counts.values()),
            "delivery_failed": counts[OutboxState.FAILED],
        },
    )
