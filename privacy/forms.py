from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import OneLineField
from members.validators import normalize_phone

from .models import AgencyPrivacyContact, PhonePurpose


def _max(model, name):
    return model._meta.get_field(name).max_length


class AgencyContactForm(forms.Form):
    contact = OneLineField(
        label=_("Privacy contact"),
        required=False,
        max_length=_max(AgencyPrivacyContact, "contact"),
        help_text=_(
            "Where people send questions and requests: an address, email or telephone. Empty: "
            "the site-wide contact is named."
        ),
    )
    dpo_name = OneLineField(
        label=_("Data protection officer"),
        required=False,
        max_length=_max(AgencyPrivacyContact, "dpo_name"),
    )
    dpo_email = forms.EmailField(label=_("Data protection officer's email"), required=False)


class OwnPhoneForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number (optional)"), required=False, max_length=30)

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class PhoneUseForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Ask participants for their mobile number"),
        required=False,
        choices=[("", _("No: this meeting does not use mobile numbers")), *PhonePurpose.choices],
        widget=forms.RadioSelect,
        help_text=_(
            "Only with a use: the forms of this meeting then ask for it, optional, and say why."
        ),
    )
