"""The invite page's steps as an organizer takes them: its URL, the choices posted, the rows."""

from django.urls import reverse

from events.models import Invitation


def invite_url(meeting):
    return reverse("events:meeting_invite", args=[meeting.pk])


def choices(agency, members, emails, role=Invitation.Role.PARTICIPANT, action="preview"):
    """What the inviting page posts: the picker's choices, the paste box, the role."""
    return {
        "picked": ([f"agency:{agency.pk}"] if agency else [])
        + [f"member:{member.pk}" for member in members],
        "emails": emails,
        "role": role,
        "action": action,
    }


def new_rows(*rows):
    """The preview's rows for unknown addresses: (email, name, agency pk, position)."""
    data = {"new-TOTAL_FORMS": str(len(rows)), "new-INITIAL_FORMS": str(len(rows))}
    for i, (email, name, agency, position) in enumerate(rows):
        data |= {
            f"new-{i}-email": email,
            f"new-{i}-full_name": name,
            f"new-{i}-agency": str(agency) if agency else "",
            f"new-{i}-position": position,
        }
    return data
