"""The forms of the attendance pages: a walk-in's registration, an excuse, and the signature
drawn on a signature pad."""

from django import forms
from django.utils.translation import gettext_lazy

from core.forms import model_max_length
from core.text import OneLineField
from privacy.phones import ask_phone

from .models import WalkIn
from .services import SignatureInvalid, decode_signature
from .services.records import REASON_MAX_LENGTH
from .services.signatures import SIGNATURE_MAX_BYTES

SIGNATURE_FIELD_MAX = SIGNATURE_MAX_BYTES * 4 // 3 + 100


class WalkInForm(forms.Form):
    full_name = OneLineField(
        label=gettext_lazy("Full name"), max_length=model_max_length(WalkIn, "full_name")
    )
    nip = forms.RegexField(
        label=gettext_lazy("NIP"),
        regex=r"^[0-9]{18}$",
        required=False,
        error_messages={"invalid": gettext_lazy("A NIP has 18 digits.")},
    )
    agency_name = OneLineField(
        label=gettext_lazy("Agency"), max_length=model_max_length(WalkIn, "agency_name")
    )
    position = OneLineField(
        label=gettext_lazy("Position"),
        max_length=model_max_length(WalkIn, "position"),
        required=False,
    )
    phone = OneLineField(
        label=gettext_lazy("Mobile number"),
        max_length=model_max_length(WalkIn, "phone"),
        required=False,
    )
    email = forms.EmailField(label=gettext_lazy("Email"))

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A mobile number only when the meeting uses it, with its purpose (privacy/phones.py).
        self.phone_purpose = ask_phone(self, meeting)

    def clean_nip(self):
        return self.cleaned_data["nip"].replace(" ", "")


class ExcuseForm(forms.Form):
    reason = OneLineField(label=gettext_lazy("Reason"), max_length=REASON_MAX_LENGTH)


def signature_from(request) -> bytes | None:
    """The signature of a posted form, if one was drawn; SignatureInvalid for anything else."""
    data_url = request.POST.get("signature", "")
    if not data_url:
        return None
    if len(data_url) > SIGNATURE_FIELD_MAX:
        raise SignatureInvalid
    return decode_signature(data_url)
