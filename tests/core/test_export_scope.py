"""A file from a page with no meeting (the member directory, the action tracker) holds the rows
and the contact fields that page showed its requester: once their scope shrinks (an organizer
taken off a meeting), the page shows them less, and the file is no longer theirs."""

import pytest
from django.urls import reverse

from core import services
from core.models import ExportJob
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory
from tests.outputs.factories import ActionFactory
from tests.support.found import first_sheet

pytestmark = pytest.mark.django_db


def _downloaded(client, url):
    client.post(url, {"query": ""})
    job = ExportJob.objects.get()
    services.build_export(job_id=job.pk)
    return reverse("export_download", args=[job.pk])


def _cells(response) -> set:
    sheet = first_sheet(b"".join(response.streaming_content))
    return {cell for row in sheet.iter_rows(values_only=True) for cell in row if cell}


def test_an_organizer_taken_off_a_meeting_no_longer_downloads_its_invitees_nip(client, organizer):
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    invitee = MemberFactory.create(nip="198001012005011001", phone="+6281111111111")
    InvitationFactory.create(meeting=meeting, member=invitee)
    client.force_login(organizer)
    download = _downloaded(client, reverse("members:export", args=["xlsx"]))
    assert invitee.nip in _cells(client.get(download))

    meeting.organizers.remove(organizer)  # still an organizer, no longer of this meeting

    page = client.get(reverse("members:directory")).content.decode()
    assert invitee.full_name in page
    assert invitee.nip not in page  # the page no longer shows it
    response = client.get(download)
    assert response.status_code == 404 or invitee.nip not in _cells(response)


def test_an_organizer_taken_off_one_meeting_no_longer_downloads_its_actions(client, organizer):
    kept, left = MeetingFactory.create(), MeetingFactory.create()
    kept.organizers.add(organizer)
    left.organizers.add(organizer)
    ActionFactory.create(meeting=kept, title="Tindak lanjut yang tetap")
    ActionFactory.create(meeting=left, title="Tindak lanjut rapat yang ditinggalkan")
    client.force_login(organizer)
    download = _downloaded(client, reverse("outputs:action_tracker_export", args=["xlsx"]))
    assert "Tindak lanjut rapat yang ditinggalkan" in _cells(client.get(download))

    left.organizers.remove(organizer)  # still organizes `kept`

    page = client.get(reverse("outputs:action_tracker")).content.decode()
    assert "Tindak lanjut rapat yang ditinggalkan" not in page  # the page no longer shows it
    response = client.get(download)
    assert response.status_code == 404 or "Tindak lanjut rapat yang ditinggalkan" not in _cells(
        response
    )


def test_a_file_holds_what_its_requester_saw_when_it_was_built_not_when_it_was_asked(
    client, organizer
):
    """Made organizer of a meeting while the file waited for Celery, then taken off it: the
    file built meanwhile held that meeting's invitees' NIP, and their scope is the asking one
    again."""
    other = MeetingFactory.create()
    invitee = MemberFactory.create(nip="198001012005011001")
    InvitationFactory.create(meeting=other, member=invitee)
    client.force_login(organizer)
    client.post(reverse("members:export", args=["xlsx"]), {"query": ""})
    job = ExportJob.objects.get()
    other.organizers.add(organizer)
    services.build_export(job_id=job.pk)
    other.organizers.remove(organizer)

    response = client.get(reverse("export_download", args=[job.pk]))

    assert invitee.nip not in client.get(reverse("members:directory")).content.decode()
    assert response.status_code == 404 or invitee.nip not in _cells(response)


def test_asked_again_after_their_scope_changed_the_requester_gets_a_new_file(client, organizer):
    client.force_login(organizer)
    client.post(reverse("members:export", args=["xlsx"]), {"query": ""})
    MeetingFactory.create().organizers.add(organizer)  # while the first one waits

    again = client.post(reverse("members:export", args=["xlsx"]), {"query": ""})

    assert ExportJob.objects.count() == 2
    assert client.get(again["Location"]).status_code == 200
