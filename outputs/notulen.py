"""The notulen as the tata naskah dinas convention writes it, drafted or frozen.

What it prints is a snapshot (notulen_snapshot), plain data taken once: from the minutes, the
meeting and the attendance records while the minutes are drafted, and at approval for the
record, which keeps it (in the approval's MinutesRevision) and is rendered from it once. So the
frozen notulen shows the follow-up actions as they were decided at approval, never their status
today. The layout (templates/outputs/pdf/minutes.html): the kop of the host agency; "NOTULEN
RAPAT" and the title; "Dasar: Surat Undangan Nomor … tanggal …"; day, time, place, chair,
minute-taker; "Peserta: daftar hadir terlampir" with a short summary; the numbered acara and the
discussion of each; conclusions, decisions, follow-up actions; the place and date, "Mengetahui,"
with the chair on the left and the minute-taker on the right; then, in the frozen PDF, each
session's daftar hadir as its lampiran, page for page.
"""

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.pdf import html_to_pdf
from events.letters.defaults import city_of
from events.models import InvitationLetter
from events.services.letters import issued_letter
from members.letterhead import letterhead_for

from .exports import minutes_context
from .markdown import render_markdown
from .models import Minutes


def _basis(meeting) -> dict | None:
    issued = issued_letter(meeting)
    if issued is not None:
        return {"number": issued["number"], "date": date_format(issued["date"], "j F Y")}
    if meeting.letter_number:
        return {"number": meeting.letter_number, "date": ""}
    return None


def _sign_place(meeting, kop) -> str:
    letter = InvitationLetter.objects.filter(meeting=meeting).only("place").first()
    return (letter.place if letter else "") or city_of(kop.address)


def notulen_snapshot(*, minutes: Minutes, viewer=None) -> dict:
    """What the notulen prints now, as plain data (JSON-able); call it inside
    translation.override: dates and labels are in the active language."""
    context = minutes_context(minutes=minutes, viewer=viewer)
    meeting = context["meeting"]
    kop = letterhead_for(meeting.host_agency)
    totals = context["totals"]
    chair = dict(context["chair"])
    chair["position"] = meeting.chair.position if meeting.chair else ""
    return {
        "kop": kop.as_dict(),
        "title": meeting.title,
        "host": str(meeting.host_agency),
        "approved": context["approved"],
        "version": minutes.version,
        "basis": _basis(meeting),
        "day": context["when"]["day"],
        "time": context["when"]["time"],
        "place": context["place"],
        "online_url": context["online_url"],
        "chair": chair,
        "minute_taker": context["minute_taker"],
        "participants": {
            "present": totals["present"],
            "agencies": totals["agencies"],
            "invited": totals["invited"],
            "represented": totals["represented"],
            "excused": totals["excused"],
            "absent": totals["absent"],
        },
        "sections": [dict(section) for section in context["sections"]],
        "conclusions": context["conclusions"],
        "decisions": [
            {
                "number": decision.number,
                "text": decision.text,
                "agenda_item": decision.agenda_item.title if decision.agenda_item else "",
            }
            for decision in context["decisions"]
        ],
        "actions": [
            {key: action[key] for key in ("number", "title", "responsible", "due_date", "status")}
            for action in context["actions"]
        ],
        "sign_place": _sign_place(meeting, kop),
        "sign_date": context["sign_date"],
    }


def notulen_html(*, snapshot: dict, stamp=None, lampiran: Sequence[str] = ()) -> str:
    """The notulen's HTML from a snapshot; with `stamp` (records.Stamp) the frozen version's.
    `lampiran` names the daftar hadir appended after it. Call inside translation.override."""
    context = dict(snapshot)
    context["sections"] = [
        {**section, "html": render_markdown(section["discussion"])}
        for section in snapshot["sections"]
    ]
    context["conclusions_html"] = render_markdown(snapshot["conclusions"])
    context["stamp"] = stamp
    if stamp:
        context["version_label"] = _("Version %(number)s") % {"number": stamp.version}
    context["lampiran"] = list(lampiran)
    return render_to_string("outputs/pdf/minutes.html", context)


def notulen_pdf(
    *,
    snapshot: dict,
    stamp=None,
    sheets: Sequence[tuple[str, bytes]] = (),
    language: str = "id",
) -> bytes:
    """The notulen as a PDF, followed by the pages of each (name, PDF) in `sheets`: the daftar
    hadir of each session, its lampiran."""
    from core.pdfpages import append_pages

    with override(language):
        html = notulen_html(snapshot=snapshot, stamp=stamp, lampiran=[n for n, _b in sheets])
    pdf = html_to_pdf(html)
    return append_pages(pdf, [content for _name, content in sheets])
