"""Forms take their max lengths from the model fields they fill, never restate them."""

import pytest

from attendance.forms import WalkInForm
from attendance.models import WalkIn
from events.forms import AgendaItemForm, MeetingForm, SessionForm
from events.invite_forms import NewMemberForm
from events.models import AgendaItem, Meeting, Registration, Session
from events.registration_forms import RegistrationForm
from members.models import Agency, Member


@pytest.mark.parametrize(
    ("form", "field", "model", "model_field"),
    [
        (NewMemberForm, "full_name", Member, "full_name"),
        (NewMemberForm, "position", Member, "position"),
        (NewMemberForm, "new_agency_name", Agency, "name"),
        (NewMemberForm, "new_agency_acronym", Agency, "acronym"),
        (WalkInForm, "full_name", WalkIn, "full_name"),
        (WalkInForm, "agency_name", WalkIn, "agency_name"),
        (WalkInForm, "position", WalkIn, "position"),
        (WalkInForm, "phone", WalkIn, "phone"),
        (MeetingForm, "online_url", Meeting, "online_url"),
        (MeetingForm, "registration_domains", Meeting, "registration_domains"),
        (SessionForm, "title", Session, "title"),
        (AgendaItemForm, "title", AgendaItem, "title"),
        (AgendaItemForm, "speaker", AgendaItem, "speaker"),
        (AgendaItemForm, "moderator", AgendaItem, "moderator"),
        (RegistrationForm, "full_name", Registration, "full_name"),
        (RegistrationForm, "agency_name", Registration, "agency_name"),
        (RegistrationForm, "position", Registration, "position"),
    ],
)
def test_a_forms_max_length_is_its_models(form, field, model, model_field):
    assert form.base_fields[field].max_length == model._meta.get_field(model_field).max_length
