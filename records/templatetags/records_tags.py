from django import template

from .. import trail

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return trail.action_label(action)


@register.filter
def changes(entry, zone_name: str | None = None) -> list[tuple[str, object, object]]:
    """(field, before, after) of the entry, in words: see records/trail.py."""
    return trail.changes(entry, zone_name)
