"""Forms of the online-attendance pages: uploading a report, the threshold, mapping columns."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import OnlineReport
from .online.platforms import FIELD_LABELS


class ReportUploadForm(forms.Form):
    platform = forms.ChoiceField(
        label=_("Platform"),
        choices=[("", _("Recognise it from the columns")), *OnlineReport.Platform.choices],
        required=False,
    )
    report = forms.FileField(
        label=_("Participant report (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ThresholdForm(forms.Form):
    minutes = forms.IntegerField(
        label=_("Minutes online that count as present"),
        help_text=_("Empty: half of each session."),
        min_value=1,
        max_value=24 * 60,
        required=False,
    )


class MappingForm(forms.Form):
    """Which of the file's columns holds each field, for a report whose headers Rakor does not
    know (another language or version of the platform)."""

    def __init__(self, *args, headers: list[str], initial_mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((h, h) for h in headers if h)]
        for name, label in FIELD_LABELS.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=name in ("name", "join", "leave"),
                initial=initial_mapping.get(name, ""),
            )
