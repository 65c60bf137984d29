"""The minutes pages: the editor (autosave, live preview), revisions and their differences,
review, approval, correction and distribution; and the reviewer's page behind a secret link.

The editor is for the minute-taker and the organizers; the chair sees it read-only with the
approval form. Every change is a POST; rendered Markdown comes only from render_markdown.
"""

import difflib
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.http import private
from core.links import open_secret_link
from events.models import Meeting
from events.permissions import is_meeting_organizer

from .. import selectors, services
from ..forms import ApproveForm, DecisionForm, ReviewCommentForm, ReviewersForm, minutes_post
from ..markdown import render_markdown
from ..models import Minutes, MinutesRevision, MinutesSection, ReviewComment
from ..permissions import can_approve_minutes, can_write_minutes, minutes_reader_required


class Rendered(TypedDict):
    html: str


class Reviewed(Rendered):
    my_comments: list[ReviewComment]


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A section as the pages show it: its discussion in HTML, and a reviewer's own comments.
    RenderedSection: TypeAlias = WithAnnotations[MinutesSection, Rendered]
    ReviewedSection: TypeAlias = WithAnnotations[MinutesSection, Reviewed]

REVISIONS_PER_PAGE = 50


def _minutes(meeting: Meeting) -> Minutes:
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise Http404
    minutes.meeting = meeting
    return minutes


def _editor(pk: int):
    return redirect("outputs:minutes", pk=pk)


@login_required
@require_GET
@minutes_reader_required
def minutes_editor(request, meeting: Meeting):
    can_write = can_write_minutes(request.user, meeting)
    minutes = selectors.minutes_for_editor(meeting=meeting)
    if minutes is None:
        return render(
            request, "outputs/minutes_start.html", {"meeting": meeting, "can_write": can_write}
        )
    minutes.meeting = meeting
    sections = cast("list[RenderedSection]", list(minutes.sections.all()))
    for section in sections:
        section.html = render_markdown(section.discussion)
    locked = minutes.state in (Minutes.State.APPROVED, Minutes.State.DISTRIBUTED)
    return render(
        request,
        "outputs/minutes.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "sections": sections,
            "conclusions_html": render_markdown(minutes.conclusions),
            "header": selectors.minutes_header(meeting=meeting),
            "decisions": list(selectors.decisions_for_meeting(meeting=meeting)),
            "decision_form": DecisionForm(meeting=meeting),
            "actions": list(
                meeting.actions.select_related("responsible_agency", "responsible_member")
            ),
            "general_comments": list(selectors.general_review_comments(minutes=minutes)),
            "latest_revision": minutes.revisions.select_related("author").defer("content").first(),
            "reviewers_form": ReviewersForm(meeting=meeting) if can_write else None,
            "approve_form": ApproveForm.for_meeting(meeting, viewer=request.user)
            if can_approve_minutes(request.user, meeting)
            else None,
            "can_write": can_write,
            "editable": can_write and not locked,
            "locked": locked,
            # The approved notulen's frozen PDF and Word, downloaded by organizers only.
            "may_download": locked and is_meeting_organizer(request.user, meeting),
        },
    )


@login_required
@require_POST
@minutes_reader_required
def minutes_start(request, meeting: Meeting):
    try:
        services.start_minutes(meeting=meeting, by=request.user)
    except services.MinutesError as error:
        messages.error(request, error.message)
    return _editor(meeting.pk)


@login_required
@require_POST
@minutes_reader_required
def minutes_save(request, meeting: Meeting):
    """The autosave (htmx: answers "Saved 08.12") and the Save button (redirects back)."""
    minutes = _minutes(meeting)
    sections, conclusions = minutes_post(request.POST)
    error, revision = "", None
    try:
        revision = services.save_minutes(
            minutes=minutes, sections=sections, conclusions=conclusions, by=request.user
        )
    except services.MinutesError as refused:
        error = str(refused.message)
    if request.htmx:
        return render(
            request,
            "outputs/minutes_saved.html",
            {"error": error, "revision": revision, "at": timezone.now(), "zone": meeting.time_zone},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Saved."))
    return _editor(meeting.pk)


@login_required
@require_POST
@minutes_reader_required
def minutes_preview(request, meeting: Meeting):  # noqa: ARG001 (checked by the decorator)
    """The live preview of one text of the editor: field `field` names the posted field."""
    field = request.POST.get("field", "")
    return HttpResponse(render_markdown(request.POST.get(field, "")[:100_000]))


@login_required
@require_POST
@minutes_reader_required
def minutes_review(request, meeting: Meeting):
    minutes = _minutes(meeting)
    form = ReviewersForm(request.POST, meeting=meeting)
    if not form.is_valid():
        messages.error(request, _("Choose reviewers from the people invited to the meeting."))
        return _editor(meeting.pk)
    try:
        links = services.send_for_review(
            minutes=minutes, reviewers=list(form.cleaned_data["reviewers"]), by=request.user
        )
    except services.MinutesError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Review links sent to %(count)d people.") % {"count": len(links)},
        )
    return _editor(meeting.pk)


@login_required
@require_POST
@minutes_reader_required
def minutes_approve(request, meeting: Meeting):
    minutes = _minutes(meeting)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _editor(meeting.pk)
    try:
        minutes = services.approve_minutes(
            minutes=minutes,
            approver_name=form.cleaned_data["approver_name"],
            approver_nip=form.cleaned_data["approver_nip"],
            approved_on=form.cleaned_data["approved_on"],
            by=request.user,
        )
    except services.MinutesError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Minutes approved (version %(version)d).") % {"version": minutes.version}
        )
    return _editor(meeting.pk)


@login_required
@require_POST
@minutes_reader_required
def minutes_correct(request, meeting: Meeting):
    try:
        services.start_correction(
            minutes=_minutes(meeting), by=request.user, reason=request.POST.get("reason", "")
        )
    except services.MinutesError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Correction started: edit the minutes, then approve them again as a new version."),
        )
    return _editor(meeting.pk)


@login_required
@require_POST
@minutes_reader_required
def minutes_distribute(request, meeting: Meeting):
    try:
        count = services.distribute_minutes(minutes=_minutes(meeting), by=request.user)
    except services.MinutesError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The minutes are being sent to %(count)d people, with the PDF attached.")
            % {"count": count},
        )
    return _editor(meeting.pk)


# --- Revisions and their differences ----------------------------------------------------------


@login_required
@require_GET
@minutes_reader_required
def minutes_revisions(request, meeting: Meeting):
    minutes = _minutes(meeting)
    page = Paginator(selectors.minutes_revisions(minutes=minutes), REVISIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    revisions = list(page.object_list)
    # Each revision with the one before it (the next in this newest-first list).
    pairs = [
        (revision, revisions[index + 1] if index + 1 < len(revisions) else None)
        for index, revision in enumerate(revisions)
    ]
    return render(
        request,
        "outputs/minutes_revisions.html",
        {"meeting": meeting, "minutes": minutes, "page": page, "pairs": pairs},
    )


def revision_text(content: dict) -> list[str]:
    """A revision as lines of plain text, to compare two of them."""
    lines: list[str] = []
    for section in content.get("sections", []):
        lines += [f"## {section.get('title', '')}", ""]
        lines += (section.get("discussion") or "").splitlines()
        lines.append("")
    lines += [f"## {_('Conclusions')}", ""]
    lines += (content.get("conclusions") or "").splitlines()
    decisions = content.get("decisions")
    if decisions:
        lines += ["", f"## {_('Decisions')}", ""]
        lines += [f"{d.get('number')}. {d.get('text', '')}" for d in decisions]
    return lines


def diff_lines(old: dict, new: dict) -> list[tuple[str, str]]:
    """(kind, line) of the unified diff of two revisions: kind is add, del, hunk or same. The
    lines are text; the template escapes them."""
    rows = []
    for line in difflib.unified_diff(revision_text(old), revision_text(new), lineterm="", n=3):
        if line.startswith(("+++", "---")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        rows.append((kind, line))
    return rows


@login_required
@require_GET
@minutes_reader_required
def minutes_diff(request, meeting: Meeting):
    minutes = _minutes(meeting)
    revisions = MinutesRevision.objects.filter(minutes=minutes).select_related("author")
    try:
        old = revisions.get(pk=int(request.GET.get("a", "")))
        new = revisions.get(pk=int(request.GET.get("b", "")))
    except (ValueError, MinutesRevision.DoesNotExist):
        raise Http404 from None
    return render(
        request,
        "outputs/minutes_diff.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "old": old,
            "new": new,
            "rows": diff_lines(old.content or {}, new.content or {}),
        },
    )


# --- The reviewer's page (no password) ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
def review(request, secret: str):
    """The minutes read-only with a comment box per section, while they are in review. A
    forged or replaced link is a plain 404; after approval the page shows the approved minutes
    and refuses comments."""
    link = open_secret_link(
        request, kind="review", secret=secret, lookup=services.review_link_for_secret
    )
    if link is None:
        raise Http404
    minutes = link.minutes
    meeting = minutes.meeting
    if request.method == "POST":
        form = ReviewCommentForm(request.POST)
        if form.is_valid():
            section = None
            if form.cleaned_data["section"] is not None:
                section = minutes.sections.filter(pk=form.cleaned_data["section"]).first()
                if section is None:
                    raise Http404
            try:
                services.add_review_comment(
                    review_link=link, section=section, text=form.cleaned_data["text"]
                )
            except services.MinutesError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Thank you: your comment was sent to the organizers."))
                return private(redirect("outputs:review", secret=secret))
        else:
            messages.error(request, _("Write a comment first."))
        minutes.refresh_from_db()
    sections = cast("list[ReviewedSection]", list(minutes.sections.order_by("position", "pk")))
    mine: dict[int | None, list[ReviewComment]] = {}
    for comment in link.comments.all():
        mine.setdefault(comment.section_id, []).append(comment)
    for section in sections:
        section.html = render_markdown(section.discussion)
        section.my_comments = mine.get(section.pk, [])
    response = render(
        request,
        "outputs/review.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "link": link,
            "sections": sections,
            "general_comments": mine.get(None, []),
            "conclusions_html": render_markdown(minutes.conclusions),
            "decisions": list(selectors.decisions_for_meeting(meeting=meeting)),
            "header": selectors.minutes_header(meeting=meeting),
            "open": minutes.state == Minutes.State.IN_REVIEW,
            "approved": minutes.state in (Minutes.State.APPROVED, Minutes.State.DISTRIBUTED),
        },
        status=200,
    )
    return private(response)
