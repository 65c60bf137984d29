"""Progress links of follow-up actions: one per email, every one of them working while the
person it was sent to is responsible, forged ones refused without a trace, and the migration
that turned each action's one secret into its first link."""

import email
import re
from datetime import date, timedelta
from email import policy

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.links import WRONG_LINKS
from core.secrets import hash_secret, new_secret
from events import services as events_services
from outbox.models import Kind, OutboxMessage
from outputs import services
from outputs.models import Action, ActionLink, ActionProgress
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory
from tests.outputs.factories import ActionFactory
from tests.support.found import body, found, present
from tests.support.migrations import latest, migrate

Status = Action.Status
DUE = date(2022, 1, 31)
LINK = re.compile(r"https?://[^/\s]+(/actions/p/[A-Za-z0-9_-]+/)")
FORGED = "/actions/p/" + new_secret() + "/"


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def meeting(db):  # noqa: ARG001 (requested for its effect)
    return MeetingFactory.create(sessions=2)


@pytest.fixture
def kemenag(db):  # noqa: ARG001 (requested for its effect)
    return AgencyFactory.create(name="Kementerian Agama", acronym="Kemenag")


@pytest.fixture
def owner(meeting, kemenag):
    member = MemberFactory.create(full_name="Siti Rahmawati", agency=kemenag, language="en")
    InvitationFactory.create(meeting=meeting, member=member)
    return member


@pytest.fixture
def assigned(meeting, owner):
    """An action just assigned to the owner, who has the assignment email."""
    return services.add_action(
        meeting=meeting,
        title="Menyusun draf pedoman pelatihan",
        due_date=DUE,
        responsible_member=owner,
        by=None,
    )


def links_emailed_to(member) -> list[str]:
    rows = OutboxMessage.objects.filter(kind=Kind.ACTION, recipient=member.email).order_by("pk")
    texts = [body(email.message_from_bytes(bytes(row.raw), policy=policy.default)) for row in rows]
    return [found(LINK, text)[1] for text in texts]


def snapshot() -> tuple:
    """Everything a progress page could change."""
    return (
        list(Action.objects.values_list()),
        list(ActionProgress.objects.values_list()),
        list(ActionLink.objects.values_list()),
        OutboxMessage.objects.count(),
    )


POST = {"note": "Bab 1 selesai.", "author_name": "Siti", "status": Status.IN_PROGRESS}


@pytest.mark.django_db
def test_the_assignment_emails_link_still_works_after_two_reminders(client, owner, assigned):
    services.send_action_reminders(today=DUE - timedelta(days=3))  # due soon
    services.send_action_reminders(today=DUE + timedelta(days=1))  # overdue

    assignment, due_soon, overdue = links_emailed_to(owner)
    assert len({assignment, due_soon, overdue}) == 3
    page = client.get(assignment)
    assert page.status_code == 200
    assert "Menyusun draf pedoman pelatihan" in page.content.decode()
    assert client.post(assignment, POST).status_code == 302
    assigned.refresh_from_db()
    assert assigned.status == Status.IN_PROGRESS
    assert assigned.progress.get().note == "Bab 1 selesai."
    for link in (due_soon, overdue):
        assert "Bab 1 selesai." in client.get(link).content.decode()


@pytest.mark.django_db
def test_every_link_of_a_done_action_shows_it_read_only(client, owner, assigned):
    services.send_progress_link(action=assigned)
    first, second = links_emailed_to(owner)
    client.post(second, {**POST, "status": Status.DONE})

    for link in (first, second):
        page = client.get(link).content.decode()
        assert "This action is done" in page
        assert 'name="note"' not in page
    assert client.post(first, POST).status_code == 409
    assert ActionProgress.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("meeting", "owner", "assigned")
def test_a_forged_link_gets_the_plain_refusal_page_and_changes_nothing(client):
    before = snapshot()
    forged_answer = client.get(reverse("events:answer", args=[new_secret()]))

    shown = client.get(FORGED)
    posted = client.post(FORGED, {**POST, "status": Status.DONE})

    for response in (shown, posted):
        assert response.status_code == 404
        assert response.content == forged_answer.content  # the answer links' very page
        assert response["Cache-Control"] == "no-store, private"
    assert "This link is not valid" in shown.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.usefixtures("assigned")
def test_an_answer_links_secret_opens_no_progress_page(client, meeting, owner):
    invitation = owner.invitations.get(meeting=meeting)
    secret = events_services.issue_answer_link(invitation=invitation)

    response = client.get(reverse("outputs:action_progress", args=[secret]))

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("assigned")
def test_too_many_forged_links_from_one_address_refuse_the_forged_ones_not_a_real_one(
    client, owner
):
    [real] = links_emailed_to(owner)
    guesser, someone_else = {"REMOTE_ADDR": "203.0.113.9"}, {"REMOTE_ADDR": "198.51.100.7"}

    for _ in range(WRONG_LINKS.allowed):
        client.get("/actions/p/" + new_secret() + "/", **guesser)

    assert client.get(FORGED, **guesser).status_code == 429
    assert client.get(FORGED, **someone_else).status_code == 404
    assert client.get(real, **guesser).status_code == 200


@pytest.mark.django_db
def test_the_progress_page_costs_the_same_queries_however_many_emails_and_notes(
    client, owner, assigned
):
    [link] = links_emailed_to(owner)
    with CaptureQueriesContext(connection) as one_email:
        assert client.get(link).status_code == 200

    for n in range(20):
        services.send_progress_link(action=assigned)
        services.record_progress(
            action=assigned, note=f"Langkah {n}", status=Status.IN_PROGRESS, author_name="Siti"
        )
    with CaptureQueriesContext(connection) as many_emails:
        page = client.get(link)

    assert "Langkah 19" in page.content.decode()
    assert ActionLink.objects.filter(action=assigned).count() == 21
    assert len(many_emails.captured_queries) == len(one_email.captured_queries) <= 3


# --- The migration ----------------------------------------------------------------------------

BEFORE = [("outputs", "0002_document_storage")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_link_already_in_a_mailbox_working(client):
    old_apps = migrate(BEFORE)
    try:
        action = ActionFactory.create(
            meeting=MeetingFactory.create(), responsible_member=MemberFactory.create()
        )
        unsent = ActionFactory.create()
        secret = new_secret()
        old_apps.get_model("outputs", "Action").objects.filter(pk=action.pk).update(
            progress_secret_hash=hash_secret(secret)
        )
    finally:
        migrate(latest())

    [link] = ActionLink.objects.all()
    assert (link.action_id, link.member_id) == (action.pk, action.responsible_member_id)
    assert not ActionLink.objects.filter(action=unsent).exists()
    assert services.action_for_secret(secret) == action
    assert client.get(reverse("outputs:action_progress", args=[secret])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_undoing_the_migration_keeps_the_newest_link_of_each_action():
    action = ActionFactory.create(
        meeting=MeetingFactory.create(), responsible_member=MemberFactory.create()
    )
    older = services.action_links.issue_progress_link(
        action=action, member=present(action.responsible_member)
    )
    newest = services.action_links.issue_progress_link(
        action=action, member=present(action.responsible_member)
    )

    try:
        old_apps = migrate(BEFORE)
        kept = old_apps.get_model("outputs", "Action").objects.get(pk=action.pk)
    finally:
        migrate(latest())

    assert kept.progress_secret_hash == hash_secret(newest) != hash_secret(older)
    assert services.action_for_secret(newest) == action
