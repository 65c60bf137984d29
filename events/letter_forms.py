"""The forms of the surat undangan page: what the letter says, and the upload of the letter
signed in the ministry's e-office."""

from dataclasses import fields

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import InvitationLetter
from .services.letters import LetterData

TEXT = {"class": "form-control"}


class LetterForm(forms.ModelForm):
    number = forms.CharField(
        label=_("Letter number"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
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
        widgets = {
            "place": forms.TextInput(attrs=TEXT),
            "letter_date": forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"),
            "nature": forms.Select(attrs={"class": "form-select"}),
            "enclosures": forms.TextInput(attrs=TEXT),
            "subject": forms.TextInput(attrs=TEXT),
            "addressed_to_list": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "addressees": forms.Textarea(attrs={**TEXT, "rows": 3}),
            "addressee_location": forms.TextInput(attrs=TEXT),
            "opening": forms.Textarea(attrs={**TEXT, "rows": 3}),
            "travel_costs": forms.Select(attrs={"class": "form-select"}),
            "travel_costs_text": forms.Textarea(attrs={**TEXT, "rows": 2}),
            "contact_name": forms.TextInput(attrs=TEXT),
            "contact_phone": forms.TextInput(attrs=TEXT),
            "closing": forms.Textarea(attrs={**TEXT, "rows": 3}),
            "signatory_position": forms.TextInput(attrs=TEXT),
            "signatory_name": forms.TextInput(attrs=TEXT),
            "signatory_nip": forms.TextInput(attrs={**TEXT, "inputmode": "numeric"}),
            "carbon_copies": forms.Textarea(attrs={**TEXT, "rows": 2}),
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
    number = forms.CharField(
        label=_("Letter number"), max_length=120, widget=forms.TextInput(attrs=TEXT)
    )
    letter_date = forms.DateField(
        label=_("Date of the letter"),
        widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason for the new version"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs=TEXT),
        help_text=_("Needed when a version was issued before."),
    )
    file = forms.FileField(
        label=_("The signed letter (PDF)"),
        widget=forms.FileInput(attrs={**TEXT, "accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.DOCUMENT_MAX_BYTES:
            raise forms.ValidationError(_("This file is too large."), code="too_big")
        return upload
