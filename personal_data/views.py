""" "Data saya": the person's own data, reached by signing in or by a link emailed on request.
Views parse, call personal_data.services and render."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.dates import format_stamp
from core.http import client_ip, private
from core.links import open_secret_link
from members.models import Member

from . import exports, selectors
from .forms import AskForm, ContactForm, LinkRequestForm
from .models import Access
from .services import record_access
from .services.rights import (
    RECORD_RULE,
    TooManyLinkRequests,
    correct_contact_data,
    data_link_for_secret,
    send_data_link,
)
from .services.rights import ask as ask_service

SESSION_MEMBER = "data_saya_member"
SESSION_UNTIL = "data_saya_until"


def _person(request) -> Member | None:
    """Whose data this browser may see: the signed-in account's person, or the person whose
    emailed link was opened in this session, until the link's time is up."""
    if request.user.is_authenticated:
        member = Member.objects.filter(user=request.user).first()
        if member is not None:
            return member
    pk, until = request.session.get(SESSION_MEMBER), request.session.get(SESSION_UNTIL, 0)
    if pk and until > timezone.now().timestamp():
        return Member.objects.filter(pk=pk).first()
    return None


@require_GET
def mine(request):
    member = _person(request)
    if member is None:
        return private(
            render(request, "personal_data/request_link.html", {"form": LinkRequestForm()})
        )
    data = selectors.person_data(member=member)
    return private(
        render(
            request,
            "personal_data/mine.html",
            {
                "data": data,
                "contact_form": ContactForm(instance=data.member),
                "ask_form": AskForm(),
                "record_rule": RECORD_RULE,
                "by_link": not request.user.is_authenticated,
            },
        )
    )


@require_POST
def request_link(request):
    form = LinkRequestForm(request.POST)
    if not form.is_valid():
        return render(request, "personal_data/request_link.html", {"form": form}, status=400)
    try:
        send_data_link(email=form.cleaned_data["email"], client_address=client_ip(request))
    except TooManyLinkRequests as refused:
        messages.error(request, refused.message)
        return render(request, "personal_data/request_link.html", {"form": form}, status=429)
    messages.info(
        request,
        _(
            "If Rakor holds data about %(email)s, a link to it is on its way to that address. "
            "It opens your data for a limited time."
        )
        % {"email": form.cleaned_data["email"]},
    )
    return redirect("personal_data:mine")


@require_GET
def open_link(request, secret: str):
    link = open_secret_link(request, kind="data", secret=secret, lookup=data_link_for_secret)
    if link is None:
        return private(render(request, "personal_data/link_invalid.html", status=404))
    request.session.cycle_key()
    request.session[SESSION_MEMBER] = link.member_id
    # Open for DATA_LINK_MINUTES, and never longer than the link itself lives.
    until = min(timezone.now() + timedelta(minutes=settings.DATA_LINK_MINUTES), link.expires_at)
    request.session[SESSION_UNTIL] = until.timestamp()
    return private(redirect("personal_data:mine"))


@require_GET
def export(request, file_format: str):
    member = _person(request)
    if member is None or file_format not in exports.FORMATS:
        raise Http404
    data = selectors.person_data(member=member)
    record_access(request=request, what=Access.OWN_EXPORT, people=[member.pk], label=member.email)
    content_type = "application/json" if file_format == "json" else "text/csv; charset=utf-8"
    response = HttpResponse(exports.export_bytes(data, file_format), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="data-saya.{file_format}"'
    return private(response)


@require_POST
def correct(request):
    member = _person(request)
    if member is None:
        return redirect("personal_data:mine")
    form = ContactForm(request.POST, instance=Member.objects.get(pk=member.pk))
    if not form.is_valid():
        data = selectors.person_data(member=member)
        context = {"data": data, "contact_form": form, "ask_form": AskForm()}
        return private(render(request, "personal_data/mine.html", context, status=400))
    correct_contact_data(
        member=member, data={name: form.cleaned_data[name] for name in form.fields}
    )
    messages.success(request, _("Your data is corrected."))
    return redirect("personal_data:mine")


@require_POST
def ask(request):
    member = _person(request)
    if member is None:
        return redirect("personal_data:mine")
    form = AskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what you ask for."))
        return redirect("personal_data:mine")
    asked = ask_service(member=member, **form.cleaned_data)
    messages.success(
        request,
        _(
            "Your request (%(kind)s) is received. The answer is emailed to you within 3 × 24 "
            "hours, by %(due)s."
        )
        % {"kind": asked.get_kind_display(), "due": format_stamp(asked.due_at)},
    )
    return redirect("personal_data:mine")


@require_POST
def leave(request):
    request.session.pop(SESSION_MEMBER, None)
    request.session.pop(SESSION_UNTIL, None)
    return redirect("home")
