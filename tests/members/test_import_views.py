"""An organizer imports a roster: upload, preview, confirm — and every way it can go wrong."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from members.models import Agency, Member, PendingImport
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.html import table_rows
from tests.members.factories import AgencyFactory, MemberFactory, OrganizerFactory, UserFactory
from tests.members.rosters import (
    CONFIRM_URL,
    DESIREE,
    HEADER_ID,
    IMPORT_URL,
    SITI,
    confirm,
    csv_file,
    person,
    preview_token,
    upload,
    xlsx_file,
)
from tests.support.found import found

pytestmark = pytest.mark.usefixtures("english")


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def summary(response) -> str:
    """The preview's figures as a reader sees them: '2 new members 1 members updated …'."""
    section = found(r'id="import-summary">(.*?)</div>\s*(<details|<form)', page_text(response))
    return " ".join(re.sub(r"<[^>]+>", " ", section.group(1)).split())


@pytest.fixture
def nothing_written(db):  # noqa: ARG001 (requested for its effect)
    """Asserts, after the test, that no member, agency or pending import was written."""
    before = (Member.objects.count(), Agency.objects.count())
    yield
    assert (Member.objects.count(), Agency.objects.count()) == before
    assert not PendingImport.objects.exists()


def test_the_organizer_sees_the_upload_form_with_its_progress_bar(organizer_client):
    response = organizer_client.get(IMPORT_URL)

    text = page_text(response)
    assert response.status_code == 200
    assert 'hx-post="/members/import/"' in text
    assert 'hx-encoding="multipart/form-data"' in text
    assert 'id="roster-progress"' in text
    assert "/static/js/roster-import.js" in text
    assert 'data-max-bytes="5242880"' in text
    assert 'accept=".csv,.xlsx' in text


def test_a_valid_roster_is_previewed_then_imported_on_confirmation(organizer_client, organizer):
    kemenag = AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")
    siti = MemberFactory.create(email="SITI.DAULAY@kemenag.go.id", full_name="Siti", agency=kemenag)
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    InvitationFactory.create(meeting=meeting, member=siti)  # in the organizer's scope

    uploaded = upload(organizer_client, csv_file([HEADER_ID, SITI, DESIREE], separator=";"))
    token = preview_token(uploaded)
    preview = organizer_client.get(uploaded.url)

    assert Member.objects.count() == 1  # nothing imported before the organizer confirms
    assert summary(preview) == "1 new members 1 members updated (same email) 1 new agencies"
    assert [row[0:3] + row[-1:] for row in table_rows(preview)] == [
        ["2", "Siti Nurhaliza Daulay", "siti.daulay@kemenag.go.id", "update"],
        ["3", "Désirée Manurung", "desiree.manurung@bps.go.id", "new"],
    ]
    assert "Badan Pusat Statistik" in page_text(preview)

    done = confirm(organizer_client, token)

    assert done.redirect_chain[-1][0] == reverse("members:directory")
    assert (
        "Imported 2 rows. New members: 1 · updated: 1 · already up to date: 0 · new agencies: 1."
        in page_text(done)
    )
    siti.refresh_from_db()
    assert (siti.full_name, siti.nip, siti.agency) == ("Siti Nurhaliza Daulay", SITI[2], kemenag)
    assert Member.objects.get(email=DESIREE[1]).agency.name == "Badan Pusat Statistik"
    assert not PendingImport.objects.exists()


def test_an_excel_workbook_is_imported(organizer_client):
    token = preview_token(upload(organizer_client, xlsx_file([HEADER_ID, SITI]), "peserta.xlsx"))

    confirm(organizer_client, token)

    assert Member.objects.get().full_name == "Siti Nurhaliza Daulay"


def test_a_windows_1252_csv_keeps_its_accents(organizer_client):
    content = csv_file([HEADER_ID, DESIREE], separator=";", encoding="cp1252")

    confirm(organizer_client, preview_token(upload(organizer_client, content)))

    assert Member.objects.get().full_name == "Désirée Manurung"


def test_with_htmx_a_valid_roster_sends_the_browser_to_its_preview(organizer_client):
    response = upload(organizer_client, csv_file([HEADER_ID, SITI]), HX_Request="true")

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/members/import/preview/")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (csv_file([HEADER_ID, [*SITI[:1], "siti(at)x", *SITI[2:]]]), "is not an email address"),
        (csv_file([HEADER_ID, [*SITI[:2], "1985031520100120", *SITI[3:]]]), "exactly 18 digits."),
        (csv_file([HEADER_ID, [*SITI[:6], "IV/z", SITI[7]]]), "“IV/z” is not a rank"),
        (csv_file([HEADER_ID, SITI, [*DESIREE[:1], SITI[1].upper(), *DESIREE[2:]]]),
         "siti.daulay@kemenag.go.id is also on row 2 of the file."),
        (csv_file([[*HEADER_ID, "Hobi"], [*SITI, "catur"]]), "Unknown column “Hobi”"),
        (csv_file([HEADER_ID, [*SITI[:3], "", *SITI[4:]]]), "Agency: This value is required."),
        (b"", "The file is empty."),
        (csv_file([HEADER_ID]), "The file has no rows below its header"),
        (b"%PDF-1.7\n\x00\x01binary", "This file is not a CSV or XLSX spreadsheet."),
    ],
)  # fmt: skip
@pytest.mark.usefixtures("nothing_written")
def test_a_roster_with_a_problem_shows_it_and_writes_nothing(organizer_client, content, message):
    response = upload(organizer_client, content)

    assert response.status_code == 200
    assert "Nothing was imported" in page_text(response)
    assert message in page_text(response).replace("<strong>", "").replace("</strong>", "")


def test_the_rows_to_fix_come_first_with_their_row_number_and_reasons(organizer_client):
    rows = [HEADER_ID, SITI, [*DESIREE[:1], "desiree@", *DESIREE[2:6], "X/a", DESIREE[7]]]

    response = upload(organizer_client, csv_file(rows))

    assert table_rows(response) == [
        [
            "3",
            "Désirée Manurung",
            "desiree@",
            "Email: “desiree@” is not an email address. "
            "Rank: “X/a” is not a rank (pangkat/golongan) from I/a to IV/e.",
        ]
    ]


@pytest.mark.usefixtures("nothing_written")
def test_a_file_just_over_the_limit_is_refused_and_not_read(organizer_client, monkeypatch):
    monkeypatch.setattr("members.roster_views.read_roster", pytest.fail)

    response = upload(organizer_client, b"x" * (settings.ROSTER_MAX_BYTES + 1))

    assert response.status_code == 413
    assert "This file is larger than 5.0 MB, the most Rakor reads at once." in page_text(response)


@pytest.mark.usefixtures("nothing_written")
def test_a_much_larger_file_is_refused_before_its_upload_is_even_parsed(
    organizer_client, monkeypatch
):
    monkeypatch.setattr("django.http.multipartparser.MultiPartParser.parse", pytest.fail)

    response = upload(organizer_client, b"x" * (settings.ROSTER_MAX_BYTES + 100_000))

    assert response.status_code == 413
    assert "This file is larger than 5.0 MB, the most Rakor reads at once." in page_text(response)


@pytest.mark.usefixtures("nothing_written")
def test_a_forged_token_imports_nothing(organizer_client):
    response = confirm(organizer_client, "forged-token-0123456789")

    assert response.redirect_chain[-1][0] == IMPORT_URL
    assert "This preview is no longer valid" in page_text(response)


def test_another_organizers_preview_can_be_neither_seen_nor_confirmed(client, organizer_client):
    token = preview_token(upload(organizer_client, csv_file([HEADER_ID, SITI])))
    client.force_login(OrganizerFactory.create())

    seen = client.get(reverse("members:import_preview", args=[token]), follow=True)
    confirmed = confirm(client, token)

    assert "This preview is no longer valid" in page_text(seen)
    assert "This preview is no longer valid" in page_text(confirmed)
    assert Member.objects.count() == 0
    assert PendingImport.objects.count() == 1  # still there for the organizer who uploaded it


def test_an_expired_preview_imports_nothing(organizer_client):
    token = preview_token(upload(organizer_client, csv_file([HEADER_ID, SITI])))
    PendingImport.objects.update(
        created_at=PendingImport.objects.get().created_at - timedelta(hours=3)
    )

    response = confirm(organizer_client, token)

    assert "This preview is no longer valid" in page_text(response)
    assert Member.objects.count() == 0


def test_confirming_twice_imports_once(organizer_client):
    token = preview_token(upload(organizer_client, csv_file([HEADER_ID, SITI])))

    confirm(organizer_client, token)
    again = confirm(organizer_client, token)

    assert "This preview is no longer valid" in page_text(again)
    assert Member.objects.count() == 1


def test_a_long_preview_is_shown_a_hundred_rows_a_page(organizer_client):
    uploaded = upload(organizer_client, csv_file([HEADER_ID, *map(person, range(250))]))

    first = organizer_client.get(uploaded.url)
    last = organizer_client.get(uploaded.url + "?page=3")

    assert len(table_rows(first)) == 100
    assert [row[0] for row in table_rows(last)] == [str(line) for line in range(202, 252)]
    assert "Page 3 of 3" in page_text(last)
    assert "Import 250 rows" in page_text(first)


@pytest.mark.parametrize("size", [10, 200])
def test_confirming_takes_a_handful_of_queries_for_10_rows_as_for_200(
    organizer_client, django_assert_max_num_queries, size
):
    token = preview_token(
        upload(organizer_client, csv_file([HEADER_ID, *map(person, range(size))]))
    )

    with django_assert_max_num_queries(22):
        organizer_client.post(CONFIRM_URL, {"token": token})

    assert Member.objects.count() == size


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", IMPORT_URL),
        ("post", IMPORT_URL),
        ("get", reverse("members:import_preview", args=["some-token"])),
        ("post", CONFIRM_URL),
    ],
)
def test_someone_signed_out_is_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", IMPORT_URL),
        ("post", IMPORT_URL),
        ("get", reverse("members:import_preview", args=["some-token"])),
        ("post", CONFIRM_URL),
    ],
)
@pytest.mark.usefixtures("db")
def test_a_member_who_is_not_an_organizer_is_refused(client, method, url):
    client.force_login(UserFactory.create())

    response = getattr(client, method)(url, {"token": "x"} if method == "post" else None)

    assert response.status_code == 403


@pytest.mark.usefixtures("db")
def test_the_upload_needs_a_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(OrganizerFactory.create())

    response = upload(client, csv_file([HEADER_ID, SITI]))

    assert response.status_code == 403
    assert not PendingImport.objects.exists()
