"""Items 8 and 9: whom a window of access touched (for a breach notice), and a person's data
exported by command as "Data saya" exports it."""

import json
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from tests.events.factories import InvitationFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_affected_lists_the_people_an_access_window_showed(organizer_client):
    before = MemberFactory.create(full_name="Dilihat Kemarin")
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=1)):
        organizer_client.get(reverse("members:export", args=["csv"]))
    during = MemberFactory.create(full_name="Dilihat Hari Ini")
    organizer_client.get(reverse("members:export", args=["csv"]))
    out = StringIO()

    call_command(
        "personal_data",
        "affected",
        "--since",
        (start - timedelta(minutes=1)).isoformat(),
        "--until",
        (timezone.now() + timedelta(minutes=1)).isoformat(),
        stdout=out,
        stderr=StringIO(),
    )

    lines = out.getvalue().splitlines()
    assert any(during.email in line for line in lines)
    # Both were in today's export; only the people of that window are listed.
    assert any(before.email in line for line in lines)
    assert len(lines) == 3  # the header and two people


def test_affected_is_empty_for_a_window_without_access():
    MemberFactory.create()
    out = StringIO()

    call_command(
        "personal_data",
        "affected",
        "--since",
        "2020-01-01",
        "--until",
        "2020-01-02",
        stdout=out,
        stderr=StringIO(),
    )

    assert out.getvalue().splitlines() == ["member_id\tname\temail\tagency"]


def test_export_writes_the_same_data_as_the_page(tmp_path):
    invitation = InvitationFactory.create(member__email="rina@bappenas.go.id", note="Hadir")
    target = tmp_path / "rina.json"

    call_command(
        "personal_data",
        "export",
        "--email",
        "RINA@bappenas.go.id",
        "--output",
        str(target),
        stderr=StringIO(),
    )

    data = json.loads(target.read_text())
    assert data["profile"]["email"] == "rina@bappenas.go.id"
    assert data["invitations"][0]["meeting"] == invitation.meeting.title


def test_export_of_an_unknown_address_says_so():
    with pytest.raises(CommandError):
        call_command("personal_data", "export", "--email", "nobody@x.go.id")


def test_affected_says_in_which_zone_it_read_a_window_typed_without_one(settings):
    settings.TIME_ZONE = "Asia/Jakarta"
    err = StringIO()

    call_command(
        "personal_data",
        "affected",
        "--since",
        "2026-03-01T08:00",
        "--until",
        "2026-03-02T17:00",
        stdout=StringIO(),
        stderr=err,
    )

    # A DPO copying UTC times from a server log sees at once that 08:00 meant 08:00 WIB.
    assert "from 2026-03-01 08.00 WIB until 2026-03-02 17.00 WIB" in err.getvalue()
