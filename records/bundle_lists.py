"""The SPJ bundle's generated files: the narasumber and moderator list with their sessions, the
susunan acara and the materials' list, made from the meeting as it is (they are not records
that get frozen). Called inside translation.override("id"): an SPJ is Indonesian."""

from collections import defaultdict
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from attendance.models import CheckIn
from core.dates import format_day
from core.exports import ExportFormat, build_dataset, render
from core.pdf import html_to_pdf
from events.models import Invitation, Meeting
from outputs.models import Document

Role = Invitation.Role


def _time(moment, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%H.%M}" if moment else ""


def _agenda(meeting: Meeting) -> list:
    return list(
        meeting.agenda_items.select_related("session").order_by("starts_at", "position", "pk")
    )


def speaker_rows(meeting: Meeting) -> list[list]:
    """One row per narasumber or moderator: invited ones (still invited: the list is what an
    honorarium is paid on) with their NIP, rank, position and agency, the sessions whose agenda
    names them and those they checked in to; then the names the agenda gives that match no
    invitation."""
    agenda = _agenda(meeting)
    invited = list(
        meeting.invitations.filter(
            role__in=[Role.SPEAKER, Role.MODERATOR], withdrawn_at__isnull=True
        )
        .select_related("member__agency")
        .order_by("role", "member__full_name")
    )
    present = defaultdict(list)
    for invitation_id, session_title in (
        CheckIn.objects.filter(invitation__in=invited)
        .order_by("session__starts_at")
        .values_list("invitation_id", "session__title")
    ):
        present[invitation_id].append(session_title)
    rows: list[list] = []
    named: set[int] = set()
    for invitation in invited:
        name = invitation.member.full_name
        items = [
            item
            for item in agenda
            if name.casefold() in f"{item.speaker} {item.moderator}".casefold()
        ]
        named.update(item.pk for item in items)
        rows.append(
            [
                name,
                invitation.member.nip,
                invitation.member.get_rank_display() if invitation.member.rank else "",
                invitation.member.position,
                invitation.member.agency.name,
                invitation.get_role_display(),
                "; ".join(dict.fromkeys(item.session.title for item in items if item.session)),
                "; ".join(item.title for item in items),
                "; ".join(present[invitation.pk]),
            ]
        )
    for item in agenda:
        if item.pk in named:
            continue
        session = item.session.title if item.session else ""
        for role, name in ((Role.SPEAKER, item.speaker), (Role.MODERATOR, item.moderator)):
            if name:  # not invited: the agenda's text is all there is
                rows.append([name, "", "", "", "", str(Role(role).label), session, item.title, ""])
    return [[number, *row] for number, row in enumerate(rows, start=1)]


def speakers_xlsx(meeting: Meeting) -> bytes:
    headers = [
        _("No."),
        _("Name"),
        _("NIP"),
        _("Rank/grade"),
        _("Position"),
        _("Agency"),
        _("Role"),
        _("Sessions"),
        _("Agenda items"),
        _("Checked in"),
    ]
    dataset = build_dataset(
        headers=headers, rows=speaker_rows(meeting), title=_("Speakers and moderators")
    )
    return render(dataset, ExportFormat.XLSX)


def materials_xlsx(meeting: Meeting) -> bytes:
    documents = (
        Document.objects.filter(meeting=meeting, kind=Document.Kind.MATERIAL)
        .select_related("agenda_item")
        .order_by("uploaded_at", "pk")
    )
    rows = [
        [
            number,
            document.title,
            document.agenda_item.title if document.agenda_item else "",
            document.original_name,
            document.size,
            document.uploaded_at,
        ]
        for number, document in enumerate(documents, start=1)
    ]
    headers = [_("No."), _("Title"), _("Agenda item"), _("File"), _("Bytes"), _("Uploaded")]
    dataset = build_dataset(headers=headers, rows=rows, title=_("Materials"))
    return render(dataset, ExportFormat.XLSX)


def agenda_pdf(meeting: Meeting) -> bytes:
    zone = ZoneInfo(meeting.time_zone)
    by_session: dict[int, dict] = {
        session.pk: {
            "title": session.title,
            "day": format_day(session.starts_at, meeting.time_zone),
            "time": f"{_time(session.starts_at, zone)}–{_time(session.ends_at, zone)}",
            "items": [],
        }
        for session in meeting.sessions.order_by("starts_at")
    }
    sessions = list(by_session.values())
    unscheduled: dict = {"title": _("Other agenda items"), "day": "", "time": "", "items": []}
    for item in _agenda(meeting):
        entry = by_session.get(item.session_id, unscheduled)
        entry["items"].append(
            {
                "time": _time(item.starts_at, zone),
                "title": item.title,
                "speaker": item.speaker,
                "moderator": item.moderator,
            }
        )
    if unscheduled["items"]:
        sessions.append(unscheduled)
    html = render_to_string(
        "records/pdf/susunan_acara.html", {"meeting": meeting, "sessions": sessions}
    )
    return html_to_pdf(html)


def generated_files(*, meeting: Meeting) -> list[tuple[str, str, str, str, Callable[[], bytes]]]:
    """(section of the bundle, file suffix, kind, title, what makes its bytes) of each generated
    file; records.bundle numbers the sections and writes them in order."""
    return [
        (
            "narasumber-moderator",
            ".xlsx",
            "speakers",
            _("Speakers and moderators"),
            lambda: speakers_xlsx(meeting),
        ),
        ("susunan-acara", ".pdf", "agenda", _("Programme"), lambda: agenda_pdf(meeting)),
        ("daftar-materi", ".xlsx", "materials", _("Materials"), lambda: materials_xlsx(meeting)),
    ]
