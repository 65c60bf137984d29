"""The forms of the inviting page: whom to invite (the picker and the paste box) and, for each
pasted address that matches no member, who they are and their agency.

The picker is a <select> that static/js/invite-picker.js turns into a search-as-you-type list
(tom-select) fed a page at a time by the meeting's search endpoint (invite_views.search): the
page never holds the directory, only what was chosen (PickerSelect renders those options
alone, their labels read in one query).
"""

import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import model_max_length
from core.text import OneLineField
from members.agencies import AgencyMatcher, NewAgency
from members.models import Agency, Member
from members.newcomers import NewMember
from members.paste import Pasted, PastedPeople, parse_pasted
from members.selectors import with_member_counts

from .models import Invitation

# Addresses pasted at once: a roster of this size belongs in the roster import.
MAX_PASTED = 2000
PICK = re.compile(r"(agency|member):([0-9]{1,18})")
NEW_AGENCY_FIELDS = ("new_agency_name", "new_agency_acronym", "new_agency_kind")


def agency_label(agency: Agency) -> str:
    return f"{agency.name} ({agency.acronym})" if agency.acronym else agency.name


class PickerSelect(forms.SelectMultiple):
    """A <select> rendered with the chosen options only (`labels`: value → (text, data)); the
    script fills the rest from `search_url` as the organizer types."""

    def __init__(self, attrs=None, *, multiple: bool = True):
        super().__init__(attrs)
        self.allow_multiple_selected = multiple
        self.labels: dict[str, tuple[str, dict]] = {}

    def format_value(self, value):
        if value is None or value == "":
            return []
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return super().value_from_datadict(data, files, name)
        return data.get(name)

    def optgroups(self, name, value, attrs=None):
        groups = []
        for index, chosen in enumerate(value):
            if chosen in self.labels:
                text, data = self.labels[chosen]
                option = self.create_option(name, chosen, text, True, index, attrs=attrs)
                option["attrs"]["data-data"] = json.dumps({"value": chosen, "text": text, **data})
                groups.append((None, [option], index))
        return groups


class PickedField(forms.MultipleChoiceField):
    """Agencies and members chosen in the picker: "agency:<pk>" and "member:<pk>"."""

    widget = PickerSelect

    def valid_value(self, value):
        return bool(PICK.fullmatch(str(value)))


def _picker_attrs(search_url: str, *, placeholder, kind: str) -> dict:
    return {
        "data-picker": kind,
        "data-search-url": search_url,
        "data-placeholder": placeholder,
        "data-no-results": gettext("Nothing found. Type a name, a position or an agency."),
        "data-more": gettext("Loading more…"),
        "data-people": gettext("people"),
        "aria-describedby": "picked-help",
    }


class InviteForm(forms.Form):
    picked = PickedField(
        label=_("Agencies and people"),
        required=False,
        help_text=_(
            "Type a name, position or agency; a NIP or an email address finds its person only "
            "when written in full. An agency chosen invites all of its members."
        ),
    )
    emails = forms.CharField(
        label=_("Paste addresses"),
        required=False,
        help_text=_(
            "From Outlook (Name <email>), addresses separated by ; or , or one per line, or "
            "rows copied from a spreadsheet (name, email, agency)."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Invitation.Role.choices,
        initial=Invitation.Role.PARTICIPANT,
    )

    def __init__(self, *args, search_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency_ids: list[int] = []
        self.member_ids: list[int] = []
        self.pasted = PastedPeople()
        self.fields["picked"].widget.attrs.update(
            _picker_attrs(search_url, placeholder=gettext("Search agencies and people"), kind="all")
        )

    def clean_picked(self) -> list[str]:
        """The choices that still exist, labelled for the page (two queries)."""
        picked = list(dict.fromkeys(self.cleaned_data["picked"]))
        wanted: dict[str, list[int]] = {"agency": [], "member": []}
        for value in picked:
            match = PICK.fullmatch(value)
            if match is None:  # not after PickedField.valid_value
                continue
            kind, pk = match.groups()
            wanted[kind].append(int(pk))
        widget = self.fields["picked"].widget
        for agency in with_member_counts(Agency.objects.filter(pk__in=wanted["agency"])):
            widget.labels[f"agency:{agency.pk}"] = (
                agency_label(agency),
                {"people": agency.member_count},
            )
        for member in Member.objects.filter(pk__in=wanted["member"]).select_related("agency"):
            widget.labels[f"member:{member.pk}"] = (
                member.full_name,
                {"people": 1, "detail": member.agency.acronym or member.agency.name},
            )
        kept = [value for value in picked if value in widget.labels]
        self.agency_ids = [int(v.split(":")[1]) for v in kept if v.startswith("agency:")]
        self.member_ids = [int(v.split(":")[1]) for v in kept if v.startswith("member:")]
        return kept

    def clean_emails(self) -> str:
        """What was pasted, as pasted; its people are `self.pasted`. Malformed entries are
        listed in one error."""
        text = self.cleaned_data["emails"]
        self.pasted = parse_pasted(text)
        if len(self.pasted.people) > MAX_PASTED:
            raise ValidationError(
                gettext("Paste at most %(max)d addresses; import a larger list as a roster.")
                % {"max": MAX_PASTED}
            )
        if self.pasted.malformed:
            raise ValidationError(
                gettext("These are not valid email addresses: %(addresses)s")
                % {"addresses": ", ".join(self.pasted.malformed)}
            )
        return text

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and not (self.agency_ids or self.member_ids or self.pasted.people):
            raise ValidationError(gettext("Choose at least one agency, member or email address."))
        return data


# --- People pasted who are not members yet ---------------------------------------------------


def _text_input():
    return forms.TextInput(attrs={"autocomplete": "off"})


class AgencyChoiceForm(forms.Form):
    """A person's agency: chosen from the directory (the picker) or added on the spot (name,
    acronym, kind), exactly one of the two; nothing is ever chosen for the organizer."""

    agency = forms.IntegerField(
        label=_("Agency"), required=False, widget=PickerSelect(multiple=False)
    )
    new_agency_name = OneLineField(
        label=_("Name of the new agency"),
        max_length=model_max_length(Agency, "name"),
        required=False,
        widget=_text_input(),
    )
    new_agency_acronym = OneLineField(
        label=_("Acronym"),
        max_length=model_max_length(Agency, "acronym"),
        required=False,
        widget=_text_input(),
    )
    new_agency_kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", "—"), *Agency.Kind.choices],
        required=False,
    )

    def __init__(self, *args, search_url: str = "", labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["agency"].widget
        widget.labels = labels or {}
        widget.attrs.update(
            _picker_attrs(
                f"{search_url}?kind=agency",
                placeholder=gettext("Search the directory"),
                kind="agency",
            )
        )
        widget.attrs.pop("aria-describedby")

    @property
    def new_agency_fields(self):
        return [self[name] for name in NEW_AGENCY_FIELDS]

    @property
    def new_agency_open(self) -> bool:
        """Whether the "new agency" part starts open: it was filled in, or has an error."""
        if self.is_bound:
            return any(self.data.get(self.add_prefix(n)) for n in NEW_AGENCY_FIELDS) or any(
                n in self.errors for n in NEW_AGENCY_FIELDS
            )
        return bool(self.initial.get("new_agency_name"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen, named = data.get("agency"), (data.get("new_agency_name") or "").strip()
        if chosen and named:
            raise ValidationError(
                gettext("Choose an agency from the directory or add a new one, not both.")
            )
        if not chosen and not named:
            self.add_error(
                "agency", gettext("Choose the agency from the directory, or add a new agency.")
            )
        if named and not data.get("new_agency_kind"):
            self.add_error("new_agency_kind", gettext("Choose the kind of the new agency."))
        return data

    def chosen_agency(self) -> tuple[int | None, NewAgency | None]:
        """(the directory's agency pk, None) or (None, the agency to add)."""
        data = self.cleaned_data
        named = data["new_agency_name"].strip()
        if not named:
            return data["agency"], None
        return None, NewAgency(
            name=named, acronym=data["new_agency_acronym"], kind=data["new_agency_kind"]
        )


class NewMemberForm(AgencyChoiceForm):
    """One pasted address that matches no member: who they are, and their agency."""

    field_order = ("email", "full_name", "position", "agency")

    email = forms.EmailField(widget=forms.HiddenInput)
    full_name = OneLineField(
        label=_("Name"), max_length=model_max_length(Member, "full_name"), widget=_text_input()
    )
    position = OneLineField(
        label=_("Position"),
        max_length=model_max_length(Member, "position"),
        required=False,
        widget=_text_input(),
    )

    def __init__(self, *args, hints=None, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.initial.get("email") or self.data.get(self.add_prefix("email"), "")
        self.hint = (hints or {}).get(email, "")

    def new_member(self) -> NewMember:
        agency_id, new_agency = self.chosen_agency()
        return NewMember(
            email=self.cleaned_data["email"].lower(),
            full_name=self.cleaned_data["full_name"],
            position=self.cleaned_data["position"],
            agency_id=agency_id,
            new_agency=new_agency,
        )


NewMemberFormSet = forms.formset_factory(
    NewMemberForm, extra=0, max_num=MAX_PASTED, absolute_max=MAX_PASTED
)


NEW_PREFIX = "new"


def new_member_rows(data, unknown: list[Pasted], *, sending: bool, search_url: str):
    """The rows of the pasted addresses that match no member, and whether the list changed
    since the rows were sent.

    Bound to what was sent when it is for exactly those addresses; otherwise (a preview, or
    the list changed since it) new rows, each starting from what was pasted with its address
    (the name; the agency matched in the directory by name or acronym, or, when it matches
    none, offered as a new agency to confirm) or what was already filled in for it. Three
    queries whatever the number of rows."""
    if not unknown:
        return NewMemberFormSet(prefix=NEW_PREFIX), False
    emails = [person.email for person in unknown]
    posted: list[str] = []
    if sending:
        total = int(data.get(f"{NEW_PREFIX}-TOTAL_FORMS") or 0)
        posted = [
            data.get(f"{NEW_PREFIX}-{i}-email", "").strip().lower()
            for i in range(min(total, MAX_PASTED))
        ]
    initial, hints = [], {}
    matcher = AgencyMatcher(person.agency for person in unknown)
    filled = {
        email: {
            name: data.get(f"{NEW_PREFIX}-{i}-{name}", "")
            for name in ("full_name", "position", "agency", *NEW_AGENCY_FIELDS)
        }
        for i, email in enumerate(posted)
    }
    for person in unknown:
        row: dict[str, Any] = {"email": person.email, "full_name": person.name}
        found = matcher.lookup(person.agency)
        if len(found) == 1:
            row["agency"] = found[0].pk
        elif found:
            hints[person.email] = gettext("“%(typed)s” may be: %(agencies)s. Choose one.") % {
                "typed": person.agency,
                "agencies": "; ".join(agency_label(agency) for agency in found),
            }
        elif person.agency:
            suggested = NewAgency.suggested_for(person.agency)
            row.update(
                new_agency_name=suggested.name,
                new_agency_acronym=suggested.acronym,
                new_agency_kind=suggested.kind,
            )
        initial.append({**row, **{k: v for k, v in filled.get(person.email, {}).items() if v}})
    bound = sending and posted == emails
    chosen = (
        [data.get(f"{NEW_PREFIX}-{i}-agency") for i in range(len(posted))]
        if bound
        else [row.get("agency") for row in initial]
    )
    chosen_pks = [int(text) for text in (str(pk or "") for pk in chosen) if text.isdigit()]
    labels: dict[str, tuple[str, dict]] = {
        str(agency.pk): (agency_label(agency), {})
        for agency in Agency.objects.filter(pk__in=chosen_pks)
    }
    kwargs: dict[str, Any] = {
        "prefix": NEW_PREFIX,
        "form_kwargs": {"search_url": search_url, "labels": labels, "hints": hints},
    }
    if bound:
        return NewMemberFormSet(data, **kwargs), False
    return NewMemberFormSet(initial=initial, **kwargs), sending
