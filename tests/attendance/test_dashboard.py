"""The organizer's live attendance dashboard and the attendance table with its exports."""

import csv
import html
import io

import pytest
from django.conf import settings
from django.urls import reverse

from attendance.models import CheckIn
from events.models import Invitation, Meeting
from tests.attendance.factories import (
    AcceptedInvitationFactory,
    CheckInFactory,
    ExcuseFactory,
    WalkInFactory,
    signature_data_url,
)
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.html import table_headers
from tests.members.factories import AgencyFactory, MemberFactory, UserFactory
from tests.personal_data import ACCESS_LOG
from tests.support.exports import download
from tests.support.found import first_sheet, found

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=2)
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def agencies():
    return {
        "BPS": AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS"),
        "Kominfo": AgencyFactory.create(
            name="Kementerian Komunikasi dan Informatika", acronym="Kominfo"
        ),
    }


def attendee(meeting, name, agency, **kwargs):
    return AcceptedInvitationFactory.create(
        meeting=meeting, member=MemberFactory.create(full_name=name, agency=agency), **kwargs
    )


def build_attendance(meeting, agencies, count: int) -> None:
    """`count` invitees spread over two agencies: a third present, a few excused, one walk-in."""
    day_one = meeting.sessions.first()
    for n in range(count):
        agency = agencies["BPS"] if n % 2 else agencies["Kominfo"]
        invitation = attendee(meeting, f"Peserta {n:03d}", agency)
        if n % 3 == 0:
            CheckInFactory.create(
                invitation=invitation,
                session=day_one,
                method=CheckIn.Method.WALK_IN if n == 0 else CheckIn.Method.SCAN,
            )
        elif n % 10 == 1:
            ExcuseFactory.create(invitation=invitation, session=day_one)


def test_the_dashboard_counts_each_session_and_each_agency(organizer_client, meeting, agencies):
    day_one, day_two = meeting.sessions.all()
    ani = attendee(meeting, "Ani Rahmawati", agencies["BPS"])
    attendee(meeting, "Budi Santoso", agencies["BPS"])
    citra = attendee(meeting, "Citra Lestari", agencies["Kominfo"])
    CheckInFactory.create(invitation=ani, session=day_one)
    CheckInFactory.create(invitation=citra, session=day_one)
    CheckInFactory.create(invitation=citra, session=day_two)

    page = organizer_client.get(
        reverse("attendance:dashboard", args=[meeting.pk]), {"session": day_one.pk}
    )

    body = page.content.decode()
    assert page.status_code == 200
    assert 'hx-trigger="every 5s"' in body
    counts = {row["session"]: row for row in page.context["counts"]}
    assert counts[day_one]["present"] == 2
    assert counts[day_one]["absent"] == 1
    assert counts[day_two]["present"] == 1
    assert counts[day_two]["absent"] == 2
    bars = {row["agency"]: (row["present"], row["invited"]) for row in page.context["agencies"]}
    assert bars == {"BPS": (1, 2), "Kominfo": (1, 1)}
    assert 'value="1" max="2"' in body
    assert 'value="1" max="1"' in body
    assert "Citra Lestari" in body  # among the latest check-ins


def test_the_live_part_shows_a_new_check_in_without_reloading_the_page(
    organizer_client, meeting, agencies
):
    live = reverse("attendance:dashboard_live", args=[meeting.pk])
    before = organizer_client.get(live).content.decode()
    CheckInFactory.create(
        invitation=attendee(meeting, "Dedi Kurniawan", agencies["BPS"]),
        session=meeting.sessions.first(),
    )

    after = organizer_client.get(live).content.decode()

    assert "Dedi Kurniawan" not in before
    assert "Dedi Kurniawan" in after
    assert after.startswith('<div id="attendance-live"')


def test_walk_ins_to_review_are_on_the_dashboard(organizer_client, meeting, agencies):
    WalkInFactory.create(
        session=meeting.sessions.first(), full_name="Yusuf Maulana", agency_name="BPS"
    )

    body = organizer_client.get(reverse("attendance:dashboard", args=[meeting.pk])).content.decode()

    assert "Yusuf Maulana" in body
    assert 'value="accept"' in body
    assert f'name="agency" value="{agencies["BPS"].pk}"' in body


@pytest.mark.parametrize("count", [3, 300])
def test_the_dashboard_costs_the_same_queries_for_3_or_300_people(
    organizer_client, meeting, agencies, count, django_assert_max_num_queries
):
    build_attendance(meeting, agencies, count)

    with django_assert_max_num_queries(14):
        organizer_client.get(reverse("attendance:dashboard", args=[meeting.pk]))


@pytest.mark.parametrize("count", [3, 300])
def test_the_table_costs_the_same_queries_for_3_or_300_people(
    organizer_client, meeting, agencies, count, django_assert_max_num_queries
):
    build_attendance(meeting, agencies, count)
    url = reverse("attendance:table", args=[meeting.pk])

    with django_assert_max_num_queries(12 + ACCESS_LOG):
        organizer_client.get(url)
    with django_assert_max_num_queries(10 + ACCESS_LOG):
        download(organizer_client, reverse("attendance:table_export", args=[meeting.pk, "csv"]))


def test_the_table_filters_by_session_agency_status_and_walk_in(
    organizer_client, meeting, agencies
):
    day_one, day_two = meeting.sessions.all()
    ani = attendee(meeting, "Ani Rahmawati", agencies["BPS"])
    budi = attendee(meeting, "Budi Santoso", agencies["BPS"])
    citra = attendee(meeting, "Citra Lestari", agencies["Kominfo"])
    CheckInFactory.create(invitation=ani, session=day_one)
    CheckInFactory.create(invitation=citra, session=day_one, method=CheckIn.Method.WALK_IN)
    ExcuseFactory.create(invitation=budi, session=day_one, reason="Sakit")
    url = reverse("attendance:table", args=[meeting.pk])

    def names(**query):
        response = organizer_client.get(url, query)
        return sorted(row.record.member.full_name for row in response.context["table"].rows)

    assert names(session=day_one.pk) == ["Ani Rahmawati", "Budi Santoso", "Citra Lestari"]
    assert names(session=day_one.pk, status="present") == ["Ani Rahmawati", "Citra Lestari"]
    assert names(session=day_one.pk, status="excused") == ["Budi Santoso"]
    assert names(session=day_two.pk, status="present") == []
    assert names(session=day_one.pk, agency=agencies["BPS"].pk) == [
        "Ani Rahmawati",
        "Budi Santoso",
    ]
    assert names(session=day_one.pk, walk_in="yes") == ["Citra Lestari"]
    assert names(session=day_one.pk, walk_in="no") == ["Ani Rahmawati", "Budi Santoso"]
    body = organizer_client.get(url, {"session": day_one.pk}).content.decode()
    assert "Sakit" in body


def test_the_table_exports_as_csv_and_xlsx(organizer_client, meeting, agencies):
    day_one = meeting.sessions.first()
    ani = attendee(meeting, "Ani Rahmawati", agencies["BPS"])
    attendee(meeting, '=HYPERLINK("http://x")', agencies["BPS"])
    CheckInFactory.create(invitation=ani, session=day_one)
    url = reverse("attendance:table_export", args=[meeting.pk, "F"]).replace(".F", ".{format}")

    csv_file = download(organizer_client, url.format(format="csv"), {"session": day_one.pk})
    xlsx_file = download(organizer_client, url.format(format="xlsx"), {"session": day_one.pk})

    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["No.", "Name", "NIP"]
    assert "Status" in rows[0]
    assert "" not in rows[0]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Ani Rahmawati"][rows[0].index("Status")] == "Present"
    assert '\'=HYPERLINK("http://x")' in by_name  # a formula stays text
    sheet = first_sheet(xlsx_file.content)
    assert [cell.value for cell in sheet[1]][:2] == ["No.", "Name"]
    assert sheet.max_row == 3


def test_pages_of_a_meeting_are_for_its_organizers_only(client, meeting):
    client.force_login(UserFactory.create())

    for name in ("dashboard", "dashboard_live", "table"):
        assert client.get(reverse(f"attendance:{name}", args=[meeting.pk])).status_code == 403


def test_declined_invitees_are_absent_and_listed(organizer_client, meeting):
    InvitationFactory.create(
        meeting=meeting,
        answer=Invitation.Answer.NO,
        member=MemberFactory.create(full_name="Eko Prasetyo"),
    )

    response = organizer_client.get(
        reverse("attendance:table", args=[meeting.pk]), {"status": "absent"}
    )

    assert [row.record.member.full_name for row in response.context["table"].rows] == [
        "Eko Prasetyo"
    ]


def test_the_demo_meeting_has_attendance_on_both_days(organizer_client, organizer):
    from attendance.demo import PAST_TITLE, load_attendance_demo
    from attendance.models import Excuse
    from attendance.pdf import daftar_hadir_html
    from core.pdf import image_url
    from events.demo import load_demo_meetings
    from members.demo import load_demo

    load_demo()
    load_demo_meetings()
    first = load_attendance_demo()
    again = load_attendance_demo()

    meeting = Meeting.objects.get(title=PAST_TITLE)
    day_one, day_two = meeting.sessions.all()
    assert first.checkins_created > 20
    assert first.excuses_created == 4
    assert again.checkins_created == 0
    assert again.excuses_created == 0
    assert CheckIn.objects.filter(session=day_one).count() > 20
    assert CheckIn.objects.filter(session=day_two).count() > 15
    assert CheckIn.objects.filter(session=day_one, signature__isnull=False).count() > 10
    assert CheckIn.objects.filter(session=day_one, signature__isnull=True).exists()
    assert Excuse.objects.filter(session=day_two).count() == 2
    meeting.organizers.add(organizer)
    page = organizer_client.get(reverse("attendance:dashboard", args=[meeting.pk]))
    assert page.status_code == 200
    html, signatures = daftar_hadir_html(session=day_one)
    assert signatures
    assert all(image_url(name) in html for name in signatures)


def test_the_number_column_is_no_in_indonesian_not_tidak(organizer_client, meeting, agencies):
    """The row number's "No." is not the "No" of yes/no, which Indonesian calls "Tidak"."""
    organizer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    day_one = meeting.sessions.first()
    attendee(meeting, "Ani Rahmawati", agencies["BPS"])
    url = reverse("attendance:table", args=[meeting.pk])

    page = organizer_client.get(url, {"session": day_one.pk})
    csv_file = download(
        organizer_client,
        reverse("attendance:table_export", args=[meeting.pk, "csv"]),
        {"session": day_one.pk},
    )

    headers = table_headers(page)
    assert headers[0] == "No."
    assert "Tidak" not in headers
    assert next(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))[0] == "No."


def test_signing_from_the_table_returns_to_the_same_page_of_the_table(
    organizer_client, meeting, agencies
):
    day_one = meeting.sessions.first()
    ani = attendee(meeting, "Ani Rahmawati", agencies["BPS"])
    CheckInFactory.create(invitation=ani, session=day_one)
    table = reverse("attendance:table", args=[meeting.pk]) + f"?session={day_one.pk}&status=present"

    page = organizer_client.get(table).content.decode()
    sign_url = html.unescape(found(r'href="([^"]*/checkin/sign/[^"]*)"', page).group(1))
    sign_page = organizer_client.get(sign_url).content.decode()
    back = html.unescape(found(r'name="next" value="([^"]*)"', sign_page).group(1))
    # The meeting is over: a signature now comes late, with the organizer's reason.
    late = {"late_reason": "Tertinggal di meja registrasi"}
    saved = organizer_client.post(
        sign_url, {"signature": signature_data_url(), "next": back, **late}
    )

    assert saved.status_code == 302
    assert saved["Location"] == table
