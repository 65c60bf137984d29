"""The surat undangan page of a meeting, for its organizers: write the letter, preview it (PDF,
DOCX), mark it final, upload the letter signed in the e-office instead, issue a ralat."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.downloads import DOCX, PDF, rendered_or_back

from .letter_forms import LetterForm, SignedLetterForm
from .permissions import meeting_organizer_required
from .services import letters


def _page(request, meeting, form, upload_form, status=200):
    letter = letters.letter_for(meeting=meeting, by=request.user)
    return render(
        request,
        "events/letter.html",
        {
            "meeting": meeting,
            "letter": letter,
            "form": form,
            "upload_form": upload_form,
            "versions": letters.letter_versions(meeting),
            "changes": letters.changes_since_issued(letter) if letter.pk else [],
        },
        status=status,
    )


@meeting_organizer_required
def letter(request, meeting):
    current = letters.letter_for(meeting=meeting, by=request.user)
    form = LetterForm(request.POST or None, instance=current, meeting=meeting)
    upload_form = SignedLetterForm(
        initial={"number": meeting.letter_number, "letter_date": current.letter_date}
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                letters.save_letter(meeting=meeting, data=form.letter_data(), by=request.user)
            except letters.LetterError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("The invitation letter was saved."))
                return redirect("events:letter", pk=meeting.pk)
        return _page(request, meeting, form, upload_form, status=400)
    return _page(request, meeting, form, upload_form)


@require_GET
@meeting_organizer_required
def letter_preview(request, meeting, file_format):
    """The saved letter as it would be issued now, marked as a preview (the PDF) or as the
    Word file to sign in the e-office."""
    current = letters.letter_for(meeting=meeting, by=request.user)
    if file_format == "docx":
        from .letters.docx import letter_docx

        content_type, make = DOCX, lambda: letter_docx(letter=current)
    else:
        from .letters.pdf import letter_pdf

        content_type, make = PDF, lambda: letter_pdf(letter=current)
    name = f"surat-undangan-{slugify(meeting.title)[:50] or meeting.pk}.{file_format}"

    def respond(content: bytes) -> HttpResponse:
        response = HttpResponse(content, content_type=content_type)
        disposition = "inline" if content_type == PDF else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response

    back = reverse("events:letter", args=[meeting.pk])
    return rendered_or_back(
        request, render=make, respond=respond, document=_("Invitation letter"), back=back
    )


def _action(request, meeting, do, done: str):
    try:
        document = do()
    except letters.LetterError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done % {"version": document.version})
    return redirect("events:letter", pk=meeting.pk)


@require_POST
@meeting_organizer_required
def letter_finalise(request, meeting):
    return _action(
        request,
        meeting,
        lambda: letters.finalise_letter(
            meeting=meeting, by=request.user, reason=request.POST.get("reason", "")[:500]
        ),
        _("The invitation letter is final (version %(version)s) and goes with every invitation."),
    )


@require_POST
@meeting_organizer_required
def letter_ralat(request, meeting):
    return _action(
        request,
        meeting,
        lambda: letters.issue_ralat(meeting=meeting, by=request.user),
        _("The ralat was issued as version %(version)s; later emails carry it."),
    )


@require_POST
@meeting_organizer_required
def letter_upload(request, meeting):
    form = SignedLetterForm(request.POST, request.FILES)
    if not form.is_valid():
        current = letters.letter_for(meeting=meeting, by=request.user)
        return _page(request, meeting, LetterForm(instance=current, meeting=meeting), form, 400)
    data = form.cleaned_data
    return _action(
        request,
        meeting,
        lambda: letters.upload_signed_letter(
            meeting=meeting,
            pdf=data["file"].read(),
            number=data["number"],
            letter_date=data["letter_date"],
            by=request.user,
            reason=data["reason"],
        ),
        _("The signed letter is version %(version)s and goes with every invitation."),
    )
