"""Rakor's SMTP backend sends the outbox's stored messages exactly as Django's own backend
would: the same envelope, the same bytes."""

import smtplib
from email.utils import formataddr

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import sanitize_address

from core.mail_backends import SmtpBackend, envelope_address
from outbox import services
from outbox.models import OutboxMessage


@pytest.mark.parametrize(
    "address",
    [
        "andi@kemenag.go.id",
        "Andi.Budi+rapat@Kemenag.GO.ID",
        "o'brien@x.id",
        "a!#$%&'*+/=?^_`{|}~-z@x-y.id",
        "a..b@x.id",
        ".a@x.id",
        "a@x..id",
        "a@" + "x" * 63 + ".id",
        "a@" + "x" * 64 + ".id",
        "a@x.id.",
        "andi@kemenag.go.id ",
        "Andi <andi@kemenag.go.id>",
        '"Andi, Budi" <andi@kemenag.go.id>',
        "Ändi <andi@kemenag.go.id>",
        "andi@kemenäg.go.id",
        "ändi@kemenag.go.id",
        "Rakor <rakor@localhost>",
        "andi@localhost",
    ],
)
def test_the_envelope_address_is_the_one_djangos_smtp_backend_would_send(address, settings):
    try:
        expected = sanitize_address(address, settings.DEFAULT_CHARSET)
    except ValueError as error:
        with pytest.raises(type(error)):
            envelope_address(address)
    else:
        assert envelope_address(address) == expected


class Recorder(smtplib.SMTP):
    """An SMTP connection (never connected) that keeps what it is asked to send."""

    def __init__(self):
        super().__init__()
        self.calls: list[tuple] = []

    def sendmail(self, *args):
        self.calls.append(args)


@pytest.mark.django_db
def test_a_stored_message_goes_out_as_djangos_backend_would_send_it(
    django_capture_on_commit_callbacks,
):
    message = EmailMessage(
        subject="Rapat ü",
        body="baris\r\nbaris ü\n",
        from_email="Rakor Ü <rakor@kemenag.go.id>",
        to=[formataddr(("Andi, Budi", "andi@kemenag.go.id"))],
    )
    with django_capture_on_commit_callbacks(execute=False):
        row = services.queue_message(message=message)
    ours, djangos = SmtpBackend(), EmailBackend()
    ours.connection, djangos.connection = ours_sent, djangos_sent = Recorder(), Recorder()

    stored = services.StoredEmail(OutboxMessage.objects.get(pk=row.pk))
    assert ours.send_messages([stored]) == djangos.send_messages([stored]) == 1

    assert ours_sent.calls == djangos_sent.calls


def test_any_other_message_goes_djangos_way(settings):
    ours = SmtpBackend()
    ours.connection = sent = Recorder()
    message = EmailMessage(subject="Rapat", body="Isi", to=["andi@kemenag.go.id"])

    assert ours.send_messages([message]) == 1

    [(sender, recipients, _raw)] = sent.calls
    assert (sender, recipients) == (settings.DEFAULT_FROM_EMAIL, ["andi@kemenag.go.id"])
