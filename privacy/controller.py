"""Who answers for personal data (the controller, UU 27/2022 Art. 5 and 21): the agency that
hosts the meeting, with the contact and data protection officer staff set for it, or the
site-wide default of the settings when it has none."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from members.models import Agency

from .models import AgencyPrivacyContact


@dataclass(frozen=True)
class Controller:
    name: str
    contact: str
    dpo_name: str
    dpo_email: str
    agency_id: int | None = None
    configured: bool = False


def site_controller() -> Controller:
    """The default of the settings: who runs this Rakor."""
    return Controller(
        name=settings.PRIVACY_CONTROLLER,
        contact=settings.PRIVACY_CONTACT,
        dpo_name=settings.PRIVACY_DPO_NAME,
        dpo_email=settings.PRIVACY_DPO_EMAIL,
    )


def controller_for(agency: Agency | str | None) -> Controller:
    """The controller of the meetings `agency` hosts: the agency, with the contact staff set
    for it, else with the site-wide contact. One query."""
    default = site_controller()
    if not isinstance(agency, Agency):  # none, or "" from a template (no member behind an account)
        return default
    contact = AgencyPrivacyContact.objects.filter(agency=agency).first()
    source = contact or default
    return Controller(
        name=agency.name,
        contact=source.contact,
        dpo_name=source.dpo_name,
        dpo_email=source.dpo_email,
        agency_id=agency.pk,
        configured=contact is not None,
    )


def notice_url(agency_id: int | None = None) -> str:
    """The full privacy notice, naming the host agency's controller when there is one."""
    url = reverse("privacy:notice")
    return f"{url}?{urlencode({'instansi': agency_id})}" if agency_id else url


# The rights helper's "Data saya" page lives at this path (personal_data app).
MY_DATA_PATH = "/data-saya/"
