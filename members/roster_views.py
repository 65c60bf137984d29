from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from . import services
from .forms import ConfirmImportForm, RosterUploadForm, roster_too_big_message
from .permissions import organizer_required
from .roster import read_roster

PREVIEW_ROWS_PER_PAGE = 100
ERROR_ROWS_SHOWN = 500
# Room for the multipart envelope around the file in a request's declared length.
_FORM_OVERHEAD_BYTES = 64 * 1024


@organizer_required
@csrf_exempt  # CSRF is checked by _upload_roster: the middleware would read the body first.
def import_roster(request):
    """GET: the upload form. POST: the file → its errors, or a redirect to its preview."""
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if request.method == "POST" and declared > settings.ROSTER_MAX_BYTES + _FORM_OVERHEAD_BYTES:
        # Refused on the declared size alone, before a byte of the body is read.
        return _upload_page(
            request, RosterUploadForm(), refusal=roster_too_big_message(), status=413
        )
    return _upload_roster(request)


@csrf_protect
def _upload_roster(request):
    if request.method != "POST":
        return _upload_page(request, RosterUploadForm())
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        status = 413 if form.has_error("file", "too_big") else 400
        return _upload_page(request, form, status=status)
    upload = form.cleaned_data["file"]
    roster = read_roster(file_name=upload.name, content=upload.read())
    preview = services.preview_roster(roster=roster, organizer=request.user)
    if preview.token is None:
        return _upload_page(request, RosterUploadForm(), preview=preview)
    url = reverse("members:import_preview", args=[preview.token])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _upload_page(request, form, *, preview=None, refusal="", status=200):
    error_rows = preview.roster.rows_with_errors if preview else []
    context = {
        "form": form,
        "refusal": refusal,
        "preview": preview,
        "error_rows": error_rows[:ERROR_ROWS_SHOWN],
        "error_rows_hidden": max(len(error_rows) - ERROR_ROWS_SHOWN, 0),
        "max_bytes": settings.ROSTER_MAX_BYTES,
    }
    return render(request, "members/import.html", context, status=status)


@organizer_required
def import_preview(request, token):
    preview = services.pending_preview(token=token, organizer=request.user)
    if preview is None:
        messages.error(request, str(services.PreviewExpired()))
        return redirect("members:import")
    page = Paginator(preview.roster.rows, PREVIEW_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "preview": preview,
        "page": page,
        "form": ConfirmImportForm(initial={"token": token}),
    }
    return render(request, "members/import_preview.html", context)


@organizer_required
@require_POST
def confirm_import(request):
    form = ConfirmImportForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(services.PreviewExpired()))
        return redirect("members:import")
    token = form.cleaned_data["token"]
    try:
        result = services.confirm_roster_import(token=token, organizer=request.user)
    except services.PreviewExpired as expired:
        messages.error(request, str(expired))
        return redirect("members:import")
    except services.RosterImportError as refused:
        messages.error(request, str(refused))
        return redirect("members:import_preview", token=token)
    figures = {
        name: number_format(getattr(result, name), force_grouping=True)
        for name in ("rows", "created", "updated", "unchanged", "agencies_created")
    }
    messages.success(
        request,
        ngettext(
            "Imported %(rows)s row. New members: %(created)s · updated: %(updated)s · already "
            "up to date: %(unchanged)s · new agencies: %(agencies_created)s.",
            "Imported %(rows)s rows. New members: %(created)s · updated: %(updated)s · already "
            "up to date: %(unchanged)s · new agencies: %(agencies_created)s.",
            result.rows,
        )
        % figures,
    )
    return redirect("members:directory")
