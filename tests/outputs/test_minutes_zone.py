"""The minutes of a meeting in Makassar (WITA): review comments, the autosave stamp, the
revisions and the distribution are shown in WITA, never in the server's WIB."""

import pytest
import time_machine
from django.urls import reverse

from outputs import services as outputs_services
from tests.outputs.minutes_world import texts
from tests.support.zones import MAKASSAR, MOMENT, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def frozen():
    with time_machine.travel(MOMENT, tick=False):
        yield


@pytest.mark.usefixtures("frozen")
def test_review_comments_autosave_revisions_and_distribution_show_wita(client, world):
    meeting = world.meeting
    meeting.time_zone = MAKASSAR
    meeting.save()
    minutes = outputs_services.start_minutes(meeting=meeting, by=world.taker_user)
    [link] = outputs_services.send_for_review(minutes=minutes, reviewers=[], by=world.organizer)
    outputs_services.add_review_comment(
        review_link=link, section=minutes.sections.first(), text="Mohon dilengkapi."
    )
    client.force_login(world.taker_user)

    saved = client.post(
        reverse("outputs:minutes_save", args=[meeting.pk]),
        {
            **{f"section-{pk}": t for pk, t in texts(minutes, first="Dibuka.").items()},
            "conclusions": "",
        },
        HTTP_HX_REQUEST="true",
    )
    editor = text(client.get(reverse("outputs:minutes", args=[meeting.pk])))
    revisions = text(client.get(reverse("outputs:minutes_revisions", args=[meeting.pk])))

    assert "Saved 20.51 WITA" in text(saved)
    assert "6 Dec 2026 20.51 WITA" in editor  # the comment
    assert "Saved 20.51 WITA" in editor
    assert "6 Dec 2026 20.51 WITA" in revisions

    outputs_services.approve_minutes(
        minutes=minutes, approver_name=world.chair.full_name, approver_nip="", by=world.organizer
    )
    client.force_login(world.organizer)
    client.post(reverse("outputs:minutes_distribute", args=[meeting.pk]))
    editor = text(client.get(reverse("outputs:minutes", args=[meeting.pk])))
    assert "Distributed on 6 Dec 2026 20.51 WITA." in editor
    assert "19.51" not in editor
