import csv
import io
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from events import services as events_services
from events.models import Invitation, Meeting
from tests.events.factories import InvitationFactory, MeetingFactory, local
from tests.html import form_inputs, select_options, submitted_form, table_rows
from tests.members.factories import AgencyFactory, MemberFactory, OrganizerFactory, UserFactory
from tests.personal_data import ACCESS_LOG
from tests.support.exports import download
from tests.support.found import present
from tests.support.meetings import TWO_DAYS, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    # The pages' messages are checked in their English source; the language a request turns on
    # must not outlive the test.
    settings.LANGUAGE_CODE = "en"
    yield
    translation.deactivate()


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=2)
    meeting.organizers.add(organizer)
    return meeting


def test_organizer_creates_a_meeting_with_two_sessions_and_an_agenda(organizer_client, organizer):
    agency = AgencyFactory.create()
    data = form_data(agency, TWO_DAYS, agenda=[("09:00", "Arahan Sesban", "2")])

    response = organizer_client.post(reverse("events:meeting_create"), data)

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("events:meeting_detail", args=[meeting.pk])
    assert present(meeting.sessions.first()).starts_at == local(date(2031, 11, 25), 8)
    item = meeting.agenda_items.get()
    assert (present(item.session).title, item.starts_at) == ("Hari 2", local(date(2031, 11, 26), 9))
    assert meeting.answer_deadline == local(date(2031, 11, 20), 17)
    assert list(meeting.organizers.all()) == [organizer]


def test_a_session_that_ends_before_it_starts_is_named_and_nothing_is_saved(organizer_client):
    sessions = [TWO_DAYS[0], ("Hari 2", "2031-11-26", "12:00", "08:00")]

    response = organizer_client.post(
        reverse("events:meeting_create"), form_data(AgencyFactory.create(), sessions)
    )

    assert response.status_code == 400
    assert "Session “Hari 2” ends before it starts." in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_answer_deadline_after_the_first_session_is_refused(organizer_client):
    data = form_data(AgencyFactory.create(), TWO_DAYS, answer_deadline="2031-11-25T09:00")

    response = organizer_client.post(reverse("events:meeting_create"), data)

    assert response.status_code == 400
    assert "must be before the first session starts" in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_online_meeting_needs_its_link(organizer_client):
    data = form_data(AgencyFactory.create(), TWO_DAYS, mode="daring", venue="")

    response = organizer_client.post(reverse("events:meeting_create"), data)

    assert response.status_code == 400
    assert "needs its online link" in response.content.decode()


def test_editing_the_time_of_a_published_meeting_bumps_its_sequence(organizer_client, meeting):
    edit = reverse("events:meeting_edit", args=[meeting.pk])
    page = organizer_client.get(edit)
    data = _as_post(page.context["editor"])
    data["sessions-0-start_time"] = "09:00"

    response = organizer_client.post(edit, data, follow=True)

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert "Hari 1: 08.00–16.00 → 09.00–16.00 WIB" in response.content.decode()


def test_editing_only_the_description_keeps_the_sequence(organizer_client, meeting):
    edit = reverse("events:meeting_edit", args=[meeting.pk])
    data = _as_post(organizer_client.get(edit).context["editor"])
    data["meeting-description"] = "Hanya deskripsi"

    organizer_client.post(edit, data)

    meeting.refresh_from_db()
    assert (meeting.description, meeting.sequence, meeting.sessions.count()) == (
        "Hanya deskripsi",
        0,
        2,
    )


def test_a_co_organizer_sees_the_meeting_another_organizer_gets_403(client, meeting, organizer):
    co_organizer, other = UserFactory.create(), OrganizerFactory.create()
    client.force_login(organizer)
    client.post(
        reverse("events:meeting_add_organizer", args=[meeting.pk]), {"email": co_organizer.email}
    )
    url = reverse("events:meeting_detail", args=[meeting.pk])

    client.force_login(co_organizer)
    seen = client.get(url)
    client.force_login(other)
    refused = client.get(url)

    assert seen.status_code == 200
    assert refused.status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, meeting):
    response = client.get(reverse("events:meeting_detail", args=[meeting.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_only_organizers_create_meetings(client):
    client.force_login(UserFactory.create())

    assert client.get(reverse("events:meeting_create")).status_code == 403


def test_publish_and_cancel_are_posts_and_a_get_changes_nothing(organizer_client, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.DRAFT)
    publish = reverse("events:meeting_publish", args=[meeting.pk])
    cancel = reverse("events:meeting_cancel", args=[meeting.pk])

    assert organizer_client.get(publish).status_code == 405
    assert organizer_client.get(cancel).status_code == 405
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.DRAFT

    organizer_client.post(publish)
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.PUBLISHED

    organizer_client.post(cancel)
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.CANCELLED


def test_an_invalid_transition_is_a_message(organizer_client, meeting):
    response = organizer_client.post(
        reverse("events:meeting_publish", args=[meeting.pk]), follow=True
    )

    assert "Only a draft meeting can be published." in response.content.decode()


def test_the_detail_page_shows_sessions_the_indonesian_way(organizer_client, meeting):
    response = organizer_client.get(reverse("events:meeting_detail", args=[meeting.pk]))

    assert "Thursday, 25 November 2021 · 08.00–16.00 WIB" in response.content.decode()


@pytest.mark.parametrize("rows", [3, 300])
def test_the_meetings_list_takes_the_same_queries_at_3_and_300_meetings(
    organizer_client, organizer, django_assert_max_num_queries, rows
):
    agency = AgencyFactory.create()
    for meeting in MeetingFactory.create_batch(rows, host_agency=agency, sessions=1):
        meeting.organizers.add(organizer)

    with django_assert_max_num_queries(7):
        response = organizer_client.get(reverse("events:meeting_list"), {"per_page": 100})

    assert response.status_code == 200


def test_the_meetings_list_shows_only_the_organizers_meetings(organizer_client, meeting):
    MeetingFactory.create(title="Rapat orang lain")

    content = organizer_client.get(reverse("events:meeting_list")).content.decode()

    assert meeting.title in content
    assert "Rapat orang lain" not in content


@pytest.mark.parametrize("rows", [3, 300])
def test_the_invitations_table_takes_the_same_queries_at_3_and_300_invitations(
    organizer_client, meeting, django_assert_max_num_queries, rows
):
    agencies = AgencyFactory.create_batch(3)
    members = [MemberFactory.create(agency=agencies[i % 3]) for i in range(rows)]
    Invitation.objects.bulk_create(Invitation(meeting=meeting, member=m) for m in members)

    with django_assert_max_num_queries(11 + ACCESS_LOG):
        response = organizer_client.get(
            reverse("events:meeting_invitations", args=[meeting.pk]), {"per_page": 100}
        )

    assert response.status_code == 200


def test_the_invitations_csv_holds_the_filtered_rows(organizer_client, meeting):
    agency = AgencyFactory.create(name="Kementerian Kominfo", acronym="Kominfo")
    InvitationFactory.create(
        meeting=meeting,
        member=MemberFactory.create(full_name="Ni Luh Putu Ayu", agency=agency),
        answer=Invitation.Answer.YES,
    )
    InvitationFactory.create(meeting=meeting, answer=Invitation.Answer.NO)

    response = download(
        organizer_client,
        reverse("events:meeting_invitations_export", args=[meeting.pk, "csv"]),
        {"answer": "yes"},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Disposition"].endswith('.csv"')
    assert rows[0][:3] == ["Name", "Email", "Agency"]
    assert len(rows) == 2
    assert rows[1][0] == "Ni Luh Putu Ayu"
    assert rows[1][2] == "Kementerian Kominfo"
    assert rows[1][5] == "Will attend"


def test_the_invitations_page_counts_per_answer_and_agency(organizer_client, meeting):
    agency = AgencyFactory.create(acronym="BPS")
    InvitationFactory.create_batch(
        2, meeting=meeting, member__agency=agency, answer=Invitation.Answer.YES
    )

    response = organizer_client.get(reverse("events:meeting_invitations", args=[meeting.pk]))

    counts = dict((value, n) for value, _, n in response.context["answer_counts"])
    assert counts["yes"] == 2
    assert counts["pending"] == 0
    assert response.context["agency_counts"][0]["member__agency__acronym"] == "BPS"


def _as_post(editor) -> dict:
    """The editor's forms as the browser would send them back unchanged."""
    data = {}
    for form in [editor.form, *editor.sessions, *editor.agenda]:
        for field in form:
            value = field.value()
            if value is None:
                continue
            if hasattr(value, "strftime"):
                value = field.field.widget.format_value(value)
            data[field.html_name] = value
    for formset in (editor.sessions, editor.agenda):
        for field in formset.management_form:
            data[field.html_name] = field.value()
    return data


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_date_and_time_of_the_meeting_form_comes_back_unchanged_in_both_languages(
    organizer_client, meeting, language
):
    """The browser's date and time inputs read ISO only: in Indonesian the form once wrote
    "25-11-2031", which a browser shows empty and sends back blank."""
    organizer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    first = meeting.sessions.first().starts_at
    meeting.answer_deadline = first - timedelta(days=2, minutes=30)
    meeting.registration_closes_at = first - timedelta(days=3, minutes=15)
    meeting.save(update_fields=["answer_deadline", "registration_closes_at"])
    meeting.agenda_items.create(title="Pembukaan", starts_at=first, session=None)
    before = [(s.title, s.starts_at, s.ends_at) for s in meeting.sessions.all()]
    zone = ZoneInfo(meeting.time_zone)
    edit = reverse("events:meeting_edit", args=[meeting.pk])
    page = organizer_client.get(edit)

    kinds = {attrs.get("type") for attrs in form_inputs(page)}
    assert {"date", "time", "datetime-local"} <= kinds
    data = submitted_form(page)
    assert data["sessions-0-date"] == [f"{before[0][1].astimezone(zone):%Y-%m-%d}"]
    assert data["sessions-0-start_time"] == [f"{before[0][1].astimezone(zone):%H:%M}"]
    assert data["meeting-answer_deadline"] == [
        f"{meeting.answer_deadline.astimezone(zone):%Y-%m-%dT%H:%M}"
    ]
    assert data["agenda-0-time"] == [f"{before[0][1].astimezone(zone):%H:%M}"]
    assert data["meeting-registration_closes_at"] == [
        f"{meeting.registration_closes_at.astimezone(zone):%Y-%m-%dT%H:%M}"
    ]

    response = organizer_client.post(edit, data)

    assert response.status_code == 302, submitted_form(response)
    meeting.refresh_from_db()
    assert [(s.title, s.starts_at, s.ends_at) for s in meeting.sessions.all()] == before
    assert meeting.sequence == 0
    assert (meeting.answer_deadline, meeting.registration_closes_at) == (
        first - timedelta(days=2, minutes=30),
        first - timedelta(days=3, minutes=15),
    )
    assert meeting.agenda_items.get().starts_at == first


def test_the_agenda_offers_only_the_sessions_of_the_meeting(organizer_client, meeting):
    titles = [session.title for session in meeting.sessions.all()]
    page = organizer_client.get(reverse("events:meeting_edit", args=[meeting.pk]))

    options = select_options(page, "agenda-0-session")

    assert options == ["—", f"1 · {titles[0]}", f"2 · {titles[1]}"]


def test_the_time_zone_list_starts_with_wib_wita_wit_and_can_be_searched(organizer_client):
    page = organizer_client.get(reverse("events:meeting_create"))

    options = select_options(page, "meeting-time_zone")

    assert [option.split(" ")[0] for option in options[:4]] == ["WIB", "WIB", "WITA", "WIT"]
    assert len(options) > 300
    assert 'name="meeting-time_zone" data-searchable' in page.content.decode()


def test_the_meeting_page_names_its_zone_as_people_say_it(organizer_client, organizer):
    meeting = MeetingFactory.create(time_zone="Asia/Makassar")
    meeting.organizers.add(organizer)

    page = organizer_client.get(reverse("events:meeting_detail", args=[meeting.pk]))

    assert "Asia/Makassar (WITA)" in page.text


def test_moving_a_meeting_whose_letter_is_final_tells_the_organizer_of_the_ralat(
    organizer_client, meeting, organizer
):
    """The ralat is issued with the change and goes with the update email: the organizer who
    saved the change is told, not left to find it on the letter page."""
    from events.services import letters

    letter = letters.letter_for(meeting=meeting)
    letter.letter_date, letter.place = date(2021, 11, 12), "Jakarta"
    letter.save()
    letters.finalise_letter(meeting=meeting, by=organizer)
    edit = reverse("events:meeting_edit", args=[meeting.pk])
    data = submitted_form(organizer_client.get(edit))
    data["meeting-venue"] = ["Ruang Rapat Cendana, Hotel Harmoni"]

    saved = organizer_client.post(edit, data, follow=True)

    said = [str(message) for message in saved.context["messages"]]
    assert any("ralat" in text.lower() and "version 2" in text for text in said), said


@pytest.mark.parametrize("rows", [3, 60])
def test_the_meetings_list_sorted_by_invited_count_takes_the_same_queries(
    organizer_client, organizer, django_assert_max_num_queries, rows
):
    meetings = MeetingFactory.create_batch(rows, sessions=1)
    for meeting in meetings:
        meeting.organizers.add(organizer)
    for number, meeting in enumerate(meetings[:3]):
        events_services.invite_members(
            meeting=meeting, members=MemberFactory.create_batch(number + 1)
        )
    [invitation] = meetings[0].invitations.all()
    events_services.withdraw_invitation(invitation=invitation, withdrawn_by=organizer)

    with django_assert_max_num_queries(7):
        response = organizer_client.get(
            reverse("events:meeting_list"), {"sort": "-invited_count", "per_page": 100}
        )
    with django_assert_max_num_queries(8):
        default = organizer_client.get(reverse("events:meeting_list"), {"per_page": 100})

    invited = {row[0]: row[-1] for row in table_rows(response)}
    assert [row[0] for row in table_rows(response)][:2] == [meetings[2].title, meetings[1].title]
    assert invited[meetings[2].title] == "3"
    assert invited[meetings[0].title] == "0"  # a withdrawn invitation is not counted
    assert {row[0]: row[-1] for row in table_rows(default)} == invited


def test_the_meetings_filter_types_the_host_agency_instead_of_listing_every_agency(
    organizer_client, organizer
):
    agencies = AgencyFactory.create_batch(30)
    bps = AgencyFactory.create(name="Badan Pusat Statistik", acronym="BPS")
    for agency in (agencies[0], bps):
        MeetingFactory.create(host_agency=agency, title=f"Rapat {agency.name}").organizers.add(
            organizer
        )

    page = organizer_client.get(reverse("events:meeting_list"))
    found = organizer_client.get(reverse("events:meeting_list"), {"host_agency": "statistik"})
    by_id = organizer_client.get(reverse("events:meeting_list"), {"host_agency": bps.pk})

    assert agencies[5].name not in page.content.decode()  # no option per agency
    assert "Rapat Badan Pusat Statistik" in found.content.decode()
    assert f"Rapat {agencies[0].name}" not in found.content.decode()
    assert "Rapat Badan Pusat Statistik" in by_id.content.decode()
