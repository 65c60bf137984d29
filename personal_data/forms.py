from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Member
from members.validators import Employment, normalize_nip, normalize_phone, validate_nip

from .models import RightsRequest


class LinkRequestForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)


class ContactForm(forms.ModelForm):
    """What the person corrects themself (Art. 6). The email address is how Rakor knows them:
    changing it goes through the organizer or the data-protection officer."""

    # Room for the spaces and dots an NIP is often typed with; clean_nip keeps the 18 digits.
    nip = forms.CharField(label=_("NIP"), max_length=30, required=False)

    class Meta:
        model = Member
        fields = ["full_name", "nip", "position", "rank", "work_unit", "phone"]

    # As the registration form reads them: an NIP typed with spaces or dots, a phone number as
    # 0812-… or +62 …; a wrong one is explained on its field (the database's own constraint
    # would only name itself).
    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_nip(self):
        nip = normalize_nip(self.cleaned_data["nip"])
        if nip:
            validate_nip(nip, self.instance.employment or Employment.PNS)
        return nip

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class AskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Request"), choices=RightsRequest.Kind.choices)
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=2000, widget=forms.Textarea
    )


class AnswerForm(forms.Form):
    carry_out = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("1", _("Carry it out")), ("0", _("Refuse"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(
        label=_("Note to the person (the reason, when refused)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("carry_out") is False and not data.get("note", "").strip():
            self.add_error("note", _("Say why the request is refused."))
        return data


class AccessLogFilter(forms.Form):
    person = forms.EmailField(label=_("Person (email)"), required=False)
    user = forms.EmailField(label=_("User (email)"), required=False)
