"""Item 5: "Data saya" shows and exports everything Rakor holds about a person, reached by
signing in or by a link emailed on request; the person corrects their data and asks for
erasure; staff answer within 3 × 24 hours."""

import csv
import io
import json
import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.secrets import hash_secret, new_secret
from members.models import Member
from outbox.models import OutboxMessage
from personal_data.models import AccessEntry, DataLink, RightsRequest
from tests.attendance.factories import CheckInFactory, signature_png
from tests.members.factories import MemberFactory, UserFactory
from tests.support.found import body, found

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    member = MemberFactory.create(full_name="Siti Rahmawati", email="siti@kemenag.go.id")
    member.user = UserFactory.create(email=member.email)
    member.save()
    CheckInFactory.create(
        invitation__member=member, invitation__note="Datang pagi", signature=signature_png()
    )
    return member


@pytest.fixture
def person_client(person):
    browser = Client()
    browser.force_login(person.user)
    return browser


def link_in_last_email() -> str:
    row = OutboxMessage.objects.latest("pk")
    text = body(message_from_bytes(bytes(row.raw), policy=policy.default))
    return found(r"https?://\S+/data-saya/buka/\S+/", text).group(0)


def test_a_signed_in_person_sees_their_profile_meetings_answers_and_checkins(person_client, person):
    page = person_client.get(reverse("personal_data:mine")).content.decode()

    meeting = person.invitations.get().meeting
    assert "Siti Rahmawati" in page
    assert "siti@kemenag.go.id" in page
    assert meeting.title in page
    assert "Datang pagi" in page
    assert person.nip in page


@pytest.mark.usefixtures("person")
def test_the_json_export_holds_the_persons_data_and_is_logged(person_client):
    response = person_client.get(reverse("personal_data:export", args=["json"]))

    data = json.loads(response.content)
    assert data["profile"]["email"] == "siti@kemenag.go.id"
    assert data["invitations"][0]["note"] == "Datang pagi"
    assert data["checkins"][0]["signature_png_base64"]
    assert AccessEntry.objects.get(what="own_export").people == 1


@pytest.mark.usefixtures("person")
def test_the_csv_export_holds_the_same_values(person_client):
    response = person_client.get(reverse("personal_data:export", args=["csv"]))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["profile", "1", "full_name", "Siti Rahmawati"] in rows
    assert ["invitations", "1", "note", "Datang pagi"] in rows


@pytest.mark.usefixtures("person")
def test_a_link_asked_for_by_email_opens_the_data(client):
    client.post(reverse("personal_data:request_link"), {"email": "SITI@kemenag.go.id"})
    link = link_in_last_email()

    opened = client.get(link, follow=True)

    assert "Siti Rahmawati" in opened.content.decode()


@pytest.mark.usefixtures("person")
def test_asking_for_an_unknown_address_looks_the_same_and_sends_nothing(client):
    known = client.post(
        reverse("personal_data:request_link"), {"email": "siti@kemenag.go.id"}, follow=True
    )
    sent = OutboxMessage.objects.count()
    unknown = client.post(
        reverse("personal_data:request_link"), {"email": "nobody@kemenag.go.id"}, follow=True
    )

    def said(response):
        return [str(m).replace("nobody@", "siti@") for m in response.context["messages"]]

    assert said(known) == said(unknown)
    assert OutboxMessage.objects.count() == sent == 1


def test_asking_too_often_from_one_address_is_refused(client):
    for _ in range(10):
        client.post(reverse("personal_data:request_link"), {"email": "x@kemenag.go.id"})

    refused = client.post(reverse("personal_data:request_link"), {"email": "x@kemenag.go.id"})

    assert refused.status_code == 429


def test_a_wrong_link_opens_nothing(client):
    response = client.get(reverse("personal_data:open_link", args=["x" * 43]))

    assert response.status_code == 404


def test_the_person_corrects_their_contact_data(person_client, person):
    person_client.post(
        reverse("personal_data:correct"),
        {
            "full_name": "Siti Rahmawati, S.Sos.",
            "nip": "",
            "position": "Pranata Humas Ahli Madya",
            "rank": "",
            "work_unit": "Biro Humas",
            "phone": "",
        },
    )

    person.refresh_from_db()
    assert person.full_name == "Siti Rahmawati, S.Sos."
    assert person.phone == ""


def test_a_wrong_nip_is_refused_and_nothing_written(person_client, person):
    response = person_client.post(
        reverse("personal_data:correct"), {"full_name": "Siti", "nip": "123"}
    )

    person.refresh_from_db()
    assert response.status_code == 400
    assert person.full_name == "Siti Rahmawati"


@pytest.mark.usefixtures("person")
def test_a_request_reaches_the_staff_queue_with_its_deadline_and_the_answer_is_emailed(
    person_client,
):
    person_client.post(reverse("personal_data:ask"), {"kind": "stop", "reason": "Pensiun"})
    staff = Client()
    staff.force_login(UserFactory.create(is_staff=True))

    queue = staff.get(reverse("personal_data:requests")).content.decode()
    asked = RightsRequest.objects.get()
    staff.post(
        reverse("personal_data:answer", args=[asked.pk]), {"carry_out": "1", "note": "Selesai."}
    )

    assert "Siti Rahmawati" in queue
    assert "Pensiun" in queue
    assert (asked.due_at - asked.received_at).total_seconds() == 72 * 3600
    asked.refresh_from_db()
    assert asked.state == "done"
    assert "Selesai." in asked.answer
    assert OutboxMessage.objects.filter(recipient="siti@kemenag.go.id", kind="account").exists()


def test_only_staff_see_the_queue(person_client):
    assert person_client.get(reverse("personal_data:requests")).status_code == 403


def test_without_sign_in_or_link_the_page_only_offers_to_send_a_link(client, person):
    page = client.get(reverse("personal_data:mine")).content.decode()

    assert "Siti" not in page
    assert client.get(reverse("personal_data:export", args=["json"])).status_code == 404
    assert Member.objects.get(pk=person.pk).full_name == "Siti Rahmawati"


def test_the_answered_requests_name_the_person_not_a_responsible_officer(person_client):
    person_client.post(reverse("personal_data:ask"), {"kind": "stop", "reason": "Pensiun"})
    staff = Client()
    staff.force_login(UserFactory.create(is_staff=True))
    asked = RightsRequest.objects.get()
    staff.post(reverse("personal_data:answer", args=[asked.pk]), {"carry_out": "1"})

    queue = staff.get(reverse("personal_data:requests")).content.decode()

    # The first column is the data subject ("Penanggung jawab" is an action's officer).
    assert re.findall(r"<th>([^<]*)</th>", queue)[0] == "Subjek data"
    assert "Penanggung jawab" not in queue


def test_the_online_attendance_a_platforms_report_gave_is_on_the_page_and_in_the_exports(
    person_client, person
):
    from attendance.models import OnlineAttendance, OnlineReport

    invitation = person.invitations.get()
    session = invitation.meeting.sessions.first()
    report = OnlineReport.objects.create(
        meeting=invitation.meeting,
        session=session,
        platform="zoom",
        filename="peserta-hari-1.csv",
        sha256="0" * 64,
        state="imported",
    )
    joined = session.starts_at.isoformat()
    left = (session.starts_at + timedelta(minutes=95)).isoformat()
    online = OnlineAttendance.objects.create(
        invitation=invitation, session=session, intervals=[[joined, left]], minutes=95, reached=True
    )
    online.reports.add(report)

    page = person_client.get(reverse("personal_data:mine")).content.decode()
    data = json.loads(person_client.get(reverse("personal_data:export", args=["json"])).content)
    rows = list(
        csv.reader(
            io.StringIO(
                person_client.get(reverse("personal_data:export", args=["csv"])).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )

    assert "Kehadiran daring" in page
    assert "peserta-hari-1.csv" in page
    [attended] = data["online_attendance"]
    assert attended["minutes"] == 95
    assert attended["present_online"] is True
    assert attended["joined_and_left"] == [[joined, left]]
    assert attended["reports"] == ["Zoom: peserta-hari-1.csv"]
    assert ["online_attendance", "1", "minutes", "95"] in rows


def test_a_corrected_name_is_kept_on_one_line_without_control_characters(person_client, person):
    person_client.post(
        reverse("personal_data:correct"),
        {
            "full_name": 'Siti\r\nBcc: all@kemenag.go.id\x01=HYPERLINK("http://x")',
            "nip": "",
            "position": "Pranata\u202eHumas",
            "rank": "",
            "work_unit": "Biro\tHumas",
            "phone": "",
        },
    )

    person.refresh_from_db()
    assert person.full_name == 'Siti Bcc: all@kemenag.go.id =HYPERLINK("http://x")'
    assert (person.position, person.work_unit) == ("PranataHumas", "Biro Humas")


def test_an_opened_link_opens_the_data_no_longer_than_the_link_lives(client, person):
    secret = new_secret()
    DataLink.objects.create(
        member=person,
        secret_hash=hash_secret(secret),
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    assert (
        "Siti Rahmawati"
        in client.get(
            reverse("personal_data:open_link", args=[secret]), follow=True
        ).content.decode()
    )

    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        later = client.get(reverse("personal_data:mine"))
        expired = client.get(reverse("personal_data:open_link", args=[secret]))

    assert "Siti Rahmawati" not in later.content.decode()
    assert expired.status_code == 404


@pytest.mark.usefixtures("person")
def test_past_the_per_address_limit_a_known_address_still_looks_like_an_unknown_one():
    def ask_five_times(address):
        browser = Client(REMOTE_ADDR=f"10.0.0.{len(address)}")
        answers = []
        for _ in range(5):
            response = browser.post(
                reverse("personal_data:request_link"), {"email": address}, follow=True
            )
            said = [str(m).replace(address, "ADDRESS") for m in response.context["messages"]]
            answers.append((response.status_code, said))
        return answers

    known = ask_five_times("siti@kemenag.go.id")
    unknown = ask_five_times("nobody@kemenag.go.id")

    assert known == unknown
    assert OutboxMessage.objects.filter(recipient="siti@kemenag.go.id").count() == 3


@pytest.mark.parametrize("meetings", [1, 6])
def test_everything_about_a_person_costs_the_same_queries_however_much_there_is(
    person, meetings, django_assert_max_num_queries
):
    from attendance.models import OnlineAttendance, OnlineReport
    from personal_data.selectors import person_data

    for _n in range(meetings):
        checkin = CheckInFactory.create(invitation__member=person)
        report = OnlineReport.objects.create(
            meeting=checkin.session.meeting,
            session=checkin.session,
            platform="meet",
            filename="hadir.csv",
            sha256=str(checkin.pk).zfill(64),
        )
        OnlineAttendance.objects.create(
            invitation=checkin.invitation, session=checkin.session, minutes=60
        ).reports.add(report)

    with django_assert_max_num_queries(12):
        data = person_data(member=person)
        exported = data.as_json()

    assert len(exported["online_attendance"]) == meetings


def test_a_wrong_nip_or_phone_is_explained_on_its_field_in_the_persons_language(
    person_client, person
):
    wrong = person_client.post(
        reverse("personal_data:correct"),
        {"full_name": "Siti Rahmawati", "nip": "12345", "phone": "abc"},
    )
    typed = person_client.post(
        reverse("personal_data:correct"),
        {"full_name": "Siti Rahmawati", "nip": "19800101 200501 2 001", "phone": "0812-3456-7890"},
    )

    assert typed.status_code == 302
    assert wrong.status_code == 400
    assert "NIP terdiri atas tepat 18 digit." in wrong.text
    assert "“abc” bukan nomor telepon." in wrong.text
    assert "member_nip_18_digits" not in wrong.text
    person.refresh_from_db()
    assert (person.nip, person.phone) == ("198001012005012001", "+6281234567890")
