from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.keyset import keyset_page
from members.permissions import organizer_required

from . import selectors, services
from .filters import OutboxFilter
from .models import State
from .permissions import can_read_messages, message_reader_required, sees_every_message
from .rebuild import CannotRebuild
from .tables import PER_PAGE, OutboxTable


@organizer_required
def message_list(request):
    counts = selectors.count_by_state(user=request.user)
    outbox_filter = OutboxFilter(
        request.GET, queryset=selectors.messages_for_table(user=request.user)
    )
    page = keyset_page(
        outbox_filter.qs,
        field="created_at",
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        per_page=PER_PAGE,
    )
    table = OutboxTable(page.rows, can_read_messages=can_read_messages(request.user))
    query = request.GET.copy()
    for name in ("after", "before"):
        query.pop(name, None)
    return render(
        request,
        "outbox/list.html",
        {
            "filter": outbox_filter,
            "table": table,
            "page": page,
            "query": query.urlencode(),
            "counts": [(state, label, counts[state]) for state, label in State.choices],
            "owed": selectors.owed_by_kind(selectors.visible_owed_mail(user=request.user)),
            "sees_every_message": sees_every_message(request.user),
        },
    )


@organizer_required
@message_reader_required
def message_detail(request, pk):
    message = selectors.message_for_reading(pk=pk, user=request.user)
    if message is None:
        raise Http404
    return render(request, "outbox/detail.html", {"message": message})


@require_POST
@organizer_required
def resend(request, pk):
    # Another meeting's message (or account mail, for an organizer) is a 404, as if absent.
    row = get_object_or_404(selectors.visible_messages(user=request.user).defer("raw"), pk=pk)
    if row.state == State.FAILED:
        try:
            services.resend(message=row)
        except CannotRebuild as cannot:
            messages.warning(request, cannot.message)
            return redirect(_next_page(request, default="outbox:list"))
        messages.success(
            request,
            _("The message to %(recipient)s is queued to be sent again.")
            % {"recipient": row.recipient},
        )
    else:
        messages.warning(request, _("Only a message that failed can be sent again."))
    return redirect(_next_page(request, default="outbox:list"))


def _next_page(request, *, default):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
