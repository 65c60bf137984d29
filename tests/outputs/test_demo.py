"""The demo's outputs: the 2021 meeting has approved minutes, the seed's four decisions,
follow-up actions (done, in progress, open and overdue), a paparan and photos; its open actions
are on the follow-up meeting's agenda. A second run adds nothing."""

from io import StringIO

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.utils import timezone

from events import demo_common as events_demo
from events.models import AgendaItem, Meeting
from outbox.models import OutboxMessage
from outputs import demo, demo_actions, demo_minutes
from outputs.models import (
    Action,
    ActionLink,
    ActionProgress,
    Decision,
    Document,
    Minutes,
    MinutesRevision,
)
from outputs.services.action_rules import is_overdue
from tests.support.demo import load_all
from tests.support.found import present


@pytest.fixture(autouse=True)
def documents_storage(tmp_path, monkeypatch):
    location = tmp_path / "documents"
    monkeypatch.setattr(
        Document._meta.get_field("file"), "storage", FileSystemStorage(location=location)
    )
    return location


def counts() -> tuple:
    return tuple(
        model.objects.count()
        for model in (
            Minutes,
            MinutesRevision,
            Decision,
            Action,
            ActionProgress,
            Document,
            AgendaItem,
            OutboxMessage,
        )
    )


def past() -> Meeting:
    return Meeting.objects.get(title=events_demo.PAST_TITLE)


def follow_up() -> Meeting:
    return Meeting.objects.get(title=events_demo.FOLLOW_UP_TITLE)


@pytest.mark.django_db
def test_the_command_loads_the_outputs_and_a_second_run_adds_nothing(
    django_capture_on_commit_callbacks,
):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--force", stdout=out)
    before = counts()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--force", stdout=out)
    report = demo.load_outputs_demo()

    assert before[0] == 1
    assert before[3] == len(demo_actions.ACTIONS)
    assert counts() == before
    assert report.found
    assert not report.minutes_created
    assert (report.actions_created, report.documents_created, report.actions_carried) == (0, 0, 0)
    assert not OutboxMessage.objects.filter(topic=f"meeting:{past().pk}").exists()


@pytest.mark.django_db
def test_the_past_meeting_has_approved_minutes_decisions_actions_and_documents(
    documents_storage,
):
    report = load_all()
    meeting = past()
    minutes = meeting.minutes

    assert report.minutes_created
    assert report.documents_created == 4
    assert minutes.state == Minutes.State.APPROVED
    assert minutes.version == 1
    assert (minutes.approver_name, minutes.approver_nip) == (
        "Muharam Marzuki",
        present(meeting.chair).nip,
    )
    assert timezone.localtime(minutes.approved_at).date() == demo_minutes.APPROVED_ON
    sections = list(minutes.sections.all())
    assert len(sections) == meeting.agenda_items.count()
    assert all(section.discussion for section in sections)
    arahan = next(s for s in sections if s.title == demo_minutes.ADDRESS).discussion
    assert "Government Public" in arahan
    assert "orkestrasi kinerja" in arahan
    assert (
        "Balai Diklat Keagamaan" in minutes.sections.get(title=demo_minutes.THINK_TANK).discussion
    )
    assert minutes.conclusions

    decisions = list(meeting.decisions.select_related("agenda_item"))
    assert [d.number for d in decisions] == [1, 2, 3, 4]
    assert all(d.agenda_item and d.agenda_item.meeting_id == meeting.pk for d in decisions)
    assert "think tank" in decisions[0].text
    assert "panduan pelatihan" in decisions[1].text
    assert "kurikulum" in decisions[2].text
    assert "sertifikasi" in decisions[3].text

    actions = list(meeting.actions.select_related("responsible_agency"))
    statuses = [a.status for a in actions]
    assert all(a.responsible_agency for a in actions)
    assert any(a.responsible_member_id for a in actions)
    assert statuses.count(Action.Status.DONE) >= 2
    assert Action.Status.IN_PROGRESS in statuses
    done = [a for a in actions if a.status == Action.Status.DONE]
    assert all(a.completed_at and a.progress.exists() for a in done)
    overdue = [a for a in actions if is_overdue(a, today=timezone.localdate())]
    assert len(overdue) == 1
    assert overdue[0].status == Action.Status.OPEN
    assert "sertifikasi" in overdue[0].title
    assert not ActionLink.objects.filter(action__meeting=meeting).exists(), "no link was emailed"

    documents = {d.title: d for d in meeting.documents.all()}
    paparan = documents["Paparan: Penguatan Profesionalitas Kehumasan"]
    assert paparan.kind == Document.Kind.MATERIAL
    assert paparan.visibility == Document.Visibility.PARTICIPANTS
    assert paparan.content_type == "application/pdf"
    assert (documents_storage / paparan.file.name).read_bytes().startswith(b"%PDF-")
    photos = [d for d in documents.values() if d.kind == Document.Kind.PHOTO]
    assert len(photos) == 3
    assert {p.content_type for p in photos} == {"image/jpeg"}
    assert {p.visibility for p in photos} == {
        Document.Visibility.PUBLIC,
        Document.Visibility.PARTICIPANTS,
    }


@pytest.mark.django_db
def test_the_follow_up_agenda_carries_the_open_actions():
    report = load_all()
    meeting = past()
    open_actions = meeting.actions.filter(
        status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS]
    )

    carried = follow_up().agenda_items.filter(carried_actions__isnull=False)
    assert report.actions_carried == open_actions.count() >= 2
    assert set(carried.values_list("carried_actions", flat=True)) == set(
        open_actions.values_list("pk", flat=True)
    )
    assert any("sertifikasi" in item.title for item in carried)
    assert not meeting.actions.filter(status=Action.Status.DONE, carried_to__isnull=False).exists()
