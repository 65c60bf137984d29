from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

ORGANIZER_GROUP = "Organizer"


def is_organizer(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    # Cached on the user object: the navigation asks on every page.
    if not hasattr(user, "_is_organizer"):
        user._is_organizer = user.groups.filter(name=ORGANIZER_GROUP).exists()
    return user._is_organizer


def organizer_required(view):
    """Signed-in organizers (members of the Organizer group) and staff only."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_organizer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def may_edit_letterhead(user, agency) -> bool:
    """The kop prints on the agency's official letters: staff set any agency's; an organizer
    only that of their own agency (or a unit of it) and of the agencies hosting meetings they
    organize."""
    if user.is_staff:
        return True
    own = getattr(getattr(user, "member", None), "agency", None)
    if own is not None and agency.pk in (own.pk, own.parent_id):
        return True
    return user.organized_meetings.filter(host_agency=agency).exists()
