"""Decisions: added, changed and deleted inline on the minutes editor, and searched across
meetings (/decisions/?q=…): organizers see the meetings they organize, staff all."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from events.models import Meeting

from .. import selectors, services
from ..filters import DecisionFilter
from ..forms import DecisionForm
from ..models import Decision, Minutes
from ..permissions import minutes_writer_required, organizer_of_any_meeting_required
from ..tables import DecisionTable

PER_PAGE = 50


def _answer(request, meeting: Meeting):
    """The decisions list (htmx) or back to the editor."""
    if request.htmx:
        state = Minutes.objects.filter(meeting=meeting).values_list("state", flat=True).first()
        return render(
            request,
            "outputs/decision_list.html",
            {
                "meeting": meeting,
                "decisions": list(selectors.decisions_for_meeting(meeting=meeting)),
                "decision_form": DecisionForm(meeting=meeting),
                "editable": state not in (Minutes.State.APPROVED, Minutes.State.DISTRIBUTED),
            },
        )
    return redirect(reverse("outputs:minutes", args=[meeting.pk]) + "#decisions")


def _save(request, meeting: Meeting, decision: Decision | None):
    form = DecisionForm(request.POST, meeting=meeting)
    if not form.is_valid():
        messages.error(request, _("Write the decision first."))
        return _answer(request, meeting)
    try:
        if decision is None:
            services.add_decision(meeting=meeting, **form.cleaned_data)
        else:
            services.update_decision(decision=decision, **form.cleaned_data)
    except services.MinutesError as error:
        messages.error(request, error.message)
    return _answer(request, meeting)


@login_required
@require_POST
@minutes_writer_required
def decision_add(request, meeting: Meeting):
    return _save(request, meeting, None)


@login_required
@require_POST
@minutes_writer_required
def decision_edit(request, meeting: Meeting, decision_pk: int):
    decision = get_object_or_404(Decision, pk=decision_pk, meeting=meeting)
    return _save(request, meeting, decision)


@login_required
@require_POST
@minutes_writer_required
def decision_delete(request, meeting: Meeting, decision_pk: int):
    decision = get_object_or_404(Decision, pk=decision_pk, meeting=meeting)
    try:
        services.delete_decision(decision=decision)
    except services.MinutesError as error:
        messages.error(request, error.message)
    return _answer(request, meeting)


# --- Search across meetings ---------------------------------------------------------------------


@login_required
@require_GET
@organizer_of_any_meeting_required
def decision_search(request):
    user = request.user
    decision_filter = DecisionFilter(request.GET, queryset=selectors.decisions_search(user=user))
    table = DecisionTable(decision_filter.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request, "outputs/decision_search.html", {"filter": decision_filter, "table": table}
    )
