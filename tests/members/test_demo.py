import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.utils import translation

from members import demo, demo_people
from members.models import Agency, Member, User
from members.permissions import is_organizer
from members.validators import Employment, normalize_phone, validate_nip
from tests.support.found import found, present

pytestmark = pytest.mark.django_db


def load() -> str:
    """Run the command in English: the assertions read its printed summary (the command prints
    in the active language, settings.LANGUAGE_CODE — Indonesian — unless one is activated)."""
    out = StringIO()
    with translation.override("en"):
        call_command("load_demo", "--force", stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        "agencies": Agency.objects.count(),
        "members": Member.objects.count(),
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
    }


def snapshot() -> list:
    return [
        list(Agency.objects.order_by("pk").values()),
        list(Member.objects.order_by("pk").values()),
        list(User.objects.order_by("pk").values("pk", "email", "password", "name")),
    ]


def test_loading_twice_changes_and_duplicates_nothing():
    load()
    first_counts, first_rows = counts(), snapshot()

    output = load()

    assert counts() == first_counts
    assert snapshot() == first_rows
    assert "0 created, 0 updated" in output


def test_the_demo_is_large_and_realistic_enough():
    load()

    assert Agency.objects.count() >= 15
    assert Member.objects.count() >= 40
    assert Member.objects.filter(employment=Employment.PPPK).count() >= 2
    assert Agency.objects.filter(kind=Agency.Kind.REGIONAL).count() >= 3
    sekretariat = Agency.objects.get(name=demo_people.SEKRETARIAT)
    assert present(sekretariat.parent).name == demo_people.BALITBANG
    assert present(present(sekretariat.parent).parent).name == demo_people.KEMENAG
    assert Member.objects.get(full_name="Muharam Marzuki").agency == sekretariat


@pytest.mark.parametrize("person", demo_people.MEMBERS, ids=lambda person: person.email)
def test_every_demo_member_has_a_valid_nip_phone_and_rank(person):
    if person.nip:
        validate_nip(person.nip, person.employment)
    else:
        assert person.employment == Employment.OTHER
    if person.employment == Employment.PNS:
        assert person.rank
        assert person.nip[14] in "12"
    if person.phone:
        assert normalize_phone(person.phone) == person.phone
    assert re.fullmatch(r"[a-z.]+@[a-z]+\.(go\.id|id)", person.email)


def test_the_organizer_signs_in_with_the_printed_password(client):
    output = load()
    password = found(r"password (\S+) ", output).group(1)

    assert demo_people.ORGANIZER_EMAIL in output
    assert password == demo.DEFAULT_ORGANIZER_PASSWORD
    assert client.login(email=demo_people.ORGANIZER_EMAIL, password=password)
    user = User.objects.get(email=demo_people.ORGANIZER_EMAIL)
    assert is_organizer(user)
    assert not user.is_staff
    assert EmailAddress.objects.get(user=user).verified
    assert EmailAddress.objects.get(user=user).primary
    assert user.member.agency.name == demo_people.SEKRETARIAT


def test_the_organizer_password_comes_from_the_environment(client, monkeypatch):
    load()
    monkeypatch.setenv(demo.ORGANIZER_PASSWORD_ENV, "another-demo-password")

    output = load()

    assert "another-demo-password" in output
    assert client.login(email=demo_people.ORGANIZER_EMAIL, password="another-demo-password")


def test_a_second_run_restores_edited_demo_rows():
    load()
    bnpb = Agency.objects.get(acronym="BNPB")
    Member.objects.filter(email="sri.wahyuni@bps.go.id").update(position="Statistisi", agency=bnpb)

    output = load()

    restored = Member.objects.get(email="sri.wahyuni@bps.go.id")
    assert (restored.position, restored.agency.acronym) == ("Pranata Humas Ahli Muda", "BPS")
    assert "0 created, 1 updated" in output


def test_the_demo_is_refused_on_a_server_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("load_demo", stdout=StringIO())

    assert not Member.objects.exists()
