"""The tracker: every follow-up action across the meetings an organizer runs, overdue first,
with filters and CSV/XLSX exports, at a cost that does not grow with the rows."""

import csv
import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from outputs.models import Action
from tests.events.factories import MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory, UserFactory
from tests.outputs.factories import ActionFactory
from tests.support.exports import download
from tests.support.found import first_sheet

pytestmark = pytest.mark.django_db

Status = Action.Status
URL = reverse("outputs:action_tracker")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(title="Koordinasi Pranata Humas")
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def kemenag():
    return AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")


@pytest.fixture
def bps():
    return AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS")


def titles(response) -> list[str]:
    return [action.title for action in response.context["table"].page.object_list.data]


@pytest.mark.usefixtures("kemenag")
def test_overdue_actions_come_first_then_by_due_date(organizer_client, meeting, today):
    ActionFactory.create(meeting=meeting, title="Next month", due_date=today + timedelta(days=30))
    ActionFactory.create(meeting=meeting, title="Next week", due_date=today + timedelta(days=7))
    ActionFactory.create(meeting=meeting, title="Late", due_date=today - timedelta(days=3))
    ActionFactory.create(
        meeting=meeting,
        title="Done long ago",
        due_date=today - timedelta(days=60),
        status="selesai",
    )
    ActionFactory.create(meeting=meeting, title="Very late", due_date=today - timedelta(days=20))

    response = organizer_client.get(URL)

    assert response.status_code == 200
    assert titles(response) == ["Very late", "Late", "Done long ago", "Next week", "Next month"]
    assert response.content.decode().count('<span class="badge text-bg-danger">Overdue</span>') == 2


def test_organizers_see_the_actions_of_their_meetings_and_staff_see_all(client, meeting):
    ActionFactory.create(meeting=meeting, title="Mine")
    ActionFactory.create(title="Someone else's")
    organizer = meeting.organizers.get()

    client.force_login(organizer)
    assert titles(client.get(URL)) == ["Mine"]
    client.force_login(UserFactory.create(is_staff=True))
    assert sorted(titles(client.get(URL))) == ["Mine", "Someone else's"]
    client.force_login(UserFactory.create())
    assert client.get(URL).status_code == 403


def test_filters_by_agency_status_meeting_overdue_and_search(
    organizer_client, organizer, meeting, today, kemenag, bps
):
    other = MeetingFactory.create(title="Rapat Lanjutan")
    other.organizers.add(organizer)
    person = MemberFactory.create(full_name="Siti Rahmawati", agency=kemenag)
    ActionFactory.create(
        meeting=meeting,
        title="Pedoman",
        responsible_agency=kemenag,
        responsible_member=person,
        due_date=today - timedelta(days=1),
    )
    ActionFactory.create(
        meeting=meeting,
        title="Kurikulum",
        responsible_agency=bps,
        status="berjalan",
        due_date=today + timedelta(days=5),
    )
    ActionFactory.create(
        meeting=other, title="Sertifikasi", responsible_agency=bps, status="selesai"
    )

    def shown(**query):
        return sorted(titles(organizer_client.get(URL, query)))

    assert shown(agency=bps.pk) == ["Kurikulum", "Sertifikasi"]
    assert shown(status="berjalan") == ["Kurikulum"]
    assert shown(meeting=other.pk) == ["Sertifikasi"]
    assert shown(overdue="on") == ["Pedoman"]  # the checkbox
    assert shown(q="siti") == ["Pedoman"]
    assert shown(q="lanjutan") == ["Sertifikasi"]


def test_the_tracker_exports_csv_and_xlsx(organizer_client, meeting, today, kemenag):
    ActionFactory.create(
        meeting=meeting,
        title='=HYPERLINK("http://evil")',
        responsible_agency=kemenag,
        due_date=today - timedelta(days=2),
    )
    ActionFactory.create(
        meeting=meeting, title="Kurikulum", responsible_agency=kemenag, status="selesai"
    )

    export = reverse("outputs:action_tracker_export", args=["F"]).replace(".F", ".{format}")
    response = download(organizer_client, export.format(format="csv"), {"status": "terbuka"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    workbook = download(organizer_client, export.format(format="xlsx"))
    sheet = first_sheet(workbook.content)

    assert response["Content-Disposition"] == 'attachment; filename="tindak-lanjut.csv"'
    assert rows[0][:6] == ["What", "Agency", "Person", "Due date", "Status", "Overdue"]
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][1] == "Kementerian Agama"
    assert rows[1][4:6] == ["Open", "Yes"]
    assert len(rows) == 2
    assert sheet.max_row == 3


@pytest.mark.parametrize("rows", [3, 300])
def test_the_tracker_costs_the_same_queries_for_3_or_300_actions(
    organizer_client, meeting, today, rows, django_assert_max_num_queries
):
    agencies = [AgencyFactory.create() for _ in range(3)]
    people = [MemberFactory.create(agency=agencies[0]) for _ in range(3)]
    Action.objects.bulk_create(
        [
            Action(
                meeting=meeting,
                title=f"Aksi {n}",
                responsible_agency=agencies[n % 3],
                responsible_member=people[n % 3],
                due_date=today + timedelta(days=n - 50),
                status=[Status.OPEN, Status.IN_PROGRESS, Status.DONE][n % 3],
            )
            for n in range(rows)
        ]
    )

    with django_assert_max_num_queries(8):
        page = organizer_client.get(URL)
    with django_assert_max_num_queries(8):
        export = download(organizer_client, reverse("outputs:action_tracker_export", args=["csv"]))

    assert page.status_code == export.status_code == 200
    assert export.content.decode("utf-8-sig").count("\n") == rows + 1
