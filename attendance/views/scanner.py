"""The check-in scanner: the page, the scan endpoint it POSTs to, the search for checking in by
hand, the recent check-ins and undo.

Two doors lead to the same pages: `/meetings/<pk>/checkin/…` for signed-in organizers and
operators, `/checkin/<secret>/…` for holders of an operator link (no account; the link opens
this meeting's scanner and nothing else; a revoked or unknown link is a 404).
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render, resolve_url
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attendance import selectors, services
from attendance.models import CheckIn, OperatorLink, ScanAttempt
from attendance.permissions import can_operate_scanner
from attendance.services.session_hours import current_session
from core.ids import parse_id
from core.links import open_secret_link
from events.models import Invitation, Meeting

MAX_SCAN_BODY = 16 * 1024


@dataclass
class Desk:
    """Who is scanning, for which meeting, and the addresses of their door."""

    meeting: Meeting
    operator: object | None
    link: OperatorLink | None
    door: tuple  # reverse() args: ("pk", 3) or ("link", secret)

    def url(self, name: str, *args) -> str:
        kind, key = self.door
        prefix = "attendance:scanner" if kind == "pk" else "attendance:link_scanner"
        suffix = "" if name == "page" else f"_{name}"
        return reverse(prefix + suffix, args=[key, *args])

    @property
    def who(self) -> dict:
        return {"operator": self.operator, "operator_link": self.link}


def scanner_door(view):
    """Resolve `pk` (a signed-in organizer or operator) or `secret` (an operator link) into a
    Desk passed to the view as `desk`."""

    @wraps(view)
    def wrapper(request, *args, pk=None, secret=None, **kwargs):
        if secret is not None:
            link = open_secret_link(
                request,
                kind="operator",
                secret=secret,
                lookup=services.operator_link_for_secret,
            )
            if link is None:
                raise Http404
            desk = Desk(meeting=link.meeting, operator=None, link=link, door=("link", secret))
        else:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            meeting = get_object_or_404(Meeting, pk=pk)
            if not can_operate_scanner(request.user, meeting):
                raise PermissionDenied
            desk = Desk(meeting=meeting, operator=request.user, link=None, door=("pk", pk))
        return _private(view(request, *args, desk=desk, **kwargs))

    return wrapper


def _private(response):
    # The address may hold a secret: keep it out of caches and Referer headers.
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _labels() -> dict:
    labels = {value: str(label) for value, label in ScanAttempt.Result.choices}
    labels.update(
        {
            "ok": _("Present"),
            "pending": _("%(count)s pending"),
            "queued": _("Saved offline"),
            "queued_detail": _("It will be sent when the network returns."),
            # A ticket prints no code to type: without the camera, the desk finds the person by
            # name (a handheld barcode scanner still types into the code field).
            "camera_error": _(
                "The camera could not be opened: find the person under “Check in by hand” below."
            ),
            "error": _("The scan could not be recorded."),
            "scanned_at": _("scanned at"),
            "by": _("by"),
            "at": _("at"),
            "sign": _("Signature"),
            # Answers that stop the desk (static/js/scanner.js): its scans wait on the phone.
            "link_gone": _("This desk link no longer works"),
            "link_gone_detail": _(
                "Ask the organizers for a new link. The scans not sent yet stay on this "
                "phone and are sent once the scanner is opened with the new link."
            ),
            "signed_out": _("Your sign-in has ended"),
            "signed_out_detail": _(
                "Sign in again. The scans not sent yet stay on this phone and are sent once "
                "you are back on the scanner."
            ),
            "sign_in": _("Sign in"),
            "refused": _("Rakor refused this desk's scans"),
            "refused_detail": _(
                "Reload this page. The scans not sent yet stay on this phone and are sent once "
                "the scanner works again."
            ),
        }
    )
    return labels


@require_GET
@scanner_door
def scanner(request, desk: Desk):
    sessions = selectors.scanner_sessions(meeting=desk.meeting)
    chosen = selectors.scanner_session(
        meeting=desk.meeting, session_id=request.GET.get("session")
    ) or current_session(sessions)
    config = {
        "scanUrl": desk.url("scan"),
        "wasmUrl": static("vendor/zxing-wasm/zxing_reader.wasm"),
        "labels": _labels(),
        "meeting": desk.meeting.pk,
        "serviceWorker": reverse("attendance:scanner_service_worker"),
        "scope": desk.url("page"),
        "door": desk.door[0],
        "signInPath": resolve_url(settings.LOGIN_URL),
    }
    return render(
        request,
        "attendance/scanner.html",
        {
            "meeting": desk.meeting,
            "desk": desk,
            "sessions": sessions,
            "session": chosen,
            "config": config,
            "search_url": desk.url("search"),
            "recent_url": desk.url("recent"),
            "recent": _recent(desk, chosen),
            "manifest_url": desk.url("manifest"),
        },
    )


@require_GET
@scanner_door
def manifest(_request, desk: Desk):
    """The web app manifest that makes the desk's scanner installable: it opens this door."""
    page = desk.url("page")
    icons = [
        {"src": static(f"img/scanner-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    data = {
        "name": _("Rakor check-in: %(meeting)s") % {"meeting": desk.meeting.title},
        "short_name": _("Check-in"),
        "start_url": page,
        "scope": page,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": icons,
    }
    return JsonResponse(data, content_type="application/manifest+json")


@require_POST
@scanner_door
def scan(request, desk: Desk):
    """The scanner page's scan, for a signed-in organizer or operator. JSON in: {content,
    session, nonce?, scanned_at?, offline?}; JSON out: the ScanResult."""
    scanned, refusal = _read_scan(request)
    if refusal:
        return refusal
    scan_desk = services.scan_desk(
        meeting=desk.meeting,
        session_id=scanned.pop("session"),
        ticket=scanned["content"],
        **desk.who,
    )
    if scan_desk is None:
        return _bad_request(_("Choose a session of this meeting."))
    result = services.scan_ticket(desk=scan_desk, **scanned).as_json()
    if result.get("checkin_id") and desk.operator is not None:
        result["sign_url"] = _sign_url(desk, scan_desk.session_id, result["checkin_id"])
    return JsonResponse(result)


def _sign_url(desk: Desk, session_id: int, checkin_id: int) -> str:
    """At a desk with an account, where the attendee signs next on its screen (signing.py),
    coming back to this session's scanner. A desk with only a link has no such page."""
    back = f"{desk.url('page')}?{urlencode({'session': session_id})}"
    sign = reverse("attendance:sign", args=[desk.meeting.pk, checkin_id])
    return f"{sign}?{urlencode({'next': back})}"


@require_POST
def link_scan(request, secret: str):
    """The same scan for the holder of an operator link: the link, its meeting, the session and
    the ticket's holder are one lookup, for the desk's busiest request."""
    scanned, refusal = _read_scan(request)
    if refusal:
        return _private(refusal)
    session_id = scanned.pop("session")

    def desk_or_link(secret: str) -> services.Desk | OperatorLink | None:
        # A right link with a session of another meeting is the desk's mistake, not a guess.
        desk = services.scan_desk_for_link(
            secret=secret, session_id=session_id, ticket=scanned["content"]
        )
        return desk or services.operator_link_for_secret(secret)

    found: services.Desk | OperatorLink | None = open_secret_link(
        request, kind="operator", secret=secret, lookup=desk_or_link
    )
    if found is None:
        raise Http404
    if isinstance(found, OperatorLink):
        return _private(_bad_request(_("Choose a session of this meeting.")))
    return _private(JsonResponse(services.scan_ticket(desk=found, **scanned).as_json()))


def _read_scan(request) -> tuple[dict, JsonResponse | None]:
    """The scan's JSON body as scan service arguments (with the session id still to look up),
    or the answer to a body that is not one."""
    if len(request.body) > MAX_SCAN_BODY:
        return {}, _bad_request(_("The scan is too large."), status=413)
    try:
        data = json.loads(request.body)
        content = data.get("content", "")
        if not isinstance(content, str):
            raise ValueError
    except (ValueError, AttributeError):
        return {}, _bad_request(_("The scan could not be read."))
    nonce = data.get("nonce") or None
    if nonce is not None and not (
        isinstance(nonce, str) and services.checkin.NONCE_SHAPE.fullmatch(nonce)
    ):
        return {}, _bad_request(_("The scan could not be read."))
    scanned = {
        "session": parse_id(data.get("session")),
        "content": content,
        "scanned_at": _parse_time(data.get("scanned_at")),
        "nonce": nonce,
        "offline": data.get("offline") is True,
    }
    return scanned, None


@require_GET
@scanner_door
def search(request, desk: Desk):
    session = selectors.scanner_session(meeting=desk.meeting, session_id=request.GET.get("session"))
    matches = (
        selectors.search_invitees(
            meeting=desk.meeting, session=session, query=request.GET.get("q", "")
        )
        if session
        else []
    )
    return render(
        request,
        "attendance/scanner_search.html",
        {"matches": matches, "session": session, "manual_url": desk.url("manual")},
    )


@require_POST
@scanner_door
def manual(request, desk: Desk):
    session = selectors.scanner_session(
        meeting=desk.meeting, session_id=request.POST.get("session")
    )
    invitation_id = parse_id(request.POST.get("invitation"))
    invitation = (
        Invitation.objects.select_related("member__agency")
        .filter(meeting=desk.meeting, pk=invitation_id)
        .first()
        if invitation_id is not None
        else None
    )
    if session is None or invitation is None:
        return _bad_request(_("Choose a session and a person of this meeting."))
    result = services.check_in_by_hand(invitation=invitation, session=session, **desk.who)
    response = render(
        request,
        "attendance/scanner_card.html",
        {
            "result": result,
            "title": _labels()[result.status],
            "sign_url": _sign_url(desk, session.pk, result.checkin_id)
            if result.checkin_id and desk.operator is not None
            else "",
        },
    )
    response["HX-Trigger"] = "checkin-changed"
    return response


@require_GET
@scanner_door
def recent(request, desk: Desk):
    session = selectors.scanner_session(meeting=desk.meeting, session_id=request.GET.get("session"))
    return render(
        request,
        "attendance/scanner_recent.html",
        {
            "recent": _recent(desk, session),
            "desk": desk,
            "session": session,
        },
    )


@require_POST
@scanner_door
def undo(request, desk: Desk, checkin_pk: int):
    checkin = get_object_or_404(
        CheckIn.objects.select_related("session__meeting"),
        pk=checkin_pk,
        session__meeting=desk.meeting,
    )
    session = checkin.session
    services.undo_check_in(checkin=checkin, **desk.who)
    return render(
        request,
        "attendance/scanner_recent.html",
        {"recent": _recent(desk, session), "desk": desk, "session": session},
    )


def _bad_request(detail: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"status": "error", "detail": detail}, status=status)


def _parse_time(value) -> datetime | None:
    """When the phone says it scanned: an ISO time with its zone, since 2000 (what no phone
    sends, such as year 1 at +14:00, which no database stores, counts as not said)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        in_utc = parsed.astimezone(UTC) if parsed.tzinfo else None
    except (ValueError, OverflowError):
        return None
    return in_utc if in_utc is not None and in_utc.year >= 2000 else None


def _recent(desk: Desk, session) -> list[tuple[CheckIn, str]]:
    if session is None:
        return []
    return [(c, desk.url("undo", c.pk)) for c in selectors.recent_checkins(session=session)]
