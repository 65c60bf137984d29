"""What the check-ins people make themselves (self check-in at the venue, online check-in)
share: the check-in is made once however often they try, and every try is kept in the scan
audit beside the desks' scans."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from events.models import Invitation, Meeting, Session

from ..models import CheckIn, ScanAttempt

# Which way a try without a desk came, as its audit entry's detail records it (in English,
# whatever the person's language), and as the scan audit page names that way.
SELF_CHECK_IN = "self check-in"
ONLINE_CHECK_IN = "online check-in"
OWN_WAYS = {SELF_CHECK_IN: _("Self check-in"), ONLINE_CHECK_IN: _("Online check-in")}


def check_in_once(
    *,
    invitation: Invitation,
    session: Session,
    at: datetime,
    method: str,
    operator_name: str,
    signature: bytes | None = None,
) -> tuple[CheckIn, bool]:
    """The invitation's check-in to the session: made now (True), or the one made before it
    (False), locked until the caller's transaction ends. Call inside a transaction."""
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                invitation=invitation,
                session=session,
                at=at,
                method=method,
                operator_name=operator_name,
                signature=signature,
            )
        return checkin, True
    except IntegrityError:
        return CheckIn.objects.select_for_update().get(
            invitation=invitation, session=session
        ), False


def audit_own_attempt(
    meeting: Meeting,
    session: Session | None,
    invitation: Invitation,
    result: str,
    at: datetime,
    *,
    detail: str,
) -> None:
    """A try, in the scan audit: `result` is a ScanAttempt.Result, `detail` which way."""
    ScanAttempt.objects.create(
        meeting=meeting,
        session=session,
        invitation=invitation,
        result=result,
        scanned_at=at,
        detail=detail,
    )
