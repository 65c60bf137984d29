"""Erasure leaves no live copy of the person's address or name: walk-in forms they filled in
(accepted or still waiting) and the access log's entries of their own exports."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance.models import WalkIn
from core.secrets import hash_secret, new_secret
from personal_data.models import AccessEntry, DataLink
from personal_data.services.rights import erase_member
from tests.attendance.factories import CheckInFactory, WalkInFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

ADDRESS = "budi@kominfo.go.id"


def test_walk_in_forms_lose_the_address_and_name():
    person = MemberFactory(full_name="Budi Santoso", email=ADDRESS)
    checkin = CheckInFactory(invitation__member=person)
    accepted = WalkInFactory(
        session=checkin.session,
        full_name="Budi Santoso",
        email=ADDRESS,
        state=WalkIn.State.ACCEPTED,
        invitation=checkin.invitation,
    )
    waiting = WalkInFactory(full_name="Budi Santoso", email=ADDRESS.upper())

    erase_member(member=person)

    for walk_in in WalkIn.objects.filter(pk__in=[accepted.pk, waiting.pk]):
        assert "budi" not in walk_in.email.lower()
        assert "Budi" not in walk_in.full_name
        assert (walk_in.nip, walk_in.phone, walk_in.position) == ("", "", "")


def test_the_access_log_keeps_no_address_of_an_erased_person(client):
    person = MemberFactory(full_name="Budi Santoso", email=ADDRESS)
    secret = new_secret()
    DataLink.objects.create(
        member=person,
        secret_hash=hash_secret(secret),
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    client.get(reverse("personal_data:open_link", args=[secret]))
    assert client.get(reverse("personal_data:export", args=["json"])).status_code == 200
    assert AccessEntry.objects.filter(user_label__icontains="budi").exists()

    erase_member(member=person)

    assert not AccessEntry.objects.filter(user_label__icontains="budi").exists()
    assert AccessEntry.objects.count() == 1
