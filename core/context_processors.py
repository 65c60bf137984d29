from members.permissions import is_organizer


def navigation(request):
    user = getattr(request, "user", None)
    return {"user_is_organizer": bool(user and is_organizer(user))}
