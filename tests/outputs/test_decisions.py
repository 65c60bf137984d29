"""Decisions: numbered per meeting, under their agenda item, locked with the minutes, and
searchable across the meetings an organizer runs."""

import pytest
from django.urls import reverse

from outputs import services
from outputs.models import Decision
from tests.events.factories import AgendaItemFactory, MeetingFactory
from tests.members.factories import OrganizerFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def numbers(meeting) -> list[tuple[int, str]]:
    return list(meeting.decisions.order_by("number").values_list("number", "text"))


def test_decisions_are_numbered_per_meeting(world):
    other = MeetingFactory.create()

    services.add_decision(meeting=world.meeting, text="Iprahumas menjadi think tank.")
    services.add_decision(meeting=other, text="Rapat lain.")
    second = services.add_decision(
        meeting=world.meeting, text="Menyusun pedoman pelatihan.", agenda_item=world.items[2]
    )

    assert numbers(world.meeting) == [
        (1, "Iprahumas menjadi think tank."),
        (2, "Menyusun pedoman pelatihan."),
    ]
    assert numbers(other) == [(1, "Rapat lain.")]
    assert second.agenda_item == world.items[2]


def test_an_agenda_item_of_another_meeting_or_an_empty_text_is_refused(world):
    with pytest.raises(services.MinutesInvalid):
        services.add_decision(
            meeting=world.meeting, text="x", agenda_item=AgendaItemFactory.create()
        )
    with pytest.raises(services.MinutesInvalid):
        services.add_decision(meeting=world.meeting, text="   ")

    assert not Decision.objects.exists()


def test_deleting_a_decision_renumbers_the_later_ones(world):
    first, _second, _third = (
        services.add_decision(meeting=world.meeting, text=text) for text in ("A", "B", "C")
    )

    services.delete_decision(decision=first)

    assert numbers(world.meeting) == [(1, "B"), (2, "C")]
    assert services.add_decision(meeting=world.meeting, text="D").number == 3


def test_decisions_are_locked_with_the_approved_minutes(world, minutes):
    decision = services.add_decision(meeting=world.meeting, text="Sebelum disetujui.")
    services.approve_minutes(
        minutes=minutes, approver_name="Ketua", approver_nip="", by=world.organizer
    )

    with pytest.raises(services.MinutesLocked):
        services.add_decision(meeting=world.meeting, text="Sesudah")
    with pytest.raises(services.MinutesLocked):
        services.update_decision(decision=decision, text="Diubah")
    with pytest.raises(services.MinutesLocked):
        services.delete_decision(decision=decision)

    assert numbers(world.meeting) == [(1, "Sebelum disetujui.")]


def test_the_approved_version_keeps_its_decisions(world, minutes):
    services.add_decision(meeting=world.meeting, text="Sertifikasi humas dipimpin Iprahumas.")

    services.approve_minutes(
        minutes=minutes, approver_name="Ketua", approver_nip="", by=world.organizer
    )

    snapshot = minutes.revisions.get(approved_version=1)
    assert snapshot.content["decisions"] == [
        {"number": 1, "text": "Sertifikasi humas dipimpin Iprahumas."}
    ]


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("minutes")
def test_adding_a_decision_inline_returns_the_list_under_its_agenda_item(client, world):
    client.force_login(world.taker_user)

    response = client.post(
        reverse("outputs:decision_add", args=[world.meeting.pk]),
        {"text": "Kurikulum <b>pranata</b> humas", "agenda_item": world.items[2].pk},
        **HTMX,
    )

    html = response.content.decode()
    assert 'id="decisions"' in html
    assert "Kurikulum &lt;b&gt;pranata&lt;/b&gt; humas" in html
    assert f"Agenda item: {world.items[2].title}" in html
    assert numbers(world.meeting) == [(1, "Kurikulum <b>pranata</b> humas")]


@pytest.mark.usefixtures("minutes")
def test_editing_and_deleting_a_decision_from_the_editor(client, world):
    decision = services.add_decision(meeting=world.meeting, text="Lama")
    client.force_login(world.organizer)

    client.post(
        reverse("outputs:decision_edit", args=[world.meeting.pk, decision.pk]), {"text": "Baru"}
    )
    assert numbers(world.meeting) == [(1, "Baru")]
    client.post(reverse("outputs:decision_delete", args=[world.meeting.pk, decision.pk]))
    assert numbers(world.meeting) == []


def test_a_decision_of_another_meeting_cannot_be_reached_through_this_one(client, world):
    foreign = services.add_decision(meeting=MeetingFactory.create(), text="Bukan milikmu")
    client.force_login(world.organizer)

    response = client.post(reverse("outputs:decision_delete", args=[world.meeting.pk, foreign.pk]))

    assert response.status_code == 404
    assert Decision.objects.filter(pk=foreign.pk).exists()


def test_the_search_finds_decisions_of_the_meetings_one_organizes(client, world):
    services.add_decision(meeting=world.meeting, text="Iprahumas menjadi think tank humas.")
    services.add_decision(meeting=world.meeting, text="Pedoman pelatihan disusun.")
    elsewhere = MeetingFactory.create()
    services.add_decision(meeting=elsewhere, text="Think tank rahasia rapat lain.")
    client.force_login(world.organizer)

    html = client.get(reverse("outputs:decision_search"), {"q": "think tank"}).content.decode()

    assert "Iprahumas menjadi think tank humas." in html
    assert "Pedoman pelatihan" not in html
    assert "rahasia" not in html


@pytest.mark.usefixtures("world")
def test_staff_search_every_meeting_and_others_are_refused(client):
    services.add_decision(meeting=MeetingFactory.create(), text="Keputusan rapat lain.")

    client.force_login(UserFactory.create())
    assert client.get(reverse("outputs:decision_search")).status_code == 403
    client.force_login(UserFactory.create(is_staff=True))
    html = client.get(reverse("outputs:decision_search"), {"q": "rapat lain"}).content.decode()
    assert "Keputusan rapat lain." in html


@pytest.mark.parametrize("rows", [3, 50])
@pytest.mark.usefixtures("db")
def test_the_search_reads_a_fixed_number_of_queries(client, rows, django_assert_max_num_queries):
    organizer = OrganizerFactory.create()
    for index in range(rows):
        meeting = MeetingFactory.create(sessions=0)
        meeting.organizers.add(organizer)
        item = AgendaItemFactory.create(meeting=meeting)
        services.add_decision(meeting=meeting, text=f"Keputusan {index}", agenda_item=item)
    client.force_login(organizer)

    with django_assert_max_num_queries(7):
        response = client.get(reverse("outputs:decision_search"), {"q": "Keputusan"})

    assert response.status_code == 200
    assert response.content.decode().count("Keputusan ") >= min(rows, 50)
