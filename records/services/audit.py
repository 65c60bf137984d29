"""The audit trail of changes to records: one function, called by the service that makes the
change, inside its transaction, so the entry commits or rolls back with the change."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone, translation

from events.models import Meeting

from ..models import AuditEntry

SYSTEM = "system"


def actor_label(actor: Any) -> str:
    """How an actor is shown in the trail: a user's name and email, a participant's name (for
    what people do through their own links, without an account), or a text given as is."""
    if actor is None:
        return SYSTEM
    if isinstance(actor, str):
        return actor or SYSTEM
    if hasattr(actor, "get_username"):  # a user
        name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
        email = getattr(actor, "email", "") or actor.get_username()
        return f"{name} <{email}>" if name and name != email else email
    return str(actor)


def record_change(
    *,
    actor: Any,
    meeting: Meeting,
    obj: models.Model | None,
    action: str,
    before: dict | None,
    after: dict | None,
    reason: str = "",
) -> AuditEntry:
    """Write who (`actor`: a user, a members.Member acting through their own link, a text, or
    None for the system), what (`action`, a dotted name such as "signature.added_late", on
    `obj`), when (now), before and after (JSON-able dicts, or None where there was or is
    nothing) and why (`reason`) about a record of `meeting`. Entries are never changed."""
    user = actor if hasattr(actor, "get_username") and actor.pk else None
    return AuditEntry.objects.create(
        meeting=meeting,
        at=timezone.now(),
        actor=user,
        actor_label=actor_label(actor)[:250],
        action=action,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        object_repr=_named(obj)[:300] if obj is not None else "",
        before=before,
        after=after,
        reason=reason,
    )


def _named(obj) -> str:
    """The record's name as the trail keeps it: in the records' language (Indonesian), whoever
    made the change and in whatever language they read Rakor."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(obj)
