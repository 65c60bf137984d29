import pytest
from django.core.exceptions import ValidationError

from members.validators import Employment, normalize_phone, parse_rank, validate_nip


@pytest.mark.parametrize("nip", ["198503152010011001", "197001012000032005", "200002292024012001"])
def test_real_civil_servant_nips_are_accepted(nip):
    validate_nip(nip)


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19850315201001100", "nip_length"),  # 17 digits
        ("1985031520100110011", "nip_length"),  # 19 digits
        ("19850315 201001 1 001", "nip_length"),  # spaces are normalised before, not here
        ("198513152010011001", "nip_dates"),  # month 13
        ("199002302015011001", "nip_dates"),  # 30 February
        ("198503152010131001", "nip_dates"),  # appointed in month 13
        ("198503152010013001", "nip_sex"),  # sex digit 3
        ("198503151980011001", "nip_dates"),  # appointed before birth
    ],
)
def test_impossible_civil_servant_nips_are_refused(nip, code):
    with pytest.raises(ValidationError) as refused:
        validate_nip(nip)
    assert refused.value.code == code


def test_contract_staff_numbers_only_need_18_digits():
    validate_nip("199912312024219001", Employment.PPPK)
    with pytest.raises(ValidationError):
        validate_nip("19991231202421900", Employment.PPPK)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("62 812 3456 7890", "+6281234567890"),
        ("+62 (812) 3456 7890", "+6281234567890"),
        ("081234567890", "+6281234567890"),
        ("", ""),
    ],
)
def test_phone_numbers_are_stored_in_international_form(typed, stored):
    assert normalize_phone(typed) == stored


def test_a_phone_number_with_letters_is_refused():
    with pytest.raises(ValidationError):
        normalize_phone("nomor saya 0812")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("III/a", "III/a"),
        ("iii / A", "III/a"),
        ("Penata Muda (III/a)", "III/a"),
        ("Pembina Utama", "IV/e"),
        ("IV/e", "IV/e"),
        ("", ""),
    ],
)
def test_ranks_are_read_in_the_forms_officials_write_them(typed, code):
    assert parse_rank(typed) == code


@pytest.mark.parametrize("typed", ["V/a", "III/f", "Kepala"])
def test_ranks_outside_the_list_are_refused(typed):
    with pytest.raises(ValidationError):
        parse_rank(typed)
