"""Inviting at scale: the picker searches the directory as the organizer types, a page at a
time (by name, position and agency; a NIP or an email only when written in full), the page
never holds the directory, and pasted people who are not members yet come with what was pasted
with them; their agency is chosen from the directory or added on the spot, never guessed."""

import pytest
from django.urls import reverse
from django.utils import translation

from events.models import Invitation
from members.models import Agency, Member
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_COOKIE_NAME = "django_language"
    settings.LANGUAGE_CODE = "en"
    yield
    translation.deactivate()


@pytest.fixture
def meeting(organizer):
    host = AgencyFactory.create(name="Sekretariat Rapat Koordinasi", acronym="Setrakor")
    meeting = MeetingFactory.create(sessions=1, capacity=None, host_agency=host)
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def directory():
    kemenag = AgencyFactory.create(
        name="Kementerian Agama", acronym="Kemenag", kind=Agency.Kind.MINISTRY
    )
    bps = AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS", kind=Agency.Kind.AGENCY)
    siti = MemberFactory.create(
        full_name="Siti Rahmawati",
        position="Pranata Humas Ahli Muda",
        agency=kemenag,
        email="siti.rahmawati@kemenag.go.id",
        nip="198503212010012001",
    )
    budi = MemberFactory.create(full_name="Budi Santoso", position="Statistisi", agency=bps)
    return kemenag, bps, siti, budi


def search(client, meeting, q, **params):
    url = reverse("events:meeting_invite_search", args=[meeting.pk])
    response = client.get(url, {"q": q, **params})
    assert response.status_code == 200
    return response.json()


def texts(found) -> list[str]:
    return [result["text"] for result in found["results"]]


@pytest.mark.usefixtures("directory")
def test_the_picker_finds_people_by_name_position_and_agency(organizer_client, meeting):
    assert texts(search(organizer_client, meeting, "siti")) == ["Siti Rahmawati"]
    assert texts(search(organizer_client, meeting, "statistisi")) == ["Budi Santoso"]
    by_agency = search(organizer_client, meeting, "kemenag")
    assert texts(by_agency) == ["Kementerian Agama (Kemenag)", "Siti Rahmawati"]
    agency = by_agency["results"][0]
    assert agency["value"].startswith("agency:")
    assert agency["people"] == 1
    assert agency["detail"] == "Ministry · 1 members"
    assert texts(search(organizer_client, meeting, "humas kemenag")) == ["Siti Rahmawati"]


@pytest.mark.usefixtures("directory")
def test_a_nip_or_an_email_finds_its_person_only_when_written_in_full(organizer_client, meeting):
    assert texts(search(organizer_client, meeting, "siti.rahmawati@kemenag.go.id")) == [
        "Siti Rahmawati"
    ]
    assert texts(search(organizer_client, meeting, "SITI.RAHMAWATI@Kemenag.go.id")) == [
        "Siti Rahmawati"
    ]
    assert texts(search(organizer_client, meeting, "198503212010012001")) == ["Siti Rahmawati"]
    for partial in ("siti.rahmawati@", "@kemenag.go.id", "kemenag.go.id", "19850321", "2001"):
        assert texts(search(organizer_client, meeting, partial)) == [], partial


def test_results_come_a_page_at_a_time_and_say_who_is_already_invited(organizer_client, meeting):
    agency = AgencyFactory.create(
        name="Dinas Kominfo Provinsi Sulawesi Selatan", acronym="Diskominfo"
    )
    people = [
        MemberFactory.create(full_name=f"Pegawai {n:02d}", agency=agency, position="Pranata Humas")
        for n in range(45)
    ]
    InvitationFactory.create(meeting=meeting, member=people[0])

    first = search(organizer_client, meeting, "pegawai")
    second = organizer_client.get(first["next"]).json()
    third = organizer_client.get(second["next"]).json()

    assert texts(first) == [f"Pegawai {n:02d}" for n in range(20)]
    assert texts(second) == [f"Pegawai {n:02d}" for n in range(20, 40)]
    assert texts(third) == [f"Pegawai {n:02d}" for n in range(40, 45)]
    assert third["next"] is None
    assert "already invited" in first["results"][0]["detail"]
    assert "already invited" not in first["results"][1]["detail"]


def test_the_agency_picker_lists_agencies_only(organizer_client, meeting, directory):
    kemenag, *_ = directory

    found = search(organizer_client, meeting, "kemenag", kind="agency")

    assert found["results"] == [
        {
            "value": str(kemenag.pk),
            "text": "Kementerian Agama (Kemenag)",
            "detail": "Ministry · 1 members",
            "people": 1,
        }
    ]


@pytest.mark.usefixtures("directory")
def test_only_the_meetings_organizers_may_search(client, meeting):
    url = reverse("events:meeting_invite_search", args=[meeting.pk])
    assert client.get(url, {"q": "siti"}).status_code == 302  # to sign in
    from tests.members.factories import OrganizerFactory

    client.force_login(OrganizerFactory.create())
    assert client.get(url, {"q": "siti"}).status_code == 403


@pytest.mark.parametrize("size", [45, 600])
def test_the_search_takes_a_fixed_number_of_queries_whatever_the_directory(
    organizer_client, meeting, size, django_assert_max_num_queries
):
    agency = AgencyFactory.create(name="Kementerian Komunikasi dan Digital", acronym="Komdigi")
    Member.objects.bulk_create(
        [
            Member(full_name=f"Pegawai {n:04d}", email=f"p{n}@komdigi.go.id", agency=agency)
            for n in range(size)
        ]
    )
    url = reverse("events:meeting_invite_search", args=[meeting.pk])

    # Sign-in (2), the meeting and its organizer (2), the agencies page, the agencies the
    # words name, the members page.
    with django_assert_max_num_queries(7):
        found = organizer_client.get(url, {"q": "komdigi", "page": 2}).json()

    assert len(found["results"]) == 20


def test_the_inviting_page_never_lists_the_directory(organizer_client, meeting):
    agency = AgencyFactory.create()
    MemberFactory.create_batch(300, agency=agency)

    page = organizer_client.get(reverse("events:meeting_invite", args=[meeting.pk])).text

    picker = page.split('name="picked"')[1].split("</select>")[0]
    assert "<option" not in picker
    assert 'data-search-url="/meetings/' in picker
    assert "vendor/tom-select/js/tom-select.complete.min.js" in page
    assert "js/invite-picker.js" in page
    assert "<script>" not in page
    assert "onsubmit" not in page


def post(client, meeting, **data):
    return client.post(
        reverse("events:meeting_invite", args=[meeting.pk]), {"role": "peserta", **data}
    )


def test_a_preview_keeps_the_choices_in_the_picker_with_how_many_people_they_mean(
    organizer_client, meeting, directory
):
    _kemenag, bps, siti, _budi = directory
    MemberFactory.create_batch(2, agency=bps)

    response = post(
        organizer_client,
        meeting,
        picked=[f"agency:{bps.pk}", f"member:{siti.pk}"],
        action="preview",
    )

    picker = response.text.split('name="picked"')[1].split("</select>")[0]
    assert picker.count("<option") == 2
    assert "Badan Pusat Statistik (BPS)" in picker
    assert "&quot;people&quot;: 3" in picker
    assert "Siti Rahmawati" in picker
    assert response.context["selection"].receiving == 4


def test_the_live_summary_counts_people_once_with_agencies_expanded(
    organizer_client, meeting, directory
):
    kemenag, bps, siti, budi = directory
    InvitationFactory.create(meeting=meeting, member=budi)
    url = reverse("events:meeting_invite_summary", args=[meeting.pk])

    response = organizer_client.post(
        url,
        {
            "picked": [f"agency:{kemenag.pk}", f"member:{siti.pk}", f"agency:{bps.pk}"],
            "emails": "Baru <baru@bappenas.go.id>; siti.rahmawati@kemenag.go.id",
            "role": "peserta",
        },
    )

    assert "2 people will receive the invitation" in response.text
    assert "1 already invited" in response.text
    assert "1 new address" in response.text
    assert not Invitation.objects.filter(member=siti).exists()  # a summary writes nothing


def test_pasted_spreadsheet_rows_fill_in_name_and_agency_of_people_not_yet_members(
    organizer_client, meeting, directory
):
    kemenag, _bps, *_ = directory
    AgencyFactory.create(name="Biro Perencanaan dan Statistik", acronym="BPS")  # a second "BPS"
    pasted = (
        "Nama\tEmail\tInstansi\n"
        "Dewi Lestari\tdewi@kemenag.go.id\tkemenag\n"
        "Eko Prasetyo\teko@bps.go.id\tBPS\n"
        "Fajar Nugroho\tfajar@sulselprov.go.id\tDinas Kominfo Sulsel (Diskominfo)\n"
    )

    preview = post(organizer_client, meeting, emails=pasted, action="preview")

    rows = preview.context["new_rows"]
    assert [row.initial["full_name"] for row in rows] == [
        "Dewi Lestari",
        "Eko Prasetyo",
        "Fajar Nugroho",
    ]
    dewi, eko, fajar = rows
    assert dewi.initial["agency"] == kemenag.pk
    assert "Kementerian Agama (Kemenag)" in str(dewi["agency"])
    assert "agency" not in eko.initial
    assert "“BPS” may be:" in eko.hint
    assert (
        fajar.initial["new_agency_name"],
        fajar.initial["new_agency_acronym"],
        fajar.initial["new_agency_kind"],
    ) == ("Dinas Kominfo Sulsel", "Diskominfo", Agency.Kind.REGIONAL)
    assert "agency" not in fajar.initial  # never another agency by default
    assert fajar.new_agency_open
    assert not dewi.new_agency_open


def new_row(i, email, name, agency=None, new=("", "", "")):
    return {
        f"new-{i}-email": email,
        f"new-{i}-full_name": name,
        f"new-{i}-position": "",
        f"new-{i}-agency": str(agency.pk) if agency else "",
        f"new-{i}-new_agency_name": new[0],
        f"new-{i}-new_agency_acronym": new[1],
        f"new-{i}-new_agency_kind": new[2],
    }


def test_a_new_agency_is_added_once_for_everyone_who_shares_it(
    organizer_client, meeting, directory, django_capture_on_commit_callbacks
):
    kemenag, *_ = directory
    pasted = "a@sulselprov.go.id; b@sulselprov.go.id; c@kemenag.go.id"
    new = ("Dinas Kominfo Provinsi Sulawesi Selatan", "Diskominfo Sulsel", Agency.Kind.REGIONAL)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            organizer_client,
            meeting,
            emails=pasted,
            action="send",
            **{"new-TOTAL_FORMS": "3", "new-INITIAL_FORMS": "3"},
            **new_row(0, "a@sulselprov.go.id", "Andi", new=new),
            **new_row(1, "b@sulselprov.go.id", "Bunga", new=(new[0].upper(), "", new[2])),
            **new_row(2, "c@kemenag.go.id", "Citra", agency=kemenag),
        )

    assert response.status_code == 302
    added = Agency.objects.get(name__iexact=new[0])
    assert (added.name, added.acronym, added.kind) == new
    assert {m.email: m.agency for m in Member.objects.filter(email__in=pasted.split("; "))} == {
        "a@sulselprov.go.id": added,
        "b@sulselprov.go.id": added,
        "c@kemenag.go.id": kemenag,
    }
    assert meeting.invitations.count() == 3


def test_a_new_agency_named_like_one_in_the_directory_is_that_agency(
    organizer_client, meeting, directory
):
    kemenag, *_ = directory

    response = post(
        organizer_client,
        meeting,
        emails="x@kemenag.go.id",
        action="send",
        **{"new-TOTAL_FORMS": "1", "new-INITIAL_FORMS": "1"},
        **new_row(0, "x@kemenag.go.id", "Xena", new=("KEMENTERIAN AGAMA", "", "lainnya")),
    )

    assert response.status_code == 302
    assert Member.objects.get(email="x@kemenag.go.id").agency == kemenag
    assert Agency.objects.filter(name__iexact="kementerian agama").count() == 1


def test_an_agency_chosen_and_a_new_one_named_at_once_is_refused(
    organizer_client, meeting, directory
):
    kemenag, *_ = directory

    response = post(
        organizer_client,
        meeting,
        emails="x@kemenag.go.id",
        action="send",
        **{"new-TOTAL_FORMS": "1", "new-INITIAL_FORMS": "1"},
        **new_row(0, "x@kemenag.go.id", "Xena", agency=kemenag, new=("Dinas X", "", "pemda")),
    )

    assert response.status_code == 400
    assert "Choose an agency from the directory or add a new one, not both." in response.text
    assert not Member.objects.filter(email="x@kemenag.go.id").exists()
    assert not Agency.objects.filter(name="Dinas X").exists()
