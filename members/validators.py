"""Indonesian identifiers: NIP, rank (pangkat/golongan) and mobile numbers."""

import re
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Employment(models.TextChoices):
    PNS = "pns", _("Civil servant (PNS)")
    PPPK = "pppk", _("Contract civil servant (PPPK)")
    OTHER = "other", _("Non-civil-servant")


class Rank(models.TextChoices):
    I_A = "I/a", "I/a – Juru Muda"
    I_B = "I/b", "I/b – Juru Muda Tingkat I"
    I_C = "I/c", "I/c – Juru"
    I_D = "I/d", "I/d – Juru Tingkat I"
    II_A = "II/a", "II/a – Pengatur Muda"
    II_B = "II/b", "II/b – Pengatur Muda Tingkat I"
    II_C = "II/c", "II/c – Pengatur"
    II_D = "II/d", "II/d – Pengatur Tingkat I"
    III_A = "III/a", "III/a – Penata Muda"
    III_B = "III/b", "III/b – Penata Muda Tingkat I"
    III_C = "III/c", "III/c – Penata"
    III_D = "III/d", "III/d – Penata Tingkat I"
    IV_A = "IV/a", "IV/a – Pembina"
    IV_B = "IV/b", "IV/b – Pembina Tingkat I"
    IV_C = "IV/c", "IV/c – Pembina Utama Muda"
    IV_D = "IV/d", "IV/d – Pembina Utama Madya"
    IV_E = "IV/e", "IV/e – Pembina Utama"


_RANK_CODE = re.compile(r"\b(IV|III|II|I)\s*/\s*([a-e])\b", re.IGNORECASE)


def parse_rank(text: str) -> str:
    """'III/a', 'iii / A', 'Penata Muda (III/a)' → 'III/a'; '' stays ''."""
    text = (text or "").strip()
    if not text:
        return ""
    found = _RANK_CODE.search(text)
    if found:
        code = f"{found.group(1).upper()}/{found.group(2).lower()}"
        if code in Rank.values:
            return code
    by_name = {label.split(" – ", 1)[1].lower(): value for value, label in Rank.choices}
    if text.lower() in by_name:
        return by_name[text.lower()]
    raise ValidationError(
        _("“%(value)s” is not a rank (pangkat/golongan) from I/a to IV/e."),
        code="rank",
        params={"value": text},
    )


def validate_nip(nip: str, employment: str = Employment.PNS) -> None:
    """18 digits; a PNS number also holds a real birth date, appointment month and sex digit.

    PPPK numbers have 18 digits too but other segments, so only their length is checked.
    """
    if not re.fullmatch(r"\d{18}", nip):
        raise ValidationError(_("An NIP has exactly 18 digits."), code="nip_length")
    if employment != Employment.PNS:
        return
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
        appointed = date(int(nip[8:12]), int(nip[12:14]), 1)
    except ValueError:
        raise ValidationError(
            _(
                "This NIP does not hold a real birth date (digits 1–8) and appointment month "
                "(digits 9–14)."
            ),
            code="nip_dates",
        ) from None
    if nip[14] not in "12":
        raise ValidationError(_("Digit 15 of an NIP is 1 or 2."), code="nip_sex")
    if appointed <= birth.replace(day=1) or birth.year < 1940:
        raise ValidationError(
            _("This NIP's appointment month is not after its birth date."), code="nip_dates"
        )


def normalize_nip(text: str) -> str:
    """Officials often type NIPs with spaces or dots: '19800101 200501 1 001'."""
    return re.sub(r"[\s.\-]", "", text or "")


def normalize_phone(text: str) -> str:
    """'0812-3456-7890', '62812…', '+62 812…' → '+6281234567890'; '' stays ''."""
    text = (text or "").strip()
    if not text:
        return ""
    digits = re.sub(r"[^\d+]", "", text)
    if digits.startswith("62"):
        digits = "+" + digits
    try:
        number = phonenumbers.parse(digits, "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise ValidationError(
            _("“%(value)s” is not a phone number."), code="phone", params={"value": text}
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
