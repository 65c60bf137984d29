"""The form of the answer page (the link in the invitation email): attending, not, maybe, or
sending a representative, with the representative's name and address."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import OneLineField

from .models import Invitation

Answer = Invitation.Answer


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[(a, a.label) for a in (Answer.YES, Answer.NO, Answer.MAYBE, Answer.REPRESENTED)]
    )
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False, max_length=1000)
    representative_name = OneLineField(
        label=gettext_lazy("Representative's full name"), required=False, max_length=200
    )
    representative_email = forms.EmailField(
        label=gettext_lazy("Representative's email"), required=False
    )
    representative_position = OneLineField(
        label=gettext_lazy("Representative's position"), required=False, max_length=200
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("answer") == Answer.REPRESENTED:
            for name in ("representative_name", "representative_email"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Required when you send a representative."))
        return data
