"""The kop of an agency's letters: organizers set its lines and upload its logo."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from . import services
from .forms import LetterheadForm
from .letterhead import LogoInvalid, letterhead_for
from .models import Agency
from .permissions import may_edit_letterhead, organizer_required


@organizer_required
def letterhead(request, pk):
    agency = get_object_or_404(Agency, pk=pk)
    if not may_edit_letterhead(request.user, agency):
        raise PermissionDenied
    back = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    initial = {"name": agency.letterhead_name, "unit": agency.letterhead_unit}
    form = LetterheadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method != "POST":
        form.initial["address"] = agency.address
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["logo"]
        try:
            services.update_letterhead(
                agency=agency,
                change=services.LetterheadChange(
                    name=form.cleaned_data["name"],
                    unit=form.cleaned_data["unit"],
                    address=form.cleaned_data["address"],
                    logo=upload.read() if upload else None,
                    remove_logo=form.cleaned_data["remove_logo"],
                ),
            )
        except LogoInvalid as refused:
            form.add_error("logo", str(refused.message))
        else:
            messages.success(request, gettext("The letterhead was saved."))
            return redirect(back) if back else redirect("members:letterhead", pk=agency.pk)
    return render(
        request,
        "members/letterhead.html",
        {"agency": agency, "form": form, "kop": letterhead_for(agency), "next": back},
        status=400 if request.method == "POST" else 200,
    )


@organizer_required
def letterhead_logo(_request, pk):
    """The logo the kop prints (the agency's own or its parent's), for the preview."""
    agency = get_object_or_404(Agency, pk=pk)
    logo = letterhead_for(agency).logo
    if not logo:
        return HttpResponse(status=404)
    response = HttpResponse(logo, content_type="image/png")
    response["Cache-Control"] = "private, no-cache"
    return response
