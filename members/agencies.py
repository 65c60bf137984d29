"""Agencies as people type them: "Name", "ACRONYM" or "Name (ACRONYM)", in any case.

One matcher for every place where an agency arrives as text (a roster's column, a pasted
spreadsheet row, a walk-in's form), so that "kemenag", "Kementerian Agama" and "Kementerian
Agama (Kemenag)" mean the same agency everywhere; and NewAgency, what an organizer fills in
to add an agency on the spot (name, acronym, kind), never guessed into another one.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from .models import Agency

NAME_WITH_ACRONYM = re.compile(r"(.+?)\s*\(([^()]{1,40})\)")
KIND_BY_FIRST_WORD = {
    "kementerian": Agency.Kind.MINISTRY,
    "badan": Agency.Kind.AGENCY,
    "lembaga": Agency.Kind.AGENCY,
    "komisi": Agency.Kind.AGENCY,
    "pemerintah": Agency.Kind.REGIONAL,
    "pemprov": Agency.Kind.REGIONAL,
    "pemkab": Agency.Kind.REGIONAL,
    "pemkot": Agency.Kind.REGIONAL,
    "dinas": Agency.Kind.REGIONAL,
}


def split_acronym(text: str) -> tuple[str, str]:
    """("Kementerian Agama", "Kemenag") from "Kementerian Agama (Kemenag)"; (text, "") else."""
    text = " ".join(text.split())
    found = NAME_WITH_ACRONYM.fullmatch(text)
    return (found.group(1), found.group(2).strip()) if found else (text, "")


def guess_kind(name: str) -> str:
    """The kind an agency's name says ("Kementerian …" a ministry, "Dinas …" a regional
    government's office), Other when it says nothing: a suggestion the organizer confirms."""
    words = name.split()
    return KIND_BY_FIRST_WORD.get(words[0].lower(), Agency.Kind.OTHER) if words else ""


@dataclass(frozen=True)
class NewAgency:
    """An agency an organizer adds on the spot: its name, acronym and kind, as they typed."""

    name: str
    acronym: str = ""
    kind: str = Agency.Kind.OTHER

    @classmethod
    def suggested_for(cls, text: str) -> "NewAgency":
        """What the form offers for a typed agency that matches nothing: its name and acronym
        split, its kind guessed; the organizer confirms or corrects it."""
        name, acronym = split_acronym(text)
        return cls(name=name, acronym=acronym, kind=guess_kind(name))


class AgencyMatcher:
    """The agencies some texts name, found in one query: by full name, by acronym, or by
    "Name (ACRONYM)", in any case. An acronym may be shared by several agencies (two units):
    `lookup` then returns all of them, for the person to choose."""

    def __init__(self, texts: Iterable[str]):
        self.texts = {" ".join(text.split()) for text in texts if text and text.strip()}
        self.by_name: dict[str, Agency] = {}
        self.by_acronym: dict[str, list[Agency]] = {}
        keys = set()
        for text in self.texts:
            name, acronym = split_acronym(text)
            keys |= {text, name, acronym} - {""}
        self.load(keys)

    def load(self, keys: set[str]) -> None:
        if not keys:
            return
        lowered = {key.lower() for key in keys}
        # Also by exact text: SQLite's lower() leaves letters outside ASCII as they are.
        for agency in Agency.objects.annotate(
            name_lower=Lower("name"), acronym_lower=Lower("acronym")
        ).filter(
            Q(name_lower__in=lowered)
            | Q(acronym_lower__in=lowered)
            | Q(name__in=keys)
            | Q(acronym__in=keys)
        ):
            self.by_name[agency.name.lower()] = agency
            if agency.acronym:
                same = self.by_acronym.setdefault(agency.acronym.lower(), [])
                if agency not in same:
                    same.append(agency)

    def lookup(self, text: str) -> list[Agency]:
        """The agencies `text` names: one, several (a shared acronym) or none."""
        text = " ".join((text or "").split())
        if not text:
            return []
        name, acronym = split_acronym(text)
        for key in (text, name):
            if key.lower() in self.by_name:
                return [self.by_name[key.lower()]]
        return list(self.by_acronym.get((acronym or text).lower(), []))

    def find(self, text: str) -> Agency | None:
        """The one agency `text` names, None when it names none or several."""
        found = self.lookup(text)
        return found[0] if len(found) == 1 else None

    def ambiguity(self, text: str) -> str:
        """The message for a text that names several agencies, "" otherwise."""
        matches = self.lookup(text)
        if len(matches) < 2:
            return ""
        return _("“%(value)s” is the acronym of %(agencies)s: write the agency's full name.") % {
            "value": text,
            "agencies": "; ".join(agency.name for agency in matches),
        }
