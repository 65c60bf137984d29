"""The pages of follow-up actions: the organizers' list on a meeting, the responsible person's
progress page behind the emailed link, carrying actions, and what participants see of a
meeting's outputs on their answer page afterwards."""

import email
import re
from datetime import date
from email import policy

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from events import services as events_services
from events.models import AgendaItem, Meeting
from outbox.models import Kind, OutboxMessage
from outputs import services
from outputs.models import Action, ActionProgress, Document, Minutes, MinutesRevision
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory, UserFactory
from tests.outputs.factories import ActionFactory
from tests.support.found import body, found

pytestmark = pytest.mark.django_db

Status = Action.Status
LINK = re.compile(r"https?://[^/\s]+(/actions/p/[A-Za-z0-9_-]+/)")
SCRIPT = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def meeting(organizer):
    meeting = MeetingFactory.create(sessions=2)
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def kemenag():
    return AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")


@pytest.fixture
def owner(meeting, kemenag):
    member = MemberFactory.create(full_name="Siti Rahmawati", agency=kemenag, language="en")
    InvitationFactory.create(meeting=meeting, member=member)
    return member


def actions_url(meeting):
    return reverse("outputs:meeting_actions", args=[meeting.pk])


def emailed_link(to: str) -> str:
    rows = OutboxMessage.objects.filter(kind=Kind.ACTION, recipient=to).order_by("-pk")
    message = email.message_from_bytes(bytes(rows[0].raw), policy=policy.default)
    return found(LINK, body(message))[1]


def add_by_post(client, meeting, **fields):
    data = {"title": "Menyusun draf pedoman pelatihan", "due_date": "2022-01-31", **fields}
    return client.post(actions_url(meeting), data)


# --- The organizers' page ---------------------------------------------------------------------


def test_an_organizer_adds_an_action_and_the_owner_is_emailed(organizer_client, meeting, owner):
    response = add_by_post(
        organizer_client, meeting, responsible_member=owner.pk, responsible_agency=owner.agency_id
    )

    assert response.status_code == 302
    page = organizer_client.get(actions_url(meeting)).content.decode()
    assert "Menyusun draf pedoman pelatihan" in page
    assert "Siti Rahmawati" in page
    assert "Kementerian Agama" in page
    assert emailed_link(owner.email).startswith("/actions/p/")


def test_an_action_due_before_the_meeting_is_refused_on_the_page(organizer_client, meeting, owner):
    response = add_by_post(
        organizer_client, meeting, responsible_member=owner.pk, due_date="2021-11-01"
    )

    assert response.status_code == 400
    assert "A follow-up action cannot be due before the meeting." in response.content.decode()
    assert Action.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_an_action_without_anyone_responsible_is_refused_on_the_page(organizer_client, meeting):
    response = add_by_post(organizer_client, meeting)

    assert response.status_code == 400
    assert "Name who is responsible" in response.content.decode()
    assert Action.objects.count() == 0


def test_only_the_meetings_organizers_see_its_actions(client, meeting):
    assert client.get(actions_url(meeting)).status_code == 302  # to sign in
    client.force_login(UserFactory.create())
    assert client.get(actions_url(meeting)).status_code == 403
    assert (
        add_by_post(client, meeting, responsible_agency=AgencyFactory.create().pk).status_code
        == 403
    )
    assert Action.objects.count() == 0


def test_an_organizer_edits_cancels_and_resends(organizer_client, meeting, owner, kemenag):
    action = ActionFactory.create(meeting=meeting, responsible_agency=kemenag)
    edit = reverse("outputs:action_edit", args=[meeting.pk, action.pk])

    assert organizer_client.get(edit).status_code == 200
    organizer_client.post(
        edit,
        {
            "title": "Menyusun kurikulum",
            "due_date": "2022-02-28",
            "responsible_agency": kemenag.pk,
            "responsible_member": owner.pk,
        },
    )
    first_link = emailed_link(owner.email)
    organizer_client.post(reverse("outputs:action_send_link", args=[meeting.pk, action.pk]))
    second_link = emailed_link(owner.email)
    organizer_client.post(reverse("outputs:action_cancel", args=[meeting.pk, action.pk]))

    action.refresh_from_db()
    assert (action.title, action.due_date) == ("Menyusun kurikulum", date(2022, 2, 28))
    assert action.status == Status.CANCELLED
    assert first_link != second_link
    for link in (first_link, second_link):  # both still open the action, read-only now
        page = organizer_client.get(link).content.decode()
        assert "cancelled by the organizers" in page
        assert 'name="note"' not in page


def test_an_organizer_records_progress_for_someone(organizer_client, meeting, kemenag):
    action = ActionFactory.create(meeting=meeting, responsible_agency=kemenag)
    url = reverse("outputs:action_record_progress", args=[meeting.pk, action.pk])

    organizer_client.post(url, {"note": "Dilaporkan per telepon.", "status": Status.IN_PROGRESS})

    action.refresh_from_db()
    assert action.status == Status.IN_PROGRESS
    assert action.progress.get().note == "Dilaporkan per telepon."


# --- The progress link ------------------------------------------------------------------------


def test_the_owner_posts_progress_and_marks_it_done_through_the_link(client, meeting, owner):
    services.add_action(
        meeting=meeting,
        title="Menyusun draf pedoman",
        due_date=date(2022, 1, 31),
        responsible_member=owner,
        by=None,
    )
    link = emailed_link(owner.email)

    page = client.get(link)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store, private"
    assert "Menyusun draf pedoman" in page.content.decode()
    client.post(link, {"note": "Bab 1 selesai.", "author_name": "Siti", "status": "berjalan"})
    response = client.post(link, {"note": "Terkirim.", "author_name": "Siti", "status": "selesai"})

    assert response.status_code == 302
    action = Action.objects.get()
    assert action.status == Status.DONE
    assert action.completed_at is not None
    page = client.get(link).content.decode()
    assert "Bab 1 selesai." in page
    assert "Terkirim." in page
    assert "This action is done" in page


def test_progress_after_done_is_refused_with_a_message(client, meeting, owner):
    action = ActionFactory.create(meeting=meeting, responsible_member=owner)
    services.send_progress_link(action=action)
    link = emailed_link(owner.email)
    client.post(link, {"note": "Selesai.", "author_name": "Siti", "status": "selesai"})

    response = client.post(link, {"note": "Lagi.", "author_name": "Siti", "status": "berjalan"})

    assert response.status_code == 409
    assert "no more progress can be posted" in response.content.decode()
    assert ActionProgress.objects.count() == 1


def test_forged_links_and_links_of_a_former_owner_are_a_plain_404(
    client, organizer, meeting, owner, kemenag
):
    action = ActionFactory.create(meeting=meeting, responsible_member=owner)
    services.send_progress_link(action=action)
    former = emailed_link(owner.email)
    services.update_action(
        action=action,
        title=action.title,
        due_date=action.due_date,
        responsible_agency=kemenag,
        by=organizer,
    )

    for link in (former, "/actions/p/" + "A" * 43 + "/"):
        assert client.get(link).status_code == 404
        assert (
            client.post(link, {"note": "x", "author_name": "y", "status": "selesai"}).status_code
            == 404
        )
    assert ActionProgress.objects.count() == 0


def test_script_in_a_progress_note_is_shown_as_text(client, organizer_client, meeting, owner):
    action = ActionFactory.create(meeting=meeting, responsible_member=owner)
    services.send_progress_link(action=action)
    link = emailed_link(owner.email)

    client.post(link, {"note": SCRIPT, "author_name": SCRIPT, "status": "berjalan"})

    for page in (client.get(link), organizer_client.get(actions_url(meeting))):
        html = page.content.decode()
        assert SCRIPT not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


# --- Carrying ---------------------------------------------------------------------------------


def test_carrying_open_actions_twice_carries_them_once(organizer_client, organizer, meeting):
    follow_up = MeetingFactory.create(state=Meeting.State.DRAFT)
    follow_up.organizers.add(organizer)
    ActionFactory.create(meeting=meeting, title="Menyusun draf pedoman")
    ActionFactory.create(meeting=meeting, status=Status.DONE)
    url = reverse("outputs:actions_carry", args=[meeting.pk])

    page = organizer_client.get(actions_url(meeting)).content.decode()
    assert f'<option value="{follow_up.pk}">' in page
    organizer_client.post(url, {"to_meeting": follow_up.pk})
    organizer_client.post(url, {"to_meeting": follow_up.pk})

    [item] = AgendaItem.objects.filter(meeting=follow_up)
    assert "Menyusun draf pedoman" in item.title


def test_actions_cannot_be_carried_into_a_meeting_the_user_does_not_organize(
    organizer_client, meeting
):
    elsewhere = MeetingFactory.create(state=Meeting.State.DRAFT)
    ActionFactory.create(meeting=meeting)

    organizer_client.post(
        reverse("outputs:actions_carry", args=[meeting.pk]), {"to_meeting": elsewhere.pk}
    )

    assert AgendaItem.objects.filter(meeting=elsewhere).count() == 0
    assert Action.objects.get().carried_to is None


# --- The meeting page for participants --------------------------------------------------------


def answer_page(client, invitation) -> str:
    secret = events_services.issue_answer_link(invitation=invitation)
    return client.get(reverse("events:answer", args=[secret])).content.decode()


def test_after_the_meeting_a_participant_sees_minutes_documents_and_their_agencys_actions(
    client, meeting, kemenag
):
    member = MemberFactory.create(agency=kemenag)
    invitation = InvitationFactory.create(meeting=meeting, member=member)
    minutes = Minutes.objects.create(meeting=meeting, state=Minutes.State.APPROVED, version=1)
    MinutesRevision.objects.create(
        minutes=minutes,
        approved_version=1,
        content={
            "sections": [{"title": "Arahan", "discussion": f"Sinergi **humas**. {SCRIPT}"}],
            "conclusions": "Iprahumas menjadi think tank.",
        },
    )
    for title, visibility in [
        ("Paparan Sesban", Document.Visibility.PARTICIPANTS),
        ("Catatan panitia", Document.Visibility.ORGANIZERS),
    ]:
        Document.objects.create(
            meeting=meeting,
            title=title,
            visibility=visibility,
            file=f"documents/{meeting.pk}/not-written",  # the page only lists it
            original_name="x.pdf",
            content_type="application/pdf",
            size=8,
        )
    ActionFactory.create(meeting=meeting, responsible_agency=kemenag, title="Menyusun kurikulum")
    ActionFactory.create(meeting=meeting, title="Tugas instansi lain")

    page = answer_page(client, invitation)

    assert "Results of the meeting" in page
    assert "<strong>humas</strong>" in page
    assert SCRIPT not in page
    assert "Iprahumas menjadi think tank." in page
    assert "Paparan Sesban" in page
    assert "Catatan panitia" not in page
    [shared] = Document.objects.filter(title="Paparan Sesban")
    assert f'/documents/{shared.pk}/">Paparan Sesban</a>' in page
    assert "Menyusun kurikulum" in page
    assert "Tugas instansi lain" not in page


def test_before_the_meeting_the_answer_page_shows_no_outputs(client, kemenag):
    meeting = MeetingFactory.create(sessions__first_day=date(2099, 1, 5))
    invitation = InvitationFactory.create(
        meeting=meeting, member=MemberFactory.create(agency=kemenag)
    )
    ActionFactory.create(meeting=meeting, responsible_agency=kemenag, title="Menyusun kurikulum")

    page = answer_page(client, invitation)

    assert "Results of the meeting" not in page
    assert "Menyusun kurikulum" not in page
