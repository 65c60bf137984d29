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


class LetterheadForm(forms.Form):
    """The kop of an agency's letters (members/letterhead.py)."""

    name = forms.CharField(
        label=_("Name on the letterhead"),
        max_length=250,
        required=False,
        help_text=_("Only for a ministry or agency that is not a unit of another."),
    )
    unit = forms.CharField(
        label=_("Unit on the letterhead"),
        max_length=250,
        required=False,
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Street, city and postal code; telephone, website and email on a line each."),
    )
    logo = forms.FileField(
        label=_("Logo (PNG or JPEG, at most 512 KB)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(
        label=_("Remove the logo"),
        required=False,
    )

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload is not None and upload.size > 512 * 1024:
            raise forms.ValidationError(
                _("The logo must be a PNG or JPEG picture of at most 512 KB."), code="too_big"
            )
        return upload
