"""An attacker's round over the scope (issue 14 items 1–3): a non-staff organizer tries every
way to learn the NIP, email or phone of someone outside their scope, or to bring them into it."""

import pytest
from django.urls import reverse

from core.models import ExportJob
from privacy.scope import may_see_contact
from tests.html import table_rows
from tests.members.factories import AgencyFactory, MemberFactory
from tests.members.rosters import HEADER_EN, confirm, csv_file, preview_token, upload
from tests.privacy.scope_world import DIRECTORY, NAME, SITI_NIP
from tests.support.documents import docx_text, pdf_text

pytestmark = pytest.mark.django_db


def test_a_roster_import_does_not_move_an_outsider_into_the_importers_agency(client, second, siti):
    """Importing a row with an outsider's email and one's own agency would make them one's
    own agency's member, and show their NIP and phone in one's directory."""
    row = ["Siti Rahmawati", siti.email, "", "Badan Pusat Statistik", "", "", "", ""]
    uploaded = upload(client, csv_file([HEADER_EN, row]))
    token = preview_token(uploaded)

    assert table_rows(client.get(uploaded.url))[0][-1] == "kept"
    confirm(client, token)

    siti.refresh_from_db()
    assert siti.agency.name == "Kementerian Agama"
    assert may_see_contact(second, siti) is False
    body = client.get(DIRECTORY).content.decode()
    assert SITI_NIP not in body
    assert "+6281311112222" not in body


@pytest.mark.usefixtures("second")
def test_a_roster_import_does_not_overwrite_an_outsiders_data(client, siti):
    row = ["Siti R", siti.email, "19900102 201503 2 004", "Kementerian Agama"]
    row += ["", "", "", "+62 813 1111 2222"]
    confirm(client, preview_token(upload(client, csv_file([HEADER_EN, row]))))

    siti.refresh_from_db()
    assert (siti.full_name, siti.nip, siti.phone) == (
        "Siti Rahmawati",
        SITI_NIP,
        "+6281311112222",
    )


@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999999999", "-1", "abc", ""])
def test_the_notice_answers_odd_agency_values_cleanly(client, value):
    response = client.get(reverse("privacy:notice"), {"instansi": value})

    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "١٢", "99999999999999999999999999"])
@pytest.mark.usefixtures("second")
def test_the_directorys_agency_box_answers_odd_values_cleanly(client, value):
    response = client.get(DIRECTORY, {"agency": value})

    assert response.status_code == 200


@pytest.mark.parametrize("order", ["nip", "-nip", "email", "-email"])
@pytest.mark.usefixtures("second")
def test_sorting_by_a_hidden_column_does_not_order_outsiders_by_it(client, order):
    agency = AgencyFactory.create(name="Kementerian Luar")
    # Name order is the reverse of NIP and email order.
    MemberFactory.create(
        full_name="Ani", nip="199901012020012001", email="z@luar.go.id", agency=agency
    )
    MemberFactory.create(
        full_name="Budi", nip="198001012005011001", email="a@luar.go.id", agency=agency
    )

    rows = table_rows(client.get(DIRECTORY, {"sort": order, "agency": "Kementerian Luar"}))

    # By name (the tie-breaker, reversed with the sort), never by the hidden value.
    by_name = ["Ani", "Budi"] if not order.startswith("-") else ["Budi", "Ani"]
    assert [row[NAME] for row in rows] == by_name


@pytest.mark.usefixtures("siti", "second")
def test_a_directory_export_job_is_not_downloadable_by_another_organizer(client, organizer):
    job = ExportJob.objects.create(
        requested_by=organizer,
        builder="members.views.directory_export",
        query="",
        title="Members",
        file_format="xlsx",
    )

    for name in ("export_job", "export_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_the_pickers_search_shows_no_nip_or_email(client, second, siti):
    meeting = second.organized_meetings.get()
    url = reverse("events:meeting_invite_search", args=[meeting.pk])

    for typed in ("Siti", SITI_NIP, siti.email):
        body = client.get(url, {"q": typed}).content.decode()
        assert SITI_NIP not in body
        assert "kemenag.go.id" not in body.replace(siti.email, "")
        assert "+6281311112222" not in body


def test_choosing_an_outsider_as_chair_does_not_fill_in_their_nip_in_the_letter(
    client, second, siti
):
    """The meeting form offers every member as chair; the surat undangan's signatory is the
    chair, NIP included, so choosing someone would show their NIP."""
    meeting = second.organized_meetings.get()
    meeting.chair = siti
    meeting.save(update_fields=["chair"])

    body = client.get(reverse("events:letter", args=[meeting.pk])).content.decode()

    assert "Siti Rahmawati" in body
    assert SITI_NIP not in body


def test_a_chair_in_scope_still_has_their_nip_filled_in(organizer_client, first_meeting, siti):
    first_meeting.chair = siti
    first_meeting.save(update_fields=["chair"])

    body = organizer_client.get(reverse("events:letter", args=[first_meeting.pk])).content
    assert SITI_NIP in body.decode()


def test_choosing_an_outsider_as_chair_does_not_fill_in_their_nip_in_the_minutes_approval(
    client, second, siti
):
    meeting = second.organized_meetings.get()
    meeting.chair = siti
    meeting.save(update_fields=["chair"])
    client.post(reverse("outputs:minutes_start", args=[meeting.pk]))

    body = client.get(reverse("outputs:minutes", args=[meeting.pk])).content.decode()

    assert 'name="approver_nip"' in body
    assert SITI_NIP not in body


@pytest.mark.parametrize("role", ["chair", "minute_taker"])
def test_choosing_an_outsider_as_chair_or_minute_taker_does_not_print_their_nip_in_the_minutes(
    client, second, siti, role
):
    meeting = second.organized_meetings.get()
    setattr(meeting, role, siti)
    meeting.save(update_fields=[role])
    client.post(reverse("outputs:minutes_start", args=[meeting.pk]))

    for name in ("minutes_pdf", "minutes_docx"):
        response = client.get(reverse(f"outputs:{name}", args=[meeting.pk]))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        text = pdf_text(content) if name == "minutes_pdf" else docx_text(content)
        assert "Siti Rahmawati" in text
        assert SITI_NIP not in "".join(text.split())


def test_the_first_organizer_gets_their_invitees_nip_in_the_minutes(
    organizer_client, first_meeting, siti
):
    first_meeting.minute_taker = siti
    first_meeting.save(update_fields=["minute_taker"])
    organizer_client.post(reverse("outputs:minutes_start", args=[first_meeting.pk]))

    response = organizer_client.get(reverse("outputs:minutes_pdf", args=[first_meeting.pk]))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert SITI_NIP in "".join(pdf_text(content).split())
