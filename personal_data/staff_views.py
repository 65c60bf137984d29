"""Staff pages of personal data: the access log ("who saw my data?", what a user saw), the
requests with their legal deadline and answers, and the destruction log."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from members.models import Member

from . import selectors
from .forms import AccessLogFilter, AnswerForm
from .models import Destruction, RightsRequest
from .services.rights import AlreadyAnswered, answer_request

DESTRUCTIONS_SHOWN = 50
ANSWERED_SHOWN = 50


def staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@staff_required
def access_log(request):
    form = AccessLogFilter(request.GET or None)
    person, user_email = None, ""
    if form.is_valid():
        if form.cleaned_data["person"]:
            person = Member.objects.filter(email__iexact=form.cleaned_data["person"]).first()
            if person is None:
                person = Member(pk=0)  # nobody: an empty log
        user_email = form.cleaned_data["user"]
    entries = selectors.access_log(member=person, user_email=user_email)
    page = selectors.access_log_page(entries=entries, number=request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "personal_data/access_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
@staff_required
def requests(request):
    return render(
        request,
        "personal_data/requests.html",
        {
            "open": [
                (item, AnswerForm(auto_id=f"r{item.pk}-%s")) for item in selectors.open_requests()
            ],
            "answered": list(selectors.answered_requests()[:ANSWERED_SHOWN]),
            "destructions": list(Destruction.objects.all()[:DESTRUCTIONS_SHOWN]),
            "now": timezone.now(),
        },
    )


@require_POST
@staff_required
def answer(request, pk: int):
    rights_request = get_object_or_404(RightsRequest, pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("personal_data:requests")
    try:
        answer_request(request=rights_request, by=request.user, **form.cleaned_data)
    except AlreadyAnswered as already:
        messages.warning(request, already.message)
    else:
        messages.success(request, _("The answer is recorded and emailed to the person."))
    return redirect("personal_data:requests")
