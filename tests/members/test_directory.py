import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse

from tests.html import table_rows
from tests.members.factories import AgencyFactory, MemberFactory, UserFactory
from tests.personal_data import ACCESS_LOG
from tests.support.exports import download
from tests.support.found import first_sheet

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("members:directory")
HEADERS = [
    "Name",
    "Email",
    "NIP",
    "Agency",
    "Work unit",
    "Position",
    "Rank",
    "Mobile number",
    "Account",
]
NAME, EMAIL, NIP, AGENCY, WORK_UNIT, POSITION, RANK, PHONE, ACCOUNT = range(9)


@pytest.fixture
def organizer_client(organizer_client, organizer):
    # These tests are about the table itself, read by staff, who see every row whole; what
    # an organizer sees of people outside their meetings is in tests/privacy/test_scope.py.
    organizer.is_staff = True
    organizer.save(update_fields=["is_staff"])
    organizer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return organizer_client


@pytest.fixture
def kemenag():
    return AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")


@pytest.fixture
def bps():
    return AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS")


def names(rows):
    return [row[NAME] for row in rows]


def export(client, file_format, **query):
    return download(client, reverse("members:export", args=[file_format]), query)


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response):
    sheet = first_sheet(response.content)
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def test_an_organizer_sees_each_member_with_agency_rank_and_whether_they_have_an_account(
    organizer_client, kemenag
):
    MemberFactory.create(
        full_name="Siti Rahmawati",
        email="siti.rahmawati@kemenag.go.id",
        nip="198503152010012001",
        agency=kemenag,
        work_unit="Sekretariat Balitbang Diklat",
        position="Pranata Humas Ahli Muda",
        rank="III/c",
        phone="+6281234567890",
        user=UserFactory.create(email="siti.rahmawati@kemenag.go.id"),
    )
    MemberFactory.create(
        full_name="Andi Pratama",
        email="andi@iprahumas.or.id",
        nip="",
        agency=AgencyFactory.create(name="Iprahumas", acronym=""),
        rank="",
        phone="",
    )

    response = organizer_client.get(DIRECTORY)

    assert response.status_code == 200
    assert table_rows(response) == [
        [
            "Andi Pratama",
            "andi@iprahumas.or.id",
            "—",
            "Iprahumas",
            "Biro Hubungan Masyarakat",
            "Pranata Humas Ahli Muda",
            "—",
            "—",
            "No",
        ],
        [
            "Siti Rahmawati",
            "siti.rahmawati@kemenag.go.id",
            "198503152010012001",
            "Kemenag",
            "Sekretariat Balitbang Diklat",
            "Pranata Humas Ahli Muda",
            "III/c",
            "+6281234567890",
            "Yes",
        ],
    ]
    assert 'title="Kementerian Agama"' in response.text
    assert 'title="III/c – Penata"' in response.text


@pytest.mark.parametrize(
    "typed", ["rahma", "RAHMAWATI", "Siti.Rahmawati@KEMENAG", "2010012001", "198503152010012001"]
)
@pytest.mark.usefixtures("kemenag")
def test_one_search_box_finds_a_member_by_name_email_or_nip_in_any_case(organizer_client, typed):
    MemberFactory.create(
        full_name="Siti Rahmawati", email="siti.rahmawati@kemenag.go.id", nip="198503152010012001"
    )
    MemberFactory.create(
        full_name="Andi Pratama", email="andi@kemenag.go.id", nip="199001012015031002"
    )

    response = organizer_client.get(DIRECTORY, {"q": typed})

    assert names(table_rows(response)) == ["Siti Rahmawati"]


def test_choosing_an_agency_shows_only_its_members(organizer_client, kemenag, bps):
    MemberFactory.create(full_name="Siti Rahmawati", agency=kemenag)
    MemberFactory.create(full_name="Budi Santoso", agency=bps)

    by_link = organizer_client.get(DIRECTORY, {"agency": bps.pk})  # a link names it by id
    typed = organizer_client.get(DIRECTORY, {"agency": "statistik"})

    assert names(table_rows(by_link)) == ["Budi Santoso"]
    assert names(table_rows(typed)) == ["Budi Santoso"]
    assert 'value="statistik"' in typed.text
    assert "<option" not in typed.text.split('name="agency"')[1].split(">")[0]


@pytest.mark.usefixtures("kemenag")
def test_a_search_that_matches_nobody_says_so(organizer_client):
    MemberFactory.create(full_name="Siti Rahmawati")

    response = organizer_client.get(DIRECTORY, {"q": "tidak ada"})

    assert table_rows(response) == [["No member matches."]]


def test_members_are_sorted_by_the_column_the_organizer_clicks(organizer_client, kemenag, bps):
    MemberFactory.create(full_name="Ahmad Fauzi", agency=bps)
    MemberFactory.create(full_name="Budi Santoso", agency=kemenag)
    MemberFactory.create(full_name="Citra Lestari", agency=bps)

    by_name_descending = organizer_client.get(DIRECTORY, {"sort": "-full_name"})
    by_agency = organizer_client.get(DIRECTORY, {"sort": "agency_label"})

    assert names(table_rows(by_name_descending)) == ["Citra Lestari", "Budi Santoso", "Ahmad Fauzi"]
    assert names(table_rows(by_agency)) == ["Ahmad Fauzi", "Citra Lestari", "Budi Santoso"]


def test_the_directory_shows_25_members_a_page(organizer_client, kemenag):
    MemberFactory.create_batch(30, agency=kemenag)

    first = organizer_client.get(DIRECTORY)
    second = organizer_client.get(DIRECTORY, {"page": 2})

    assert len(table_rows(first)) == 25
    assert len(table_rows(second)) == 5
    assert not set(names(table_rows(first))) & set(names(table_rows(second)))
    assert "30 members" in first.text


def test_a_large_page_size_asked_in_the_address_is_capped(organizer_client, kemenag):
    MemberFactory.create_batch(120, agency=kemenag)

    response = organizer_client.get(DIRECTORY, {"per_page": 100000})

    assert len(table_rows(response)) == 100


def test_the_export_links_carry_the_search_and_the_sort_but_not_the_page(organizer_client):
    response = organizer_client.get(DIRECTORY, {"q": "humas", "sort": "-nip", "page": 1})

    assert f'formaction="{reverse("members:export", args=["csv"])}"' in response.text
    assert f'action="{reverse("members:export", args=["xlsx"])}"' in response.text
    assert 'name="query" value="q=humas&amp;sort=-nip"' in response.text


def test_the_csv_export_has_every_filtered_member_in_the_page_order_and_opens_in_excel(
    organizer_client, kemenag, bps
):
    for number in range(30):
        MemberFactory.create(full_name=f"Pegawai Kemenag {number:02d}", agency=kemenag)
    MemberFactory.create(full_name="Pegawai BPS", agency=bps)

    response = export(organizer_client, "csv", agency=kemenag.pk, sort="-full_name")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="members-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, *rows = csv_rows(response)
    assert header == HEADERS
    assert names(rows) == [f"Pegawai Kemenag {number:02d}" for number in reversed(range(30))]
    assert {row[AGENCY] for row in rows} == {"Kemenag"}
    assert {row[RANK] for row in rows} == {"III/c – Penata"}
    assert {row[ACCOUNT] for row in rows} == {"No"}


def test_an_exported_cell_that_a_spreadsheet_would_run_as_a_formula_is_quoted(
    organizer_client, kemenag
):
    MemberFactory.create(
        full_name="=cmd|' /C calc'!A0",
        position="@SUM(1+1)*cmd|' /C calc'!A0",
        work_unit="-2+3",
        phone="+6281234567890",
        agency=kemenag,
    )

    [csv_row] = csv_rows(export(organizer_client, "csv"))[1:]
    [xlsx_row] = xlsx_rows(export(organizer_client, "xlsx"))[1:]

    for row in (csv_row, xlsx_row):
        assert row[NAME] == "'=cmd|' /C calc'!A0"
        assert row[POSITION] == "'@SUM(1+1)*cmd|' /C calc'!A0"
        assert row[WORK_UNIT] == "'-2+3"
        assert row[PHONE] == "'+6281234567890"


def test_the_xlsx_export_keeps_nips_as_text_and_names_as_typed(organizer_client, kemenag):
    MemberFactory.create(
        full_name="Ni Luh Putu Ayu Widyastuti",
        nip="198503152010012001",
        agency=kemenag,
        user=UserFactory.create(),
    )

    response = export(organizer_client, "xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    header, row = xlsx_rows(response)
    assert header == HEADERS
    assert row[NAME] == "Ni Luh Putu Ayu Widyastuti"
    assert row[NIP] == "198503152010012001"
    assert row[ACCOUNT] == "Yes"


def test_an_unknown_export_format_is_not_found(organizer_client):
    assert export(organizer_client, "pdf").status_code == 404


@pytest.mark.parametrize("how_many", [3, 300])
def test_the_directory_and_its_export_take_the_same_few_queries_for_3_or_300_members(
    organizer_client, django_assert_max_num_queries, how_many
):
    agencies = AgencyFactory.create_batch(5)
    for number in range(how_many):
        MemberFactory.create(
            agency=agencies[number % 5], user=UserFactory.create() if number % 3 == 0 else None
        )

    with django_assert_max_num_queries(7 + ACCESS_LOG):
        page = organizer_client.get(DIRECTORY, {"sort": "agency_label"})
    with django_assert_max_num_queries(7 + ACCESS_LOG):
        filtered = organizer_client.get(DIRECTORY, {"agency": agencies[0].pk, "q": "instansi"})
    with django_assert_max_num_queries(5 + ACCESS_LOG):  # session, user, group, count, rows
        exported = export(organizer_client, "csv")

    assert len(table_rows(page)) == min(how_many, 25)
    assert filtered.status_code == 200
    assert len(csv_rows(exported)) == how_many + 1


@pytest.mark.parametrize("url", [DIRECTORY, reverse("members:export", args=["csv"])])
def test_only_organizers_see_the_directory(client, url):
    MemberFactory.create()

    anonymous = client.get(url)
    client.force_login(UserFactory.create())
    member = client.get(url)

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert member.status_code == 403
