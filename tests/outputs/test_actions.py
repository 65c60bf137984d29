"""Follow-up actions: adding them, their progress through the secret link, cancelling, and
carrying the open ones into the agenda of a follow-up meeting."""

import email
import re
from datetime import date
from email import policy

import pytest
from django.utils import translation

from core.secrets import hash_secret
from events.models import AgendaItem, Meeting
from outbox.models import Kind, OutboxMessage
from outputs import services
from outputs.models import Action, ActionLink, ActionProgress
from tests.events.factories import MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory
from tests.outputs.factories import ActionFactory, DecisionFactory
from tests.support.found import body, found

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


Status = Action.Status
LINK = re.compile(r"https?://[^/\s]+/actions/p/([A-Za-z0-9_-]+)/")
MEETING_DAY = date(2021, 11, 25)  # MeetingFactory's first session


@pytest.fixture
def meeting():
    return MeetingFactory.create(sessions=2)


@pytest.fixture
def kemenag():
    return AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")


@pytest.fixture
def owner(kemenag):
    return MemberFactory.create(full_name="Siti Rahmawati", agency=kemenag, language="en")


def action_mails() -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(bytes(row.raw), policy=policy.default)
        for row in OutboxMessage.objects.filter(kind=Kind.ACTION).order_by("pk")
    ]


def secret_in(message) -> str:
    return found(LINK, body(message))[1]


def add(meeting, organizer, **fields):
    values = {"title": "Menyusun draf pedoman pelatihan", "due_date": date(2022, 1, 31)}
    return services.add_action(meeting=meeting, by=organizer, **{**values, **fields})


# --- Adding -----------------------------------------------------------------------------------


def test_an_action_for_an_agency_is_open_and_sends_nothing(meeting, organizer, kemenag):
    action = add(meeting, organizer, responsible_agency=kemenag)

    assert action.status == Status.OPEN
    assert action.responsible_agency == kemenag
    assert not action.links.exists()
    assert action_mails() == []


def test_the_responsible_person_gets_an_email_with_a_progress_link(meeting, organizer, owner):
    action = add(meeting, organizer, responsible_member=owner, title="Kurikulum <b>humas</b>")

    [message] = action_mails()
    secret = secret_in(message)
    action.refresh_from_db()
    assert message["To"].addresses[0].addr_spec == owner.email
    assert "Kurikulum <b>humas</b>" in body(message)
    html = body(message, "html")
    assert "Kurikulum &lt;b&gt;humas&lt;/b&gt;" in html
    assert "<b>humas" not in html
    link = action.links.get()
    assert (link.member, link.secret_hash) == (owner, hash_secret(secret))
    assert secret not in str(ActionLink.objects.values_list())  # only the hash is kept
    assert services.action_for_secret(secret) == action


def test_an_action_without_anyone_responsible_is_refused(meeting, organizer):
    with pytest.raises(services.ActionInvalid) as refused:
        add(meeting, organizer)

    assert "responsible" in str(refused.value.message)
    assert Action.objects.count() == 0


def test_an_action_due_before_the_meeting_is_refused_and_nothing_is_saved(
    meeting, organizer, owner
):
    with pytest.raises(services.ActionInvalid) as refused:
        add(meeting, organizer, responsible_member=owner, due_date=date(2021, 11, 24))

    assert refused.value.message == "A follow-up action cannot be due before the meeting."
    assert Action.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_an_action_may_be_due_on_the_meetings_first_day(meeting, organizer, kemenag):
    action = add(meeting, organizer, responsible_agency=kemenag, due_date=MEETING_DAY)

    assert action.due_date == MEETING_DAY


def test_a_decision_of_another_meeting_is_refused(meeting, organizer, kemenag):
    elsewhere = DecisionFactory.create()

    with pytest.raises(services.ActionInvalid):
        add(meeting, organizer, responsible_agency=kemenag, decision=elsewhere)

    assert Action.objects.count() == 0


# --- Progress ---------------------------------------------------------------------------------


def test_an_action_goes_from_open_to_in_progress_to_done(meeting, organizer, owner):
    action = add(meeting, organizer, responsible_member=owner)

    services.record_progress(
        action=action, note="Draf bab 1 selesai.", status=Status.IN_PROGRESS, author_name="Siti"
    )
    action.refresh_from_db()
    assert (action.status, action.completed_at) == (Status.IN_PROGRESS, None)

    services.record_progress(
        action=action, note="Draf dikirim ke Sesban.", status=Status.DONE, author_name="Siti"
    )
    action.refresh_from_db()
    assert action.status == Status.DONE
    assert action.completed_at is not None
    assert list(action.progress.values_list("status", "note")) == [
        (Status.IN_PROGRESS, "Draf bab 1 selesai."),
        (Status.DONE, "Draf dikirim ke Sesban."),
    ]


def test_progress_after_done_is_refused(meeting, organizer, owner):
    action = add(meeting, organizer, responsible_member=owner)
    services.record_progress(action=action, note="Selesai.", status=Status.DONE, author_name="S")

    with pytest.raises(services.ActionClosed) as refused:
        services.record_progress(
            action=action, note="Lagi", status=Status.IN_PROGRESS, author_name="S"
        )

    assert "no more progress" in str(refused.value.message)
    assert ActionProgress.objects.count() == 1


def test_an_action_in_progress_cannot_go_back_to_open(meeting, organizer, kemenag):
    action = add(meeting, organizer, responsible_agency=kemenag)
    services.record_progress(
        action=action, note="Mulai.", status=Status.IN_PROGRESS, author_name="S"
    )

    with pytest.raises(services.StatusChangeRefused):
        services.record_progress(action=action, note="Ulang", status=Status.OPEN, author_name="S")

    action.refresh_from_db()
    assert action.status == Status.IN_PROGRESS
    assert ActionProgress.objects.count() == 1


def test_only_an_organizer_cancels(meeting, organizer, owner):
    action = add(meeting, organizer, responsible_member=owner)

    with pytest.raises(services.StatusChangeRefused):
        services.record_progress(
            action=action, note="Batal", status=Status.CANCELLED, author_name="Siti"
        )
    services.cancel_action(action=action, by=organizer, note="Digabung dengan aksi lain.")

    action.refresh_from_db()
    assert action.status == Status.CANCELLED
    assert action.progress.get().note == "Digabung dengan aksi lain."
    with pytest.raises(services.ActionClosed):
        services.record_progress(action=action, note="x", status=Status.DONE, author_name="S")
    with pytest.raises(services.ActionClosed):
        services.cancel_action(action=action, by=organizer)


def test_an_empty_note_is_refused(meeting, organizer, kemenag):
    action = add(meeting, organizer, responsible_agency=kemenag)

    with pytest.raises(services.ActionInvalid):
        services.record_progress(action=action, note="   ", status=Status.DONE, author_name="S")

    action.refresh_from_db()
    assert action.status == Status.OPEN
    assert ActionProgress.objects.count() == 0


# --- Editing and links ------------------------------------------------------------------------


def test_sending_the_link_again_keeps_the_old_one_working(meeting, organizer, owner):
    action = add(meeting, organizer, responsible_member=owner)
    services.send_progress_link(action=action, by=organizer)

    first, second = action_mails()
    assert secret_in(first) != secret_in(second)
    assert services.action_for_secret(secret_in(first)) == action
    assert services.action_for_secret(secret_in(second)) == action


def test_a_new_responsible_person_gets_their_own_link(meeting, organizer, owner, kemenag):
    action = add(meeting, organizer, responsible_member=owner)
    successor = MemberFactory.create(agency=kemenag)

    services.update_action(
        action=action,
        title="Menyusun kurikulum",
        due_date=date(2022, 2, 28),
        responsible_agency=kemenag,
        responsible_member=successor,
        by=organizer,
    )

    first, second = action_mails()
    action.refresh_from_db()
    assert (action.title, action.due_date) == ("Menyusun kurikulum", date(2022, 2, 28))
    assert second["To"].addresses[0].addr_spec == successor.email
    assert services.action_for_secret(secret_in(first)) is None
    assert services.action_for_secret(secret_in(second)) == action
    assert list(action.links.values_list("member", flat=True)) == [successor.pk]


def test_the_previous_persons_links_stay_dead_when_they_are_made_responsible_again(
    meeting, organizer, owner, kemenag
):
    action = add(meeting, organizer, responsible_member=owner)
    fields = {"title": action.title, "due_date": action.due_date, "by": organizer}

    services.update_action(action=action, responsible_agency=kemenag, **fields)
    services.update_action(action=action, responsible_member=owner, **fields)

    first, again = action_mails()
    assert services.action_for_secret(secret_in(first)) is None
    assert services.action_for_secret(secret_in(again)) == action


def test_a_link_opens_nothing_once_its_person_is_no_longer_responsible(
    meeting, organizer, owner, kemenag
):
    action = add(meeting, organizer, responsible_member=owner)
    [message] = action_mails()
    # Changed behind the services' back (the admin, a shell): the lookup still refuses.
    Action.objects.filter(pk=action.pk).update(
        responsible_member=MemberFactory.create(agency=kemenag)
    )

    assert services.action_for_secret(secret_in(message)) is None


def test_a_done_action_cannot_be_edited(meeting, organizer, kemenag):
    action = add(meeting, organizer, responsible_agency=kemenag)
    services.record_progress(action=action, note="Beres.", status=Status.DONE, author_name="S")

    with pytest.raises(services.ActionClosed):
        services.update_action(
            action=action,
            title="Lain",
            due_date=date(2022, 3, 1),
            responsible_agency=kemenag,
            by=organizer,
        )

    action.refresh_from_db()
    assert action.title == "Menyusun draf pedoman pelatihan"


def test_a_forged_secret_opens_nothing(meeting, organizer, owner):
    add(meeting, organizer, responsible_member=owner)

    assert services.action_for_secret("x" * 43) is None
    assert services.action_for_secret("") is None


# --- Carrying into a follow-up meeting --------------------------------------------------------


def test_open_actions_become_agenda_items_of_the_follow_up_meeting_once(organizer, kemenag):
    meeting = MeetingFactory.create()
    follow_up = MeetingFactory.create(
        state=Meeting.State.DRAFT, sessions__first_day=date(2022, 3, 10)
    )
    open_one = ActionFactory.create(
        meeting=meeting,
        title="Menyusun draf pedoman",
        responsible_agency=kemenag,
        due_date=date(2022, 1, 31),
    )
    running = ActionFactory.create(meeting=meeting, status=Status.IN_PROGRESS, title="Kurikulum")
    ActionFactory.create(meeting=meeting, status=Status.DONE, title="Sudah")
    ActionFactory.create(meeting=meeting, status=Status.CANCELLED, title="Batal")

    first = services.carry_open_actions(from_meeting=meeting, to_meeting=follow_up, by=organizer)
    second = services.carry_open_actions(from_meeting=meeting, to_meeting=follow_up, by=organizer)

    assert (first, second) == (2, 0)
    items = list(AgendaItem.objects.filter(meeting=follow_up).order_by("position"))
    assert len(items) == 2
    assert "Menyusun draf pedoman (Kemenag," in items[0].title
    assert "2022" in items[0].title
    assert "Kurikulum" in items[1].title
    open_one.refresh_from_db()
    running.refresh_from_db()
    assert (open_one.carried_to, running.carried_to) == (items[0], items[1])


def test_actions_are_not_carried_into_a_finished_meeting(organizer):
    meeting = MeetingFactory.create()
    finished = MeetingFactory.create(state=Meeting.State.FINISHED)
    ActionFactory.create(meeting=meeting)

    with pytest.raises(services.CarryRefused):
        services.carry_open_actions(from_meeting=meeting, to_meeting=finished, by=organizer)
    with pytest.raises(services.CarryRefused):
        services.carry_open_actions(from_meeting=meeting, to_meeting=meeting, by=organizer)

    assert AgendaItem.objects.filter(meeting=finished).count() == 0
    assert Action.objects.get().carried_to is None
