"""`{% privacy_notice "registration" meeting.host_agency phone_purpose=… %}`: the short notice
beside a form that collects personal data (privacy/notice.py holds its wording)."""

from django import template

from privacy import notice
from privacy.controller import MY_DATA_PATH, controller_for, notice_url

register = template.Library()


@register.inclusion_tag("privacy/_notice.html")
def privacy_notice(kind, agency=None, phone_purpose=""):
    if kind not in notice.WHAT:
        raise template.TemplateSyntaxError(f"Unknown privacy notice {kind!r}")
    controller = controller_for(agency)
    return {
        "kind": kind,
        "what": notice.WHAT[kind],
        "controller": controller,
        "phone_purpose": phone_purpose,
        "notice_url": notice_url(controller.agency_id),
        "my_data_url": MY_DATA_PATH,
    }
