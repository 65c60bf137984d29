"""Follow-up actions: the organizers' page of a meeting's actions, and the responsible person's
progress page behind the secret link in their email (no password).

A GET only shows (mail scanners follow links); every change is a POST. Every progress link
ever emailed to the responsible person opens the page (outputs/links.py); a forged or mistyped
one, or one sent to someone no longer responsible, gets the same plain 404 page as a bad answer
link.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.http import private
from events.permissions import meeting_organizer_required

from .. import selectors, services
from ..forms import ActionForm, ProgressForm
from ..links import action_for_link
from ..models import Action

Status = Action.Status


# --- The organizers' page of one meeting's actions --------------------------------------------


def _actions_page(request, meeting, *, form=None, status=200):
    actions = list(selectors.actions_for_meeting(meeting=meeting))
    return render(
        request,
        "outputs/actions.html",
        {
            "meeting": meeting,
            "actions": actions,
            "form": form or ActionForm(meeting=meeting),
            "carry_targets": services.carry_targets(user=request.user, from_meeting=meeting),
            "carry_count": sum(
                1
                for action in actions
                if action.status in services.action_rules.OPEN_STATUSES and not action.carried_to_id
            ),
            "statuses": Status,
        },
        status=status,
    )


@meeting_organizer_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_actions(request, meeting):
    """The list of a meeting's actions, and adding one (POST)."""
    if request.method != "POST":
        return _actions_page(request, meeting)
    form = ActionForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.add_action(meeting=meeting, by=request.user, **form.cleaned_data)
        except services.ActionError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The follow-up action was added."))
            return redirect("outputs:meeting_actions", pk=meeting.pk)
    return _actions_page(request, meeting, form=form, status=400)


def _action_of(meeting, action_pk: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("responsible_member", "responsible_agency"),
        pk=action_pk,
        meeting=meeting,
    )


@meeting_organizer_required
@require_http_methods(["GET", "HEAD", "POST"])
def action_edit(request, meeting, action_pk: int):
    action = _action_of(meeting, action_pk)
    initial = {
        "title": action.title,
        "responsible_agency": action.responsible_agency_id,
        "responsible_member": action.responsible_member_id,
        "due_date": action.due_date,
        "decision": action.decision_id,
    }
    form = ActionForm(request.POST or None, initial=initial, meeting=meeting, action=action)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_action(action=action, by=request.user, **form.cleaned_data)
            except services.ActionError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("The follow-up action was saved."))
                return redirect("outputs:meeting_actions", pk=meeting.pk)
        status = 400
    return render(
        request,
        "outputs/action_edit.html",
        {"meeting": meeting, "action": action, "form": form},
        status=status,
    )


@meeting_organizer_required
@require_POST
def action_cancel(request, meeting, action_pk: int):
    action = _action_of(meeting, action_pk)
    try:
        services.cancel_action(action=action, by=request.user, note=request.POST.get("note", ""))
    except services.ActionError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The follow-up action was cancelled."))
    return redirect("outputs:meeting_actions", pk=meeting.pk)


@meeting_organizer_required
@require_POST
def action_send_link(request, meeting, action_pk: int):
    """Send the responsible person a new progress link (the earlier ones keep working)."""
    action = _action_of(meeting, action_pk)
    sent = services.send_progress_link(action=action, by=request.user)
    member = action.responsible_member
    if sent is None or member is None:
        messages.error(
            request, _("No link was sent: the action has no responsible person or is closed.")
        )
    else:
        messages.success(
            request,
            _("A new progress link was sent to %(name)s.") % {"name": member.full_name},
        )
    return redirect("outputs:meeting_actions", pk=meeting.pk)


@meeting_organizer_required
@require_POST
def action_record_progress(request, meeting, action_pk: int):
    """An organizer posts progress on someone's behalf (e.g. reported by phone)."""
    action = _action_of(meeting, action_pk)
    data = request.POST.copy()
    user = request.user
    data.setdefault("author_name", getattr(user, "name", "") or user.email)
    form = ProgressForm(data)
    if not form.is_valid():
        messages.error(request, _("Write what has been done and choose a status."))
    else:
        try:
            services.record_progress(action=action, **form.cleaned_data)
        except services.ActionError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The progress was recorded."))
    return redirect("outputs:meeting_actions", pk=meeting.pk)


@meeting_organizer_required
@require_POST
def actions_carry(request, meeting):
    """Carry the open actions into the agenda of a follow-up meeting the user organizes."""
    chosen = request.POST.get("to_meeting", "")
    targets = services.carry_targets(user=request.user, from_meeting=meeting)
    to_meeting = targets.filter(pk=chosen).first() if chosen.isdigit() else None
    if to_meeting is None:
        messages.error(request, _("Choose a follow-up meeting that you organize."))
        return redirect("outputs:meeting_actions", pk=meeting.pk)
    try:
        carried = services.carry_open_actions(
            from_meeting=meeting, to_meeting=to_meeting, by=request.user
        )
    except services.ActionError as refused:
        messages.error(request, refused.message)
    else:
        if carried:
            messages.success(
                request,
                _("%(count)d open actions were added to the agenda of “%(title)s”.")
                % {"count": carried, "title": to_meeting.title},
            )
        else:
            messages.info(request, _("There were no open actions left to carry."))
    return redirect("outputs:meeting_actions", pk=meeting.pk)


# --- The responsible person's progress page (secret link) -------------------------------------


def _invalid(request) -> HttpResponse:
    return private(render(request, "events/link_invalid.html", status=404))


@require_http_methods(["GET", "HEAD", "POST"])
def action_progress(request, secret: str):
    action = action_for_link(request, secret)
    if action is None:
        return _invalid(request)
    closed = action.status in services.action_rules.CLOSED_STATUSES
    initial_name = action.responsible_member.full_name if action.responsible_member else ""
    form = ProgressForm(initial={"author_name": initial_name})
    status = 200
    if request.method == "POST":
        form = ProgressForm(request.POST)
        if form.is_valid():
            try:
                services.record_progress(action=action, **form.cleaned_data)
            except services.ActionError as refused:
                messages.error(request, refused.message)
                status = 400 if not isinstance(refused, services.ActionClosed) else 409
            else:
                messages.success(request, _("Thank you, your progress has been recorded."))
                return private(redirect("outputs:action_progress", secret=secret))
        else:
            status = 400
        action.refresh_from_db()
        closed = action.status in services.action_rules.CLOSED_STATUSES
    context = {
        "action": action,
        "meeting": action.meeting,
        "progress": list(action.progress.order_by("created_at", "pk")),
        "form": form,
        "closed": closed,
        "overdue": services.is_overdue(action),
    }
    return private(render(request, "outputs/action_progress.html", context, status=status))
