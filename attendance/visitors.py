"""Who is at the phone on the self check-in page: a signed, HttpOnly cookie naming their
invitation, set when they opened their answer link (or ticket) in this browser, or else their
signed-in account. Cookies are the web layer's business: the services get the invitation."""

from django.conf import settings

from events.models import Invitation, Meeting

from . import selectors

COOKIE_SALT = "rakor.attendance.invitation"
COOKIE_PREFIX = "rakor_inv_"
COOKIE_MAX_AGE = 90 * 24 * 3600


def cookie_name(meeting_id: int) -> str:
    return f"{COOKIE_PREFIX}{meeting_id}"


def remember_invitation(response, *, request, invitation: Invitation) -> None:
    """Let this browser check itself in later: a signed, HttpOnly cookie naming the invitation,
    for its meeting only."""
    response.set_signed_cookie(
        cookie_name(invitation.meeting_id),
        str(invitation.pk),
        salt=COOKIE_SALT,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        secure=request.is_secure() or settings.HTTPS,
        samesite="Lax",
    )


def invitation_for_visitor(request, meeting: Meeting) -> Invitation | None:
    """The invitation to `meeting` of whoever holds this browser: from the cookie of their
    answer link, else from their signed-in account. Withdrawn invitations do not count."""
    value = request.get_signed_cookie(
        cookie_name(meeting.pk), default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    return selectors.visitor_invitation(
        meeting=meeting,
        remembered_id=int(value) if value and value.isdigit() else None,
        user=request.user if request.user.is_authenticated else None,
    )
