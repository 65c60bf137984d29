"""The public privacy notice, the agency contact staff set, and a meeting's use of mobile
numbers with the contact list it allows."""

from math import ceil

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from core.http import private
from core.ids import parse_id
from events.links import invitation_for_link
from events.permissions import meeting_organizer_required
from members.models import Agency

from . import selectors, services
from .controller import MY_DATA_PATH, controller_for, site_controller
from .forms import AgencyContactForm, OwnPhoneForm, PhoneUseForm
from .models import AgencyPrivacyContact, PhonePurpose
from .phones import phone_purpose


@require_GET
def notice(request):
    """`/privasi/`: the full notice. `?instansi=<id>` names that agency as the controller (the
    short notice beside a meeting's forms links here with its host agency)."""
    agency = None
    agency_id = parse_id(request.GET.get("instansi"))  # anything else names no agency
    if agency_id:
        agency = Agency.objects.filter(pk=agency_id).first()
    return render(
        request,
        "privacy/notice.html",
        {
            "controller": controller_for(agency) if agency else None,
            "site": site_controller(),
            "agency": agency,
            "my_data_url": MY_DATA_PATH,
            "phone_purposes": PhonePurpose.choices,
            "retention": _retention(),
        },
    )


def _retention() -> dict[str, int]:
    """The periods the purge applies (settings.RETENTION), as the page states them: whole
    days, hours for sign-in codes, years for financial records (rounded up)."""
    days = {name: period.total_seconds() / 86400 for name, period in settings.RETENTION.items()}
    return {
        "registration_days": ceil(days["unconfirmed_registrations"]),
        "email_days": ceil(days["email_bodies"]),
        "code_hours": ceil(days["sign_in_codes"] * 24),
        "phone_days": ceil(days["phone_numbers"]),
        "signature_days": ceil(days["signatures_photos"]),
        "financial_years": ceil(days["financial_records"] / 365),
    }


@staff_member_required
def agency_contact(request, pk: int):
    """Staff set the privacy contact and data protection officer of an agency's meetings."""
    agency = get_object_or_404(Agency, pk=pk)
    current = AgencyPrivacyContact.objects.filter(agency=agency).first()
    initial = (
        {"contact": current.contact, "dpo_name": current.dpo_name, "dpo_email": current.dpo_email}
        if current
        else {}
    )
    form = AgencyContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_agency_contact(agency=agency, **form.cleaned_data)
        messages.success(request, gettext("The privacy contact was saved."))
        return redirect("privacy:agency_contact", pk=agency.pk)
    return render(
        request,
        "privacy/agency_contact.html",
        {"agency": agency, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def answer_phone(request, secret: str):
    """The invitee gives (or removes) their own mobile number on their answer page, when the
    meeting uses them; a bad number is named and nothing is written."""
    invitation = invitation_for_link(request, secret)
    if invitation is None:
        return private(render(request, "events/link_invalid.html", status=404))
    form = OwnPhoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["phone"]))
    else:
        try:
            services.give_own_phone(invitation=invitation, phone=form.cleaned_data["phone"])
        except services.PhoneNotAsked:
            raise Http404 from None
        messages.success(request, gettext("Your mobile number was saved."))
    return private(redirect("events:answer", secret=secret))


@meeting_organizer_required
def phone_use(request, meeting):
    """Whether this meeting's forms ask for a mobile number, and for what."""
    purpose = getattr(getattr(meeting, "phone_use", None), "purpose", "")
    form = PhoneUseForm(request.POST or None, initial={"purpose": purpose})
    if request.method == "POST" and form.is_valid():
        services.set_phone_use(
            meeting=meeting, purpose=form.cleaned_data["purpose"], by=request.user
        )
        messages.success(request, gettext("Saved."))
        return redirect("privacy:phone_use", pk=meeting.pk)
    return render(
        request,
        "privacy/phone_use.html",
        {"meeting": meeting, "form": form, "purpose": phone_purpose(meeting)},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@meeting_organizer_required
def contact_list(request, meeting):
    """The mobile numbers of the meeting's participants: only on a meeting whose purpose is
    the contact list for the meeting day."""
    if not _uses_contact_list(meeting):
        raise Http404
    return render(
        request,
        "privacy/contact_list.html",
        {
            "meeting": meeting,
            "purpose": phone_purpose(meeting),
            "rows": selectors.contact_list(meeting=meeting),
        },
    )


def _uses_contact_list(meeting) -> bool:
    use = getattr(meeting, "phone_use", None)
    return use is not None and use.purpose == PhonePurpose.CONTACT_LIST
