"""Organizer pages of meetings: list, detail, editor, state changes, co-organizers and the
invitations table. Views parse, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from core.export_views import export_table
from core.exports import ExportTable, gated, sort_table
from members.models import User
from members.permissions import is_organizer, organizer_required
from personal_data.models import Access
from personal_data.services import record_access

from . import selectors, services
from .calendar import session_line
from .filters import InvitationFilter, MeetingFilter
from .forms import MeetingEditor
from .models import Meeting
from .permissions import is_meeting_organizer, meeting_organizer_required
from .services import letters
from .tables import PER_PAGE, InvitationTable, MeetingTable


@login_required
def meeting_list(request):
    """Organizers see the meetings they organize (staff: all); a co-organizer who is not in the
    Organizer group still sees the meetings they were added to."""
    meetings = selectors.meetings_for_list(user=request.user)
    if not is_organizer(request.user) and not meetings.exists():
        raise PermissionDenied
    meeting_filter = MeetingFilter(request.GET, queryset=meetings)
    table = MeetingTable(meeting_filter.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    # Counted for this page's rows only.
    selectors.set_invited_counts([row.record for row in table.page.object_list])
    return render(
        request,
        "events/meeting_list.html",
        {"filter": meeting_filter, "table": table, "can_create": is_organizer(request.user)},
    )


@organizer_required
def meeting_create(request):
    editor = MeetingEditor(request.POST or None)
    if request.method == "POST" and editor.is_valid():
        try:
            meeting = services.create_meeting(organizer=request.user, **editor.service_kwargs())
        except services.MeetingError as refused:
            editor.errors.append(refused.message)
        else:
            messages.success(request, gettext("The meeting was saved as a draft."))
            return redirect("events:meeting_detail", pk=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/meeting_form.html", {"editor": editor}, status=status)


@meeting_organizer_required
def meeting_edit(request, meeting):
    editor = MeetingEditor(request.POST or None, meeting=meeting)
    if request.method == "POST" and editor.is_valid():
        letter_before = _letter_version(meeting)
        try:
            change = services.update_meeting(
                meeting=meeting, by=request.user, **editor.service_kwargs()
            )
        except services.MeetingError as refused:
            editor.errors.append(refused.message)
        else:
            messages.success(request, gettext("The meeting was saved."))
            if change.sequence_bumped:
                messages.info(
                    request,
                    gettext("Changed time or place (calendar sequence %(sequence)s): %(changes)s")
                    % {
                        "sequence": change.meeting.sequence,
                        "changes": "; ".join(str(text) for text in change.changes),
                    },
                )
            letter_now = _letter_version(meeting)
            if letter_now != letter_before:
                messages.info(
                    request,
                    gettext(
                        "The invitation letter was reissued as a ralat (version %(version)s): "
                        "the update email carries it."
                    )
                    % {"version": letter_now},
                )
            return redirect("events:meeting_detail", pk=meeting.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "events/meeting_form.html", {"editor": editor, "meeting": meeting}, status=status
    )


def _letter_version(meeting) -> int | None:
    """The newest version of the meeting's surat undangan, None before it is final."""
    versions = letters.letter_versions(meeting)
    return versions[0].version if versions else None


@meeting_organizer_required
def meeting_detail(request, meeting):
    meeting = selectors.meeting_for_page(pk=meeting.pk)
    invitations = selectors.invitations_for_table(meeting=meeting)
    return render(
        request,
        "events/meeting_detail.html",
        {
            "meeting": meeting,
            "sessions": [(s, session_line(s, meeting.time_zone)) for s in meeting.sessions.all()],
            "answer_counts": selectors.answer_counts(invitations=invitations),
            "invited_count": invitations.count(),
            "representations": selectors.representations_for_meeting(meeting=meeting),
            "waiting_list": selectors.waiting_list(meeting=meeting) if meeting.capacity else [],
            "calendar_replies": selectors.calendar_replies_to_check(meeting=meeting),
        },
    )


def _state_change(service, done_message):
    @require_POST
    @meeting_organizer_required
    def view(request, meeting):
        try:
            service(meeting=meeting)
        except services.MeetingError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, gettext(done_message))
        return redirect("events:meeting_detail", pk=meeting.pk)

    return view


meeting_publish = _state_change(services.publish_meeting, gettext_noop("The meeting is published."))
meeting_cancel = _state_change(services.cancel_meeting, gettext_noop("The meeting is cancelled."))
meeting_finish = _state_change(
    services.finish_meeting, gettext_noop("The meeting is marked finished.")
)


@require_POST
@meeting_organizer_required
def meeting_add_organizer(request, meeting):
    email = request.POST.get("email", "").strip()
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is None:
        messages.error(
            request,
            gettext("No account has the address %(email)s; they must sign in once first.")
            % {"email": email or "—"},
        )
        return redirect("events:meeting_detail", pk=meeting.pk)
    try:
        services.add_co_organizer(meeting=meeting, user=user)
    except services.MeetingError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, gettext("%(user)s now organizes this meeting.") % {"user": user.email}
        )
    return redirect("events:meeting_detail", pk=meeting.pk)


@meeting_organizer_required
def meeting_invitations(request, meeting):
    invitations = selectors.invitations_for_table(meeting=meeting)
    invitation_filter, table = _invitation_table(request.GET, meeting, invitations)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    record_access(
        request=request,
        what=Access.INVITATIONS,
        people=table.page.object_list.data,
        meeting=meeting,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/meeting_invitations.html",
        {
            "meeting": meeting,
            "filter": invitation_filter,
            "table": table,
            "answer_counts": selectors.answer_counts(invitations=invitations),
            "agency_counts": selectors.agency_counts(invitations=invitations),
            "export_query": query.urlencode(),
        },
    )


@meeting_organizer_required
def meeting_invitations_export(request, meeting, file_format):
    """The filtered invitations, every page, in the order the organizer sorted them."""
    return export_table(
        request,
        builder="events.views.invitations_export",
        file_format=file_format,
        meeting=meeting,
    )


@gated(is_meeting_organizer)
def invitations_export(*, user, meeting_id, query) -> ExportTable:  # noqa: ARG001 (core/exports passes all three)
    """The invitations table as its page shows it for `query`, unpaginated (core/exports.py)."""
    meeting = Meeting.objects.get(pk=meeting_id)
    invitations = selectors.invitations_for_table(meeting=meeting)
    _, table = _invitation_table(query, meeting, invitations)
    sort_table(table, query)
    title = gettext("Invitations")
    filename = f"{slugify(meeting.title)[:60]}-{slugify(title)}-{timezone.localdate():%Y-%m-%d}"
    return ExportTable(
        table=table, title=title, filename=filename, access=Access.INVITATIONS_EXPORT
    )


def _invitation_table(query, meeting, invitations):
    invitation_filter = InvitationFilter(query, queryset=invitations, meeting=meeting)
    return invitation_filter, InvitationTable(
        selectors.with_representations(invitation_filter.qs), zone=meeting.time_zone
    )
