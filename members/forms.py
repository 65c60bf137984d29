from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ROSTER_ACCEPT = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


def roster_too_big_message() -> str:
    return gettext(
        "This file is larger than %(limit)s, the most Rakor reads at once. Nothing was read: "
        "split the roster into smaller files."
    ) % {"limit": filesizeformat(settings.ROSTER_MAX_BYTES)}


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (CSV or XLSX)"),
        # An empty file is one of the roster's own errors, with its own message.
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": ROSTER_ACCEPT}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ROSTER_MAX_BYTES:
            raise forms.ValidationError(roster_too_big_message(), code="too_big")
        return upload


class ConfirmImportForm(forms.Form):
    token = forms.CharField(max_length=100, widget=forms.HiddenInput)
