"""The daftar hadir settings of a meeting: when signatures close and who certifies the sheet."""

from dataclasses import fields

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SheetSettings
from .services.sheets import SheetSettingsData


class SheetSettingsForm(forms.ModelForm):
    class Meta:
        model = SheetSettings
        fields = [
            "signature_grace_minutes",
            "certifier",
            "certifier_name",
            "certifier_nip",
            "place",
        ]
        widgets = {
            "signature_grace_minutes": forms.NumberInput(attrs={"min": 0, "max": 10080}),
            "certifier_nip": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def clean_signature_grace_minutes(self):
        minutes = self.cleaned_data["signature_grace_minutes"]
        if minutes > 7 * 24 * 60:
            raise forms.ValidationError(_("At most a week."))
        return minutes

    def clean_certifier_nip(self):
        nip = "".join(self.cleaned_data["certifier_nip"].split())
        if nip and (len(nip) != 18 or not nip.isdigit()):
            raise forms.ValidationError(_("A NIP has 18 digits."))
        return nip

    def settings_data(self) -> SheetSettingsData:
        return SheetSettingsData(
            **{f.name: self.cleaned_data[f.name] for f in fields(SheetSettingsData)}
        )
