"""Signing in with django-allauth: a one-time code by email first, a password second.

The codes are read from the outbox, where every email Rakor sends is written first.
"""

import email
import email.policy
import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.urls import reverse

from members.models import User
from outbox.models import Kind, OutboxMessage
from tests.members.factories import MemberFactory, UserFactory
from tests.support.found import body, found

pytestmark = pytest.mark.django_db

CODE_LINE = re.compile(r"^ {4}(?P<code>[A-Z0-9-]{6,})$", re.MULTILINE)


@pytest.fixture
def client_factory():
    """Browsers set to English, so the tests read the source texts."""

    def new_client() -> Client:
        browser = Client()
        browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return browser

    return new_client


@pytest.fixture
def client(client_factory):
    return client_factory()


def account_mails(address: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(recipient=address, kind=Kind.ACCOUNT).order_by("pk"))


def text_of(row: OutboxMessage) -> str:
    message = email.message_from_bytes(bytes(row.raw), policy=email.policy.default)
    return body(message)


def code_in(row: OutboxMessage) -> str:
    return found(CODE_LINE, text_of(row))["code"]


def request_code(client, address: str):
    return client.post(reverse("account_request_login_code"), {"email": address})


def enter_code(client, code: str):
    return client.post(reverse("account_confirm_login_code"), {"code": code})


def signed_in_user(client):
    return client.get(reverse("home")).wsgi_request.user


def test_the_sign_in_page_leads_with_the_emailed_code(client):
    page = client.get(reverse("account_login")).content.decode()

    code_form = page.index(f'action="{reverse("account_request_login_code")}"')
    password_form = page.index(f'action="{reverse("account_login")}"')
    assert code_form < password_form
    assert "Email me a sign-in code" in page
    assert "Sign in with a password" in page


def test_a_verified_user_signs_in_with_the_code_from_the_email(client):
    user = UserFactory.create(email="andi@kemenag.go.id")

    asked = request_code(client, "andi@kemenag.go.id")
    [mail] = account_mails("andi@kemenag.go.id")
    signed_in = enter_code(client, code_in(mail))

    assert asked.status_code == 302
    assert asked.url == reverse("account_confirm_login_code")
    assert mail.subject == "[Rakor] Your sign-in code"
    assert "Your code to sign in to Rakor" in text_of(mail)
    assert signed_in.status_code == 302
    assert signed_in.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert signed_in_user(client) == user
    assert "andi@kemenag.go.id" in client.get(reverse("home")).content.decode()


def test_the_code_may_be_typed_in_lower_case_and_without_the_dash(client):
    user = UserFactory.create(email="andi@kemenag.go.id")
    request_code(client, "andi@kemenag.go.id")
    [mail] = account_mails("andi@kemenag.go.id")

    enter_code(client, code_in(mail).replace("-", "").lower())

    assert signed_in_user(client) == user


def test_a_wrong_code_is_refused_and_changes_nothing(client):
    user = UserFactory.create(email="andi@kemenag.go.id")
    member = MemberFactory.create(email="andi@kemenag.go.id")
    request_code(client, "andi@kemenag.go.id")
    [mail] = account_mails("andi@kemenag.go.id")
    wrong = "ZZZZ-ZZZZ" if code_in(mail) != "ZZZZ-ZZZZ" else "YYYY-YYYY"

    refused = enter_code(client, wrong)

    assert refused.status_code == 200
    assert "Incorrect code." in refused.content.decode()
    assert not signed_in_user(client).is_authenticated
    member.refresh_from_db()
    assert member.user is None
    user.refresh_from_db()
    assert user.last_login is None


def test_three_wrong_codes_end_the_attempt_so_the_right_one_no_longer_works(client):
    UserFactory.create(email="andi@kemenag.go.id")
    request_code(client, "andi@kemenag.go.id")
    [mail] = account_mails("andi@kemenag.go.id")
    code = code_in(mail)
    wrong = "ZZZZ-ZZZZ" if code != "ZZZZ-ZZZZ" else "YYYY-YYYY"

    for _ in range(3):
        enter_code(client, wrong)
    too_late = enter_code(client, code)

    assert too_late.status_code == 302
    assert too_late.url == reverse("account_request_login_code")
    assert not signed_in_user(client).is_authenticated


def test_signing_in_by_code_attaches_the_account_to_the_member_with_that_email(client):
    user = UserFactory.create(email="andi@kemenag.go.id", name="")
    member = MemberFactory.create(email="Andi@Kemenag.go.id", full_name="Andi Prasetyo")

    request_code(client, "andi@kemenag.go.id")
    enter_code(client, code_in(account_mails("andi@kemenag.go.id")[0]))

    member.refresh_from_db()
    user.refresh_from_db()
    assert member.user == user
    assert user.name == "Andi Prasetyo"


def test_signing_up_with_a_members_email_attaches_the_account_once_the_code_is_confirmed(client):
    member = MemberFactory.create(email="siti.rahma@kemenag.go.id", full_name="Siti Rahmawati")

    signed_up = client.post(
        reverse("account_signup"), {"email": "siti.rahma@kemenag.go.id", "password1": ""}
    )
    user = User.objects.get(email="siti.rahma@kemenag.go.id")
    member.refresh_from_db()
    attached_before_confirming = member.user
    [mail] = account_mails("siti.rahma@kemenag.go.id")
    confirmed = client.post(reverse("account_email_verification_sent"), {"code": code_in(mail)})

    assert signed_up.status_code == 302
    assert signed_up.url == reverse("account_email_verification_sent")
    assert mail.subject == "[Rakor] Confirm your email address"
    assert attached_before_confirming is None
    assert confirmed.status_code == 302
    member.refresh_from_db()
    user.refresh_from_db()
    assert member.user == user
    assert user.name == "Siti Rahmawati"
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert signed_in_user(client) == user


def test_signing_up_with_a_taken_address_reveals_nothing_and_emails_a_way_in(client):
    user = UserFactory.create(email="andi@kemenag.go.id")

    signed_up = client.post(reverse("account_signup"), {"email": "andi@kemenag.go.id"})

    [mail] = account_mails("andi@kemenag.go.id")
    assert signed_up.status_code == 302
    assert signed_up.url == reverse("account_email_verification_sent")
    assert mail.subject == "[Rakor] You already have a Rakor account"
    assert reverse("account_login") in text_of(mail)
    assert list(User.objects.all()) == [user]


def test_an_account_whose_email_is_unverified_does_not_attach(client):
    user = UserFactory.create(email="siti.rahma@kemenag.go.id")
    user.set_password("Rapat-Koordinasi-2021")
    user.save()
    EmailAddress.objects.filter(user=user).update(verified=False)
    member = MemberFactory.create(email="siti.rahma@kemenag.go.id")

    with_password = client.post(
        reverse("account_login"),
        {"login": "siti.rahma@kemenag.go.id", "password": "Rapat-Koordinasi-2021"},
    )

    assert with_password.status_code == 302
    assert with_password.url == reverse("account_email_verification_sent")
    assert [mail.subject for mail in account_mails("siti.rahma@kemenag.go.id")] == [
        "[Rakor] Confirm your email address"
    ]
    assert not signed_in_user(client).is_authenticated
    member.refresh_from_db()
    assert member.user is None


def test_a_sign_in_code_proves_the_address_so_an_unverified_account_then_attaches(client):
    user = UserFactory.create(email="siti.rahma@kemenag.go.id")
    EmailAddress.objects.filter(user=user).update(verified=False)
    member = MemberFactory.create(email="siti.rahma@kemenag.go.id")

    request_code(client, "siti.rahma@kemenag.go.id")
    enter_code(client, code_in(account_mails("siti.rahma@kemenag.go.id")[0]))

    assert signed_in_user(client) == user
    assert EmailAddress.objects.get(user=user).verified
    member.refresh_from_db()
    assert member.user == user


def test_too_many_code_requests_for_one_address_are_refused(client_factory):
    UserFactory.create(email="andi@kemenag.go.id")
    # allauth's limit "request_login_code": 3 a minute per address, whoever asks.
    for _ in range(3):
        assert request_code(client_factory(), "andi@kemenag.go.id").status_code == 302

    refused = request_code(client_factory(), "ANDI@kemenag.go.id")

    assert refused.status_code == 200
    assert "Too many failed login attempts. Try again later." in refused.content.decode()
    assert len(account_mails("andi@kemenag.go.id")) == 3


def test_a_code_request_for_an_unknown_address_looks_the_same_and_sends_no_code(client):
    asked = request_code(client, "nobody@kemenag.go.id")

    [mail] = account_mails("nobody@kemenag.go.id")
    assert asked.status_code == 302
    assert asked.url == reverse("account_confirm_login_code")
    assert mail.subject == "[Rakor] No Rakor account for this address yet"
    assert CODE_LINE.search(text_of(mail)) is None
    assert reverse("account_signup") in text_of(mail)


def test_signing_out_takes_a_post(client):
    user = UserFactory.create()
    client.force_login(user)

    asked = client.get(reverse("account_logout"))
    still_signed_in = signed_in_user(client)
    signed_out = client.post(reverse("account_logout"))

    assert asked.status_code == 200
    assert still_signed_in == user
    assert signed_out.status_code == 302
    assert not signed_in_user(client).is_authenticated
