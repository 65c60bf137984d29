"""The inviting page of a meeting, its picker's search, its live summary, and the live delivery
counts on the meeting page (organizers only).

Inviting is two POSTs: "Preview" resolves the choices (agencies and people picked, addresses
pasted) and shows how many will receive the invitation; "Invite and send" carries the same
choices in hidden fields, resolves them again on the server and calls services.invite_and_send.
A GET changes nothing. A pasted address that matches no member gets a row in the preview (the
pasted name, the agency matched or offered as a new one; invite_forms.NewMemberForm); "Invite
and send" makes those people members and invites them with the others in one transaction. A
row left incomplete shows the preview again with its errors and writes nothing.
"""

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from members import selectors as member_selectors
from members.newcomers import NewMembersInvalid
from outbox.models import State as OutboxState
from outbox.selectors import owed_about

from . import selectors, services
from .invite_forms import InviteForm, agency_label, new_member_rows
from .models import Invitation, Meeting
from .permissions import meeting_organizer_required

# Results per page of the picker's search: members, and agencies beside them.
MEMBERS_PER_PAGE = 20
AGENCIES_PER_PAGE = 10


def _search_url(meeting: Meeting) -> str:
    return reverse("events:meeting_invite_search", args=[meeting.pk])


def _selection(form: InviteForm, meeting: Meeting) -> selectors.InviteeSelection:
    return selectors.members_to_invite(
        agency_ids=form.agency_ids,
        member_ids=form.member_ids,
        emails=form.pasted.emails,
        meeting=meeting,
    )


@meeting_organizer_required
def meeting_invite(request, meeting):
    search_url = _search_url(meeting)
    form = InviteForm(request.POST or None, search_url=search_url)
    selection, new_rows, refused = None, None, request.method == "POST"
    if request.method == "POST" and form.is_valid():
        selection = _selection(form, meeting)
        sending = request.POST.get("action") == "send"
        pasted = form.pasted.by_email()
        new_rows, changed = new_member_rows(
            request.POST,
            [pasted[email] for email in selection.unknown_emails],
            sending=sending,
            search_url=search_url,
        )
        if changed:
            messages.error(
                request,
                gettext(
                    "Some addresses match no member: fill in their name and agency, then send."
                ),
            )
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


@require_POST
@meeting_organizer_required
def meeting_invite_summary(request, meeting):
    """What the choices on the inviting page mean, as the organizer makes them: how many
    people, how many already invited, how many new addresses (htmx, every change). A POST
    because pasted lists are long; it writes nothing."""
    form = InviteForm(request.POST, search_url=_search_url(meeting))
    selection = _selection(form, meeting) if form.is_valid() else None
    return render(
        request,
        "events/invite_summary.html",
        {"form": form, "selection": selection},
    )


@require_GET
@meeting_organizer_required
def meeting_invite_search(request, meeting):
    """The picker's search, a page at a time (JSON for tom-select): agencies (with how many
    members each) and members (with their agency, and whether they are already invited).
    `kind=agency` searches agencies only, for choosing a new person's agency. Two queries
    whatever the size of the directory."""
    query = request.GET.get("q", "")[:200]
    agencies_only = request.GET.get("kind") == "agency"
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 1000))
    except ValueError:
        page = 1
    per_agency = MEMBERS_PER_PAGE if agencies_only else AGENCIES_PER_PAGE
    start = (page - 1) * per_agency
    agencies = list(member_selectors.search_agencies(query)[start : start + per_agency + 1])
    members = []
    if not agencies_only:
        start = (page - 1) * MEMBERS_PER_PAGE
        invited = Invitation.objects.filter(
            meeting=meeting, member=OuterRef("pk"), withdrawn_at__isnull=True
        )
        members = list(
            member_selectors.search_members(query).annotate(invited=Exists(invited))[
                start : start + MEMBERS_PER_PAGE + 1
            ]
        )
    more = len(agencies) > per_agency or len(members) > MEMBERS_PER_PAGE
    value = (lambda a: str(a.pk)) if agencies_only else (lambda a: f"agency:{a.pk}")
    members_word = gettext("members")
    results = [
        {
            "value": value(agency),
            "text": agency_label(agency),
            "detail": f"{agency.get_kind_display()} · {agency.member_count} {members_word}",
            "people": agency.member_count,
        }
        for agency in agencies[:per_agency]
    ] + [
        {
            "value": f"member:{member.pk}",
            "text": member.full_name,
            "detail": " · ".join(
                part
                for part in (
                    member.position,
                    member.agency.acronym or member.agency.name,
                    gettext("already invited") if member.invited else "",
                )
                if part
            ),
            "people": 1,
        }
        for member in members[:MEMBERS_PER_PAGE]
    ]
    next_url = None
    if more:
        params = {"q": query, "page": page + 1, **({"kind": "agency"} if agencies_only else {})}
        next_url = f"{_search_url(meeting)}?{urlencode(params)}"
    return JsonResponse({"results": results, "next": next_url})


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
