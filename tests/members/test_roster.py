"""Reading and checking a roster file, then importing it: the rules, without the pages."""

import pytest

from members import services
from members.models import Agency, Member
from members.roster import read_roster
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory, OrganizerFactory
from tests.members.rosters import DESIREE, HEADER_EN, HEADER_ID, SITI, csv_file, person, xlsx_file
from tests.support.found import present

pytestmark = pytest.mark.usefixtures("english")

TWO_PEOPLE = [HEADER_ID, SITI, DESIREE]


NOT_A_SPREADSHEET = "This file is not a CSV or XLSX spreadsheet."


def all_errors(roster) -> list[str]:
    return roster.errors + [error.message for row in roster.rows for error in row.errors]


def test_indonesian_and_english_headers_read_the_same_columns():
    indonesian = read_roster(file_name="a.csv", content=csv_file([HEADER_ID, SITI]))
    english = read_roster(file_name="b.csv", content=csv_file([HEADER_EN, SITI]))

    assert indonesian.is_valid
    assert english.is_valid
    assert indonesian.rows[0] == english.rows[0]
    assert indonesian.rows[0].full_name == "Siti Nurhaliza Daulay"
    assert indonesian.rows[0].phone == ""  # mobile numbers are not imported (below)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("PANGKAT", "rank"),
        ("golongan", "rank"),
        ("Gol.", None),
        ("E-mail", "email"),
        ("unit_kerja", "work_unit"),
        ("Status Kepegawaian", "employment"),
    ],
)
def test_headers_are_matched_ignoring_case_spaces_and_punctuation(header, field):
    roster = read_roster(
        file_name="a.csv", content=csv_file([["nama", "email", "instansi", header], ["a"] * 4])
    )

    if field:
        assert field in roster.fields
    else:
        assert any("Unknown column “Gol.”" in error for error in roster.errors)


@pytest.mark.parametrize(
    ("variant", "content"),
    [
        ("UTF-8 with BOM, semicolons", csv_file(TWO_PEOPLE, separator=";", bom=True)),
        ("Windows-1252, semicolons", csv_file(TWO_PEOPLE, separator=";", encoding="cp1252")),
        ("Windows-1252, commas", csv_file(TWO_PEOPLE, encoding="cp1252")),
        ("UTF-8, commas", csv_file(TWO_PEOPLE)),
        ("UTF-16 tab-separated", "\t".join(HEADER_ID).encode("utf-16") + b"\r\x00\n\x00"
         + "\t".join(SITI).encode("utf-16-le") + b"\r\x00\n\x00"
         + "\t".join(DESIREE).encode("utf-16-le")),
        ("XLSX", xlsx_file(TWO_PEOPLE)),
    ],
)  # fmt: skip
def test_files_saved_by_excel_are_read_correctly(variant, content):  # noqa: ARG001 (names the case)
    roster = read_roster(file_name="peserta", content=content)

    assert roster.is_valid, all_errors(roster)
    assert [row.full_name for row in roster.rows] == ["Siti Nurhaliza Daulay", "Désirée Manurung"]
    assert roster.rows[1].nip == "199001022015032004"
    assert roster.rows[1].rank == "III/a"


def test_a_semicolon_file_whose_names_carry_commas_is_still_read_by_semicolons():
    titled = [*SITI]
    titled[0] = "Dr. Siti Nurhaliza Daulay, S.Sos., M.Si."

    roster = read_roster(file_name="a.csv", content=csv_file([HEADER_ID, titled], separator=";"))

    assert roster.is_valid, all_errors(roster)
    assert roster.rows[0].full_name == "Dr. Siti Nurhaliza Daulay, S.Sos., M.Si."


@pytest.mark.parametrize("header", ["Nomor HP", "no hp", "Telepon", "WhatsApp", "phone"])
@pytest.mark.parametrize("value", [81234567890, "0812-3456-7890", "nomor saya 0812"])
def test_a_rosters_mobile_numbers_are_not_read_whatever_they_hold(header, value):
    # A roster serves no meeting in particular: a meeting asks for a mobile number only when it
    # uses one (UU 27/2022 Art. 16(2)(b); tests/privacy/test_phones.py).
    roster = read_roster(
        file_name="a.xlsx", content=xlsx_file([[*HEADER_ID[:7], header], [*SITI[:7], value]])
    )

    assert roster.is_valid, all_errors(roster)
    assert "phone" not in roster.fields
    assert roster.rows[0].phone == ""


def test_an_nip_that_excel_rounded_is_refused_with_the_reason():
    in_workbook: list[object] = [*SITI]
    in_csv: list[object] = [*SITI]
    # Workbooks keep 15 digits of a number; CSV shows what the cell showed, here in id-ID.
    in_workbook[2], in_csv[2] = 198503152010012001, "1,98503E+17"

    from_workbook = read_roster(file_name="a.xlsx", content=xlsx_file([HEADER_ID, in_workbook]))
    from_csv = read_roster(file_name="a.csv", content=csv_file([HEADER_ID, in_csv], separator=";"))

    for roster in (from_workbook, from_csv):
        assert not roster.is_valid
        assert "Excel turned this NIP into the number" in all_errors(roster)[0]


def test_a_title_above_the_header_a_running_number_and_blank_rows_keep_excel_row_numbers():
    rows = [
        ["DAFTAR PESERTA RAPAT KOORDINASI PRANATA HUMAS"],
        [],
        ["No", *HEADER_ID],
        ["1", *SITI],
        [""] * 9,
        ["2", *DESIREE[:1], "bukan-email", *DESIREE[2:]],
    ]

    roster = read_roster(file_name="a.xlsx", content=xlsx_file(rows))

    assert roster.errors == []
    assert [row.line for row in roster.rows] == [4, 6]
    assert roster.rows[1].errors[0].message == "“bukan-email” is not an email address."


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("email", "siti@", "“siti@” is not an email address."),
        ("nip", "19850315201001200", "An NIP has exactly 18 digits."),
        ("nip", "198513152010012001", "This NIP does not hold a real birth date"),
        ("rank", "V/a", "“V/a” is not a rank (pangkat/golongan) from I/a to IV/e."),
        ("full_name", "", "This value is required."),
        ("email", "", "This value is required."),
        ("agency", "", "This value is required."),
    ],
)
def test_a_bad_value_is_reported_on_its_row_and_column(column, value, message):
    row = dict(zip(HEADER_EN, SITI, strict=True))
    row[{"full_name": "name"}.get(column, column)] = value

    roster = read_roster(file_name="a.csv", content=csv_file([HEADER_EN, list(row.values())]))

    assert not roster.is_valid
    [error] = roster.rows[0].errors
    assert error.field == column
    assert error.message.startswith(message)


def test_the_same_email_twice_in_any_case_is_refused_on_both_rows():
    twin = [*DESIREE]
    twin[1] = SITI[1].upper()

    roster = read_roster(file_name="a.csv", content=csv_file([HEADER_ID, SITI, twin]))

    assert [row.errors[0].message for row in roster.rows] == [
        "siti.daulay@kemenag.go.id is also on row 3 of the file.",
        "siti.daulay@kemenag.go.id is also on row 2 of the file.",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\r\n\r\n", "The file is empty."),
        (csv_file([HEADER_ID]), "The file has no rows below its header (row 1)."),
        (csv_file([[*HEADER_ID, "Hobi"], [*SITI, "Catur"]]), "Unknown column “Hobi”"),
        (csv_file([HEADER_ID[:3], SITI[:3]]), "The file has no column for the Agency"),
        (csv_file([[*HEADER_ID, "E-mail"], [*SITI, "x@y.id"]]), "The columns “Email” and “E-mail”"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NOT_A_SPREADSHEET),
        (b"PK\x03\x04 a zip archive that is no workbook", NOT_A_SPREADSHEET),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Rakor cannot read old Excel 97–2003 (.xls) files"),
    ],
)  # fmt: skip
def test_a_file_rakor_cannot_take_says_why(content, message):
    roster = read_roster(file_name="roster", content=content)

    assert not roster.is_valid
    assert any(error.startswith(message) for error in roster.errors), roster.errors


def test_a_file_exported_from_the_members_directory_reads_back():
    exported = [
        [
            "Name",
            "Email",
            "NIP",
            "Agency",
            "Work unit",
            "Position",
            "Rank",
            "Mobile number",
            "Account",
        ],
        [
            *SITI[:3],
            "Kementerian Agama (Kemenag)",
            *SITI[4:6],
            "III/c – Penata",
            "'+6281234567890",
            "Yes",
        ],
    ]

    roster = read_roster(file_name="members.csv", content=csv_file(exported, bom=True))

    assert roster.is_valid, all_errors(roster)
    assert (roster.rows[0].rank, roster.rows[0].phone) == ("III/c", "")


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr("members.roster_parse.MAX_UNPACKED_BYTES", 10_000)
    monkeypatch.setattr("tablib.Dataset.load", pytest.fail)

    roster = read_roster(
        file_name="a.xlsx", content=xlsx_file([HEADER_ID, *map(person, range(50))])
    )

    assert roster.errors[0].startswith("This workbook holds more than 9.8\xa0KB once unpacked")


def test_text_under_a_column_without_header_is_refused():
    roster = read_roster(file_name="a.csv", content=csv_file([HEADER_ID, [*SITI, "catatan"]]))

    assert roster.rows[0].errors[0].message == "This row has text in a column without a header."


def test_employment_defaults_to_civil_servant_when_an_nip_is_given():
    contract = [*DESIREE[:2], "199912312024219001", *DESIREE[3:], "PPPK"]
    honorary = [*SITI[:1], "honorer@kemenag.go.id", "", *SITI[3:], "Non-ASN"]
    header = [*HEADER_ID, "Status Kepegawaian"]

    roster = read_roster(
        file_name="a.csv", content=csv_file([header, [*SITI, ""], contract, honorary])
    )

    assert roster.is_valid, all_errors(roster)
    assert [row.employment for row in roster.rows] == ["pns", "pppk", "other"]


def test_an_unknown_employment_status_is_refused():
    roster = read_roster(
        file_name="a.csv", content=csv_file([[*HEADER_ID, "Employment"], [*SITI, "tetap"]])
    )

    assert roster.rows[0].errors[0].message.startswith("“tetap” is not an employment status")


# --- importing -------------------------------------------------------------------------------


def in_scope_of(organizer, member):
    """Invites `member` to a meeting of `organizer`: only then may the organizer's roster
    update them (privacy/scope.py)."""
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    InvitationFactory.create(meeting=meeting, member=member)


def import_file(content: bytes, organizer=None):
    organizer = organizer or OrganizerFactory.create()
    roster = read_roster(file_name="peserta.csv", content=content)
    preview = services.preview_roster(roster=roster, organizer=organizer)
    assert preview.token, all_errors(preview.roster)
    return services.confirm_roster_import(token=preview.token, organizer=organizer)


@pytest.mark.django_db
def test_importing_updates_members_by_email_in_any_case_and_creates_unknown_agencies():
    kemenag = AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")
    siti = MemberFactory.create(
        email="Siti.Daulay@Kemenag.go.id", full_name="Siti N.", agency=kemenag
    )
    row = [*SITI]
    row[3] = "KEMENAG"
    organizer = OrganizerFactory.create()
    MemberFactory.create(user=organizer, agency=kemenag)  # Siti is of the organizer's own agency

    result = import_file(csv_file([HEADER_ID, row, DESIREE]), organizer)

    siti.refresh_from_db()
    assert (result.created, result.updated, result.agencies_created) == (1, 1, 1)
    assert siti.full_name == "Siti Nurhaliza Daulay"
    assert siti.email == "Siti.Daulay@Kemenag.go.id"
    assert siti.agency == kemenag
    assert (siti.nip, siti.rank, siti.phone) == ("198503152010012001", "III/c", "+6281234567890")
    desiree = Member.objects.get(email="desiree.manurung@bps.go.id")
    assert desiree.agency.name == "Badan Pusat Statistik"
    assert desiree.agency.kind == Agency.Kind.AGENCY
    assert Agency.objects.count() == 2


@pytest.mark.django_db
def test_an_agency_written_as_name_and_acronym_is_created_once_whatever_its_case():
    rows = [
        person(1, "Badan Nasional Penanggulangan Bencana (BNPB)"),
        person(2, "badan nasional penanggulangan bencana"),
    ]

    import_file(csv_file([HEADER_ID, *rows]))

    bnpb = Agency.objects.get()
    assert (bnpb.name, bnpb.acronym) == ("Badan Nasional Penanggulangan Bencana", "BNPB")
    assert bnpb.members.count() == 2
    import_file(csv_file([HEADER_ID, person(3, "bnpb")]))
    assert Agency.objects.get().members.count() == 3


@pytest.mark.django_db
def test_empty_cells_keep_what_rakor_already_knows():
    siti = MemberFactory.create(email=SITI[1], nip="198503152010012001", phone="+6281111111111")

    import_file(csv_file([HEADER_ID, [*SITI[:2], "", *SITI[3:7], ""]]))

    siti.refresh_from_db()
    assert (siti.nip, siti.phone) == ("198503152010012001", "+6281111111111")


@pytest.mark.django_db
def test_an_acronym_shared_by_two_agencies_must_be_written_in_full():
    AgencyFactory.create(name="Badan Pengawas Obat dan Makanan", acronym="BPOM")
    AgencyFactory.create(name="Balai Pengawas Obat dan Makanan", acronym="BPOM")
    roster = read_roster(file_name="a.csv", content=csv_file([HEADER_ID, person(1, "bpom")]))

    preview = services.preview_roster(roster=roster, organizer=OrganizerFactory.create())

    assert preview.token is None
    assert preview.roster.rows[0].errors[0].message.startswith("“bpom” is the acronym of")


@pytest.mark.django_db
def test_a_roster_is_imported_once_even_when_confirmed_twice():
    organizer = OrganizerFactory.create()
    roster = read_roster(file_name="a.csv", content=csv_file([HEADER_ID, SITI]))
    token = present(services.preview_roster(roster=roster, organizer=organizer).token)

    services.confirm_roster_import(token=token, organizer=organizer)
    with pytest.raises(services.PreviewExpired):
        services.confirm_roster_import(token=token, organizer=organizer)

    assert Member.objects.count() == 1


@pytest.mark.django_db
def test_rows_with_errors_are_never_written():
    roster = read_roster(
        file_name="a.csv", content=csv_file([HEADER_ID, SITI, [*DESIREE[:1], "x"]])
    )

    with pytest.raises(ValueError, match="rows without errors only"):
        services.import_roster(rows=roster.rows, imported_by=OrganizerFactory.create())

    assert Member.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 200])
def test_the_import_makes_a_handful_of_queries_for_10_rows_as_for_200(
    size, django_assert_max_num_queries
):
    known = MemberFactory.create(email=person(0)[1].upper())  # one update among the new members
    roster = read_roster(
        file_name="a.csv", content=csv_file([HEADER_ID, *map(person, range(size))])
    )
    organizer = OrganizerFactory.create()
    in_scope_of(organizer, known)
    token = services.preview_roster(roster=roster, organizer=organizer).token

    # SQLite inserts at most 83 members a query (999 parameters), PostgreSQL 500.
    with django_assert_max_num_queries(16):
        result = services.confirm_roster_import(token=present(token), organizer=organizer)

    assert (result.created, result.updated) == (size - 1, 1)
