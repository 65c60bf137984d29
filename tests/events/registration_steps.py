"""The public registration's steps as a visitor takes them: the form's data, the code sent by
mail, the confirmation."""

import email
import re
from email import policy

from django.urls import reverse

from outbox.models import Kind, OutboxMessage
from tests.support.found import body, found


def url(meeting, name="events:register"):
    return reverse(name, args=[meeting.public_code])


def details(agency, /, **overrides) -> dict:
    return {
        "full_name": "Siti Rahmawati, S.Sos.",
        "email": "siti@kemenag.go.id",
        "nip": "19850315 201001 1 001",
        "agency": agency.pk,
        "work_unit": "Biro Humas",
        "position": "Pranata Humas Ahli Muda",
        "rank": "III/c",
        "phone": "0812-3456-7890",
        **overrides,
    }


def messages_to(address: str, kind: str) -> list:
    rows = OutboxMessage.objects.filter(recipient=address, kind=kind).order_by("pk")
    return [email.message_from_bytes(bytes(row.raw), policy=policy.default) for row in rows]


def code_sent_to(address: str) -> str:
    last = messages_to(address, Kind.REGISTRATION)[-1]
    return found(CODE, body(last)).group(1)


def confirm(client, meeting, code, capture):
    with capture(execute=True):
        return client.post(url(meeting, "events:register_confirm"), {"code": code})


CODE = re.compile(r"^ {4}(\d{6})$", re.MULTILINE)
