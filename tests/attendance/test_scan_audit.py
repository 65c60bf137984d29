"""The scan audit page: every attempt at a meeting's doors, as its organizers read it."""

import csv
import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from attendance import services
from attendance.models import CheckIn, ScanAttempt
from attendance.services.own_checkin import SELF_CHECK_IN, audit_own_attempt
from core.dates import format_stamp
from personal_data.models import AccessedPerson, AccessEntry
from tests.attendance.factories import CheckInOperatorFactory, TicketFactory
from tests.html import table_headers, table_rows
from tests.members.factories import AgencyFactory, UserFactory
from tests.personal_data import ACCESS_LOG
from tests.support.exports import download
from tests.support.found import first_sheet, present
from tests.support.meetings import meeting_going_on_now

pytestmark = pytest.mark.django_db

Result = ScanAttempt.Result
JAKARTA = ZoneInfo("Asia/Jakarta")


def indonesian(text: str) -> str:
    with translation.override("id"):
        return gettext(text)


def to_the_second(moment) -> str:
    return f"{moment.astimezone(JAKARTA):%H.%M.%S} WIB"


@pytest.fixture
def meeting(organizer):
    meeting = meeting_going_on_now()
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def siti(meeting):
    return TicketFactory.create(
        invitation__meeting=meeting,
        invitation__member__full_name="Siti Rahmawati",
        invitation__member__agency=AgencyFactory.create(name="Badan Pusat Statistik"),
    )


def scan_at_link(meeting, label: str, content: str, **scanned):
    _link, secret = services.create_operator_link(meeting=meeting, label=label, created_by=None)
    desk = services.scan_desk_for_link(secret=secret, session_id=meeting.sessions.get().pk)
    return services.scan_ticket(desk=present(desk), content=content, **scanned)


def audit_url(meeting) -> str:
    return reverse("attendance:scan_audit", args=[meeting.pk])


def test_organizers_read_every_attempt_newest_first_in_indonesian(
    organizer_client, organizer, meeting, siti
):
    organizer.name = "Rina Kusuma"
    organizer.save()
    scan_at_link(meeting, "Meja 1", siti.secret)
    scan_at_link(meeting, "Meja 2", "bukan-tiket-sama-sekali")
    services.undo_check_in(checkin=CheckIn.objects.get(), operator=organizer)
    ok, invalid, undone = ScanAttempt.objects.order_by("pk")

    response = organizer_client.get(audit_url(meeting))

    body = response.content.decode()
    assert "Audit pemindaian" in body
    assert table_headers(response) == [
        "Waktu",
        "Sesi",
        "Meja",
        "Hasil",
        "Peserta",
        "Kode terbaca",
        "Keterangan",
    ]
    assert table_rows(response) == [
        [
            to_the_second(undone.scanned_at),
            "Hari 1",
            "Rina Kusuma",
            "Registrasi dibatalkan",
            "Siti Rahmawati Badan Pusat Statistik",
            "—",
            undone.detail,
        ],
        [
            to_the_second(invalid.scanned_at),
            "Hari 1",
            "Meja 2",
            "Tiket tidak valid",
            "—",
            "bukan-tiket-",
            "Kode ini bukan tiket.",
        ],
        [
            to_the_second(ok.scanned_at),
            "Hari 1",
            "Meja 1",
            "Tercatat hadir",
            "Siti Rahmawati Badan Pusat Statistik",
            siti.secret[:12],
            "—",
        ],
    ]


def test_an_attempt_of_another_day_shows_its_date_and_a_late_upload_when_it_came(
    organizer_client, meeting, siti
):
    now = timezone.now()
    scan_at_link(meeting, "Meja 1", siti.secret, scanned_at=now - timedelta(minutes=20))
    two_days_ago = now - timedelta(days=2)
    ScanAttempt.objects.create(
        meeting=meeting, result=Result.INVALID, scanned_at=two_days_ago, content_preview="uji"
    )
    ScanAttempt.objects.filter(content_preview="uji").update(recorded_at=two_days_ago)
    uploaded, earlier = ScanAttempt.objects.order_by("-recorded_at")

    rows = table_rows(organizer_client.get(audit_url(meeting)))

    with translation.override("id"):
        that_day = format_stamp(two_days_ago, "Asia/Jakarta", seconds=True)
    assert rows[0][0] == (
        f"{to_the_second(uploaded.scanned_at)} terkirim {to_the_second(uploaded.recorded_at)}"
    )
    assert rows[1][0] == that_day
    assert that_day.endswith(f"{to_the_second(earlier.scanned_at)}")
    assert that_day != to_the_second(earlier.scanned_at)  # the date comes first


def test_self_check_ins_are_named_as_such_in_the_desk_column(organizer_client, meeting, siti):
    session = meeting.sessions.get()
    audit_own_attempt(
        meeting, session, siti.invitation, Result.DECLINED, timezone.now(), detail=SELF_CHECK_IN
    )

    (row,) = table_rows(organizer_client.get(audit_url(meeting)))

    assert row[2:4] == ["Registrasi mandiri", "Berhalangan atau undangan ditarik"]
    assert row[-1] == "—"


def test_the_audit_filters_by_session_and_result(organizer_client, meeting, siti):
    scan_at_link(meeting, "Meja 1", siti.secret)
    scan_at_link(meeting, "Meja 1", siti.secret)
    scan_at_link(meeting, "Meja 1", "sampah")
    other = meeting.sessions.create(
        title="Hari 2",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=6),
    )

    def results(**query):
        response = organizer_client.get(audit_url(meeting), query)
        return [row.record.result for row in response.context["table"].rows]

    assert results() == [Result.INVALID, Result.ALREADY, Result.OK]
    assert results(result=Result.ALREADY) == [Result.ALREADY]
    assert results(session=meeting.sessions.get(title="Hari 1").pk) == [
        Result.INVALID,
        Result.ALREADY,
        Result.OK,
    ]
    assert results(session=other.pk) == []
    page = organizer_client.get(audit_url(meeting)).content.decode()
    assert "Semua hasil" in page
    assert "Semua sesi" in page


def test_only_the_meetings_organizers_and_staff_see_its_audit(client, meeting):
    url = audit_url(meeting)
    assert client.get(url).status_code == 302  # to sign in
    operator = CheckInOperatorFactory.create(meeting=meeting).user
    client.force_login(operator)  # scans at its desk, but is no organizer
    assert client.get(url).status_code == 403
    client.force_login(UserFactory.create())
    assert client.get(url).status_code == 403
    assert client.get(url.replace("scans/", "scans/export.csv")).status_code == 403
    client.force_login(UserFactory.create(is_staff=True))
    assert client.get(url).status_code == 200


def test_the_dashboard_and_the_operators_page_link_to_the_audit(organizer_client, meeting):
    for name in ("dashboard", "operators"):
        page = organizer_client.get(reverse(f"attendance:{name}", args=[meeting.pk]))
        assert f'href="{audit_url(meeting)}"' in page.content.decode()


def test_viewing_the_audit_is_logged_with_the_people_it_shows(organizer_client, meeting, siti):
    scan_at_link(meeting, "Meja 1", siti.secret)
    scan_at_link(meeting, "Meja 1", "sampah")  # names nobody

    organizer_client.get(audit_url(meeting))

    entry = AccessEntry.objects.get()
    assert (entry.what, entry.meeting_id, entry.people) == ("attendance", meeting.pk, 1)
    logged = AccessedPerson.objects.filter(entry=entry).values_list("member_id", flat=True)
    assert list(logged) == [siti.invitation.member_id]


def test_the_audit_exports_as_csv_and_xlsx_and_logs_who_took_it(organizer_client, meeting, siti):
    scan_at_link(meeting, "Meja 1", siti.secret)
    scan_at_link(meeting, "Meja 1", "=HYPERLINK(x)")
    url = reverse("attendance:scan_audit_export", args=[meeting.pk, "csv"])

    csv_file = download(organizer_client, url, {"result": Result.OK})
    xlsx_file = download(organizer_client, url.replace(".csv", ".xlsx"))

    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["Waktu", "Waktu (ISO 8601)", "Dicatat pada (ISO 8601)"]
    assert len(rows) == 2  # the filter holds
    ok = dict(zip(header, rows[1], strict=True))
    assert (ok["Meja"], ok["Hasil"], ok["Peserta"], ok["Instansi"]) == (
        "Meja 1",
        "Tercatat hadir",
        "Siti Rahmawati",
        "Badan Pusat Statistik",
    )
    sheet = first_sheet(xlsx_file.content)
    assert sheet.max_row == 3
    assert "'=HYPERLINK(x" in [cell.value for cell in sheet[2]]  # a formula stays text
    exports = AccessEntry.objects.filter(what="attendance_export")
    assert exports.count() == 2
    assert set(AccessedPerson.objects.values_list("member_id", flat=True)) == {
        siti.invitation.member_id
    }


@pytest.mark.parametrize("count", [3, 60])
def test_the_audit_costs_the_same_queries_for_3_or_60_attempts(
    organizer_client, organizer, meeting, count, django_assert_max_num_queries
):
    session = meeting.sessions.get()
    for n in range(count):
        ticket = TicketFactory.create(invitation__meeting=meeting)
        CheckInOperatorFactory.create(meeting=meeting)
        ScanAttempt.objects.create(
            meeting=meeting,
            session=session,
            invitation=ticket.invitation,
            result=Result.OK,
            scanned_at=timezone.now(),
            operator=organizer if n % 2 else None,
            operator_link=services.create_operator_link(
                meeting=meeting, label=f"Meja {n}", created_by=None
            )[0]
            if n % 2 == 0
            else None,
        )

    with django_assert_max_num_queries(8 + ACCESS_LOG):
        response = organizer_client.get(audit_url(meeting))
    with django_assert_max_num_queries(8 + ACCESS_LOG):
        download(
            organizer_client, reverse("attendance:scan_audit_export", args=[meeting.pk, "csv"])
        )

    assert len(table_rows(response)) == min(count, 50)
