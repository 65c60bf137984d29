"""Forms of the public registration page: who registers, and the code from the email."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import model_max_length
from core.text import OneLineField
from members.models import Agency
from members.validators import Rank, normalize_nip, normalize_phone, parse_rank, validate_nip
from privacy.phones import ask_phone

from .models import Meeting, Registration
from .services.registration_codes import CODE_DIGITS
from .services.registration_scope import registrable_agencies


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, agency):
        return str(agency)


class RegistrationForm(forms.Form):
    full_name = OneLineField(
        label=_("Full name (with titles)"),
        max_length=model_max_length(Registration, "full_name"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=model_max_length(Registration, "email"),
        help_text=_("Your office address: the code and the invitation are sent to it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    nip = forms.CharField(
        label=_("NIP"),
        required=False,
        max_length=30,
        help_text=_("18 digits; leave empty if you have none."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    agency = AgencyChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), required=False, empty_label="—"
    )
    agency_name = OneLineField(
        label=_("Agency not in the list"),
        required=False,
        max_length=model_max_length(Registration, "agency_name"),
        help_text=_("Type its full name if you cannot find it above."),
    )
    work_unit = OneLineField(
        label=_("Work unit"),
        required=False,
        max_length=model_max_length(Registration, "work_unit"),
    )
    position = OneLineField(
        label=_("Position"), required=False, max_length=model_max_length(Registration, "position")
    )
    rank = forms.ChoiceField(
        label=_("Rank (pangkat/golongan)"),
        required=False,
        choices=[("", "—"), *Rank.choices],
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = registrable_agencies(meeting)
        # A mobile number only when the meeting uses it, with its purpose (privacy/phones.py).
        self.phone_purpose = ask_phone(self, meeting)
        if meeting.registration_scope == Meeting.RegistrationScope.INVITED_AGENCIES:
            # Only the invited agencies may register: there is no "other" to type.
            del self.fields["agency_name"]
            self.fields["agency"].required = True

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_nip(self):
        nip = normalize_nip(self.cleaned_data["nip"])
        if nip:
            validate_nip(nip)
        return nip

    def clean_rank(self):
        return parse_rank(self.cleaned_data["rank"])

    def clean_phone(self):  # only called when the meeting asks for it
        return normalize_phone(self.cleaned_data["phone"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if (
            "agency_name" in self.fields
            and not cleaned.get("agency")
            and not cleaned.get("agency_name", "").strip()
            and "agency" not in self.errors
        ):
            self.add_error(
                "agency", ValidationError(_("Choose your agency, or type its name below."))
            )
        return cleaned

    def registration_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("agency_name", "")
        data.setdefault("phone", "")
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the email"),
        min_length=CODE_DIGITS,
        max_length=CODE_DIGITS + 4,  # "123 456" as some mail apps show it
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"[0-9 ]*",
            }
        ),
    )
