"""The forms of the surat undangan page: what the letter says, and the upload of the letter
signed in the ministry's e-office."""

from dataclasses import fields

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core import widgets

from .models import InvitationLetter
from .services.letters import LetterData


class LetterForm(forms.ModelForm):
    number = forms.CharField(
        label=_("Letter number"),
        max_length=120,
        required=False,
        widget=forms.TextInput(),
        help_text=_("The meeting's letter number, e.g. B-1234/BD.I/HM.01/11/2021."),
    )

    class Meta:
        model = InvitationLetter
        fields = [
            "place",
            "letter_date",
            "nature",
            "enclosures",
            "subject",
            "addressed_to_list",
            "addressees",
            "addressee_location",
            "opening",
            "travel_costs",
            "travel_costs_text",
            "contact_name",
            "contact_phone",
            "closing",
            "signatory_position",
            "signatory_name",
            "signatory_nip",
            "carbon_copies",
        ]
        # The model's "at" is also the scanner's "at 08.00" ("pukul"): the letter's "di Tempat"
        # needs its own words.
        labels = {"addressee_location": _("Addressees' location (after “di”)")}
        help_texts = {
            "addressee_location": _("Printed under the addressees: “di Tempat”, or a city.")
        }
        widgets = {
            "place": forms.TextInput(),
            "letter_date": widgets.DateInput(),
            "nature": forms.Select(),
            "enclosures": forms.TextInput(),
            "subject": forms.TextInput(),
            "addressed_to_list": forms.CheckboxInput(),
            "addressees": forms.Textarea(attrs={"rows": 3}),
            "addressee_location": forms.TextInput(),
            "opening": forms.Textarea(attrs={"rows": 3}),
            "travel_costs": forms.Select(),
            "travel_costs_text": forms.Textarea(attrs={"rows": 2}),
            "contact_name": forms.TextInput(),
            "contact_phone": forms.TextInput(),
            "closing": forms.Textarea(attrs={"rows": 3}),
            "signatory_position": forms.TextInput(),
            "signatory_name": forms.TextInput(),
            "signatory_nip": forms.TextInput(attrs={"inputmode": "numeric"}),
            "carbon_copies": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].initial = meeting.letter_number

    def clean_signatory_nip(self):
        nip = "".join(self.cleaned_data["signatory_nip"].split())
        if nip and (len(nip) != 18 or not nip.isdigit()):
            raise forms.ValidationError(_("A NIP has 18 digits."))
        return nip

    def letter_data(self) -> LetterData:
        data = self.cleaned_data
        return LetterData(**{f.name: data[f.name] for f in fields(LetterData)})


class SignedLetterForm(forms.Form):
    number = forms.CharField(label=_("Letter number"), max_length=120, widget=forms.TextInput())
    letter_date = forms.DateField(
        label=_("Date of the letter"),
        widget=widgets.DateInput(),
    )
    reason = forms.CharField(
        label=_("Reason for the new version"),
        required=False,
        max_length=500,
        widget=forms.TextInput(),
        help_text=_("Needed when a version was issued before."),
    )
    file = forms.FileField(
        label=_("The signed letter (PDF)"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("This file is too large."), code="too_big")
        return upload
