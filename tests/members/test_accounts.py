"""Accounts and members: which account belongs to which person, and the mail allauth sends."""

import email
import email.policy

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse

from members.services import attach_account_to_member
from outbox.models import Kind, OutboxMessage
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_verified_email_attaches_the_account_to_the_member_with_that_email():
    user = UserFactory.create(email="budi@bps.go.id", name="")
    member = MemberFactory.create(email="Budi@BPS.go.id", full_name="Budi Santoso")

    attached = attach_account_to_member(user=user, email="budi@bps.go.id")

    member.refresh_from_db()
    user.refresh_from_db()
    assert attached == member
    assert member.user == user
    assert user.name == "Budi Santoso"


def test_the_account_keeps_the_name_it_already_has():
    user = UserFactory.create(email="budi@bps.go.id", name="Pak Budi")
    MemberFactory.create(email="budi@bps.go.id", full_name="Budi Santoso")

    attach_account_to_member(user=user, email="budi@bps.go.id")

    user.refresh_from_db()
    assert user.name == "Pak Budi"


def test_an_unverified_email_attaches_nothing():
    user = UserFactory.create(email="budi@bps.go.id")
    EmailAddress.objects.filter(user=user).update(verified=False)
    member = MemberFactory.create(email="budi@bps.go.id")

    attached = attach_account_to_member(user=user, email="budi@bps.go.id")

    member.refresh_from_db()
    assert attached is None
    assert member.user is None


def test_an_email_of_another_account_attaches_nothing():
    user = UserFactory.create(email="budi@bps.go.id")
    member = MemberFactory.create(email="ani@bps.go.id")

    attached = attach_account_to_member(user=user, email="ani@bps.go.id")

    member.refresh_from_db()
    assert attached is None
    assert member.user is None


def test_a_member_with_an_account_keeps_it():
    first = UserFactory.create(email="budi.santoso@gmail.com")
    member = MemberFactory.create(email="budi@bps.go.id", user=first)
    second = UserFactory.create(email="budi@bps.go.id")

    attached = attach_account_to_member(user=second, email="budi@bps.go.id")

    member.refresh_from_db()
    assert attached is None
    assert member.user == first


def test_an_account_belongs_to_one_member_only():
    user = UserFactory.create(email="budi@bps.go.id")
    MemberFactory.create(email="budi@bps.go.id", user=user)
    EmailAddress.objects.create(user=user, email="budi.santoso@bps.go.id", verified=True)
    other = MemberFactory.create(email="budi.santoso@bps.go.id")

    attached = attach_account_to_member(user=user, email="budi.santoso@bps.go.id")

    other.refresh_from_db()
    assert attached is None
    assert other.user is None


def test_attaching_twice_changes_nothing_the_second_time():
    user = UserFactory.create(email="budi@bps.go.id")
    member = MemberFactory.create(email="budi@bps.go.id")

    first = attach_account_to_member(user=user, email="budi@bps.go.id")
    second = attach_account_to_member(user=user, email="budi@bps.go.id")

    assert first == member
    assert second is None
    member.refresh_from_db()
    assert member.user == user


def mail_for(client, address: str):
    client.post(reverse("account_request_login_code"), {"email": address})
    row = OutboxMessage.objects.get(recipient=address)
    return row, email.message_from_bytes(bytes(row.raw), policy=email.policy.default)


def test_a_sign_in_code_is_one_plain_text_account_message_in_the_outbox(client):
    UserFactory.create(email="budi@bps.go.id")

    row, message = mail_for(client, "budi@bps.go.id")

    assert row.kind == Kind.ACCOUNT
    assert row.state == "queued"
    assert message.get_content_type() == "text/plain"
    assert message["To"] == "budi@bps.go.id"
    assert message["Message-ID"] == row.message_id
    assert message["Auto-Submitted"] == "auto-generated"
    assert settings.SITE_URL in message.get_content()


def test_account_mail_is_written_in_the_language_of_the_page(client):
    UserFactory.create(email="budi@bps.go.id")
    UserFactory.create(email="ani@bps.go.id")

    _, indonesian = mail_for(client, "budi@bps.go.id")
    client.cookies.clear()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _, english = mail_for(client, "ani@bps.go.id")

    assert indonesian["Content-Language"] == "id"
    assert english["Content-Language"] == "en"
    assert "Your code to sign in to Rakor" in english.get_content()
