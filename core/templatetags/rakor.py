"""The template side of core/dates.py: every moment of a meeting in the meeting's zone, with
its label. `{{ checkin.at|stamp:meeting.time_zone }}`; without a zone, the site's zone."""

from django import template

from core import dates

register = template.Library()


@register.filter
def moment(value, zone_name=None):
    """{{ session.starts_at|moment:meeting.time_zone }} → Kamis, 25 November 2021 · 08.00 WIB"""
    return dates.format_moment(value, zone_name) if value else ""


@register.filter
def day(value, zone_name=None):
    """Kamis, 25 November 2021"""
    return dates.format_day(value, zone_name) if value else ""


@register.filter
def clock(value, zone_name=None):
    """08.00 WIB"""
    return dates.format_time(value, zone_name) if value else ""


@register.filter
def add_class(field, css: str):
    """{{ form.code|add_class:"form-control-lg text-center" }}: the field's widget with classes
    of this page after the ones every widget gets (templates/django/forms/widgets/)."""
    own = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{own} {css}".strip()})


@register.filter
def stamp(value, zone_name=None):
    """{{ comment.created_at|stamp:meeting.time_zone }} → 25 Nov 2021 08.00 WITA"""
    return dates.format_stamp(value, zone_name) if value else ""


@register.filter
def zone_name(value):
    """{{ meeting.time_zone|zone_name }} → Asia/Makassar (WITA)"""
    return dates.format_zone(value) if value else ""


@register.filter
def stamp_seconds(value, zone_name=None):
    """{{ entry.at|stamp_seconds:meeting.time_zone }} → 25 Nov 2021 08.00.05 WITA"""
    return dates.format_stamp(value, zone_name, seconds=True) if value else ""
