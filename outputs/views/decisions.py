"""Decisions: added, changed and deleted inline on the minutes editor, and searched across
meetings (/decisions/?q=…): organizers see the meetings they organize, staff all."""

import django_filters
import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from core.filters import search_filter
from events.models import Meeting
from events.tables import PagedTable

from .. import selectors, services
from ..forms import DecisionForm
from ..models import Decision, Minutes
from ..permissions import minutes_writer_required, organizer_of_any_meeting_required

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


class DecisionFilter(django_filters.FilterSet):
    q = search_filter(placeholder=gettext_lazy("Decision, agenda item, meeting"))

    class Meta:
        model = Decision
        fields = ()

    def search(self, queryset, _name, value):
        value = value.strip()[:200]
        if not value:
            return queryset
        return queryset.filter(
            Q(text__icontains=value)
            | Q(agenda_item__title__icontains=value)
            | Q(meeting__title__icontains=value)
        )


class DecisionTable(PagedTable):
    number = tables.Column(
        verbose_name=pgettext_lazy("row number", "No."), order_by=("meeting__title", "number")
    )
    text = tables.Column(verbose_name=gettext_lazy("Decision"), order_by=("text", "pk"))
    agenda_item = tables.Column(
        verbose_name=gettext_lazy("Agenda item"),
        accessor="agenda_item__title",
        order_by=("agenda_item__title", "pk"),
        default="",
    )
    meeting = tables.Column(
        verbose_name=gettext_lazy("Meeting"),
        accessor="meeting__title",
        order_by=("meeting__title", "number"),
    )

    class Meta:
        model = Decision
        fields = ()
        empty_text = gettext_lazy("No decision matches.")

    def render_text(self, value):
        return value if len(value) <= 300 else value[:299] + "…"

    def render_meeting(self, value, record):
        return format_html(
            '<a href="{}">{}</a>', reverse("outputs:minutes", args=[record.meeting_id]), value
        )


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
