"""The answer page: the link in the invitation email, no password needed.

A GET only shows (mail scanners follow links); answering is a POST. A link that is forged,
mistyped or withdrawn gets the same plain 404 page, whatever exists behind it.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from attendance import services as attendance_services
from attendance.visitors import remember_invitation
from core.dates import format_moment, format_time
from core.http import private
from outputs import selectors as outputs_selectors

from . import services
from .answer_forms import AnswerForm
from .calendar import build_request
from .links import invitation_for_link
from .models import Invitation
from .snapshot import MeetingSnapshot, session_lines

Answer = Invitation.Answer


def _invalid(request) -> HttpResponse:
    return private(render(request, "events/link_invalid.html", status=404))


@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, secret: str):
    invitation = invitation_for_link(request, secret)
    if invitation is None:
        return _invalid(request)
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            return private(_answer(request, secret, invitation, form.cleaned_data))
        return private(_page(request, invitation, secret, form, status=400))
    response = private(_page(request, invitation, secret, AnswerForm()))
    # This browser may later check itself in at the venue (attendance self check-in).
    remember_invitation(response, request=request, invitation=invitation)
    return response


def _answer(request, secret: str, invitation: Invitation, data: dict) -> HttpResponse:
    try:
        if data["answer"] == Answer.REPRESENTED:
            representative = services.represent_invitation(
                invitation=invitation,
                name=data["representative_name"],
                email=data["representative_email"],
                position=data["representative_position"],
                note=data["note"],
            )
            messages.success(
                request,
                _("Thank you. %(name)s will receive an invitation of their own by email.")
                % {"name": representative.member.full_name},
            )
        else:
            was_attending = invitation.answer == Answer.YES
            answered = services.answer_invitation(
                invitation=invitation, answer=data["answer"], note=data["note"]
            )
            if answered.answer == Answer.YES and not was_attending:
                # The "see you there" email with the ticket link, once per acceptance.
                attendance_services.send_ticket_confirmation(invitation=answered)
            if answered.answer == Answer.WAITLISTED:
                messages.warning(
                    request,
                    _(
                        "The meeting is full, so you are on the waiting list. We will email "
                        "you if a seat becomes free."
                    ),
                )
            else:
                messages.success(request, _("Thank you, your answer has been recorded."))
    except services.AnswerClosed as closed:
        if closed.deadline:
            zone = invitation.meeting.time_zone
            messages.error(
                request,
                _("Answers closed on %(date)s. Your answer has not been changed.")
                % {"date": format_moment(closed.deadline, zone)},
            )
        else:
            messages.error(
                request,
                _("This meeting no longer accepts answers. Your answer has not been changed."),
            )
    except services.RepresentativeInvalid as invalid:
        messages.error(request, str(invalid.message))
    return redirect("events:answer", secret=secret)


def _page(request, invitation: Invitation, secret: str, form: AnswerForm, *, status=200):
    meeting = invitation.meeting
    snapshot = MeetingSnapshot.of(meeting)
    zone = snapshot.time_zone
    several_days = len(snapshot.sessions) > 1
    agenda = [
        {
            "when": (format_moment if several_days else format_time)(item.starts_at, zone)
            if item.starts_at
            else "",
            "item": item,
        }
        for item in snapshot.agenda
    ]
    context = {
        "invitation": invitation,
        "meeting": snapshot,
        "sessions": session_lines(snapshot) if snapshot.sessions else [],
        "agenda": agenda,
        "deadline": format_moment(snapshot.answer_deadline, zone)
        if snapshot.answer_deadline
        else "",
        "form": form,
        "secret": secret,
        "attending": invitation.answer == Answer.YES,
        "may_send_representative": services.may_send_representative(invitation=invitation),
        "answers_open": services.answers_open(meeting=meeting),
        # A calendar file per session, as the emails carry them (events.calendar); the
        # session's title on its button when there are several.
        "calendar_sessions": [
            (session.uid, session.title if len(snapshot.sessions) > 1 else "")
            for session in snapshot.sessions
        ],
    }
    if context["attending"]:
        context.update(attendance_services.ticket_context(invitation=invitation))
    # Online and hybrid meetings: "Join and check in" during a session's check-in window.
    context.update(attendance_services.online_join_context(invitation=invitation))
    if invitation.answer == Answer.WAITLISTED:
        context["seat_offer"] = services.open_offer(invitation=invitation)
    # After the meeting: the approved minutes, shared documents and the agency's actions.
    context["outputs"] = outputs_selectors.participant_outputs(invitation=invitation, secret=secret)
    return render(request, "events/answer.html", context, status=status)


@require_GET
def answer_calendar(request, secret: str):
    """One session of the meeting (`?session=` its UID; the first one by default) as an .ics
    file to add to a calendar, the same event the emails carry (a GET: it changes nothing)."""
    invitation = invitation_for_link(request, secret)
    if invitation is None:
        return _invalid(request)
    snapshot = MeetingSnapshot.of(invitation.meeting)
    wanted = request.GET.get("session")
    session = next((s for s in snapshot.sessions if not wanted or s.uid == wanted), None)
    if session is None:
        return _invalid(request)
    body = build_request(
        meeting=snapshot,
        session=session,
        invitations=[invitation],
        answer_url=services.answer_url(secret),
    )
    response = HttpResponse(body, content_type="text/calendar; method=REQUEST; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rakor.ics"'
    return private(response)
