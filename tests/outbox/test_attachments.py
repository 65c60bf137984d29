"""Files stored once and referenced by many outbox rows: added to each message when sent."""

import email
from email import policy

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from events.mail import CalendarEmail
from outbox.attachments import StoredAttachment
from outbox.services import deliver_messages, queue_messages
from records.models import RecordFile
from tests.support.found import body

pytestmark = pytest.mark.django_db


def calendar_email(to: str) -> CalendarEmail:
    message = CalendarEmail(
        calendar=b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
        method="REQUEST",
        subject="Undangan",
        body="Yth. Bapak/Ibu",
        to=[to],
    )
    message.attach_alternative("<p>Yth. Bapak/Ibu</p>", "text/html")
    message.attach("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "application/ics")
    return message


def test_a_stored_file_is_sent_with_every_message_that_references_it(
    django_capture_on_commit_callbacks,
):
    stored = RecordFile.objects.create(content=b"%PDF-1.7 surat undangan " + bytes(range(256)) * 40)
    letter = StoredAttachment(
        model="records.recordfile",
        pk=stored.pk,
        field="content",
        filename="surat-undangan-v1.pdf",
        content_type="application/pdf",
    )
    with django_capture_on_commit_callbacks(execute=False):
        rows = queue_messages(
            messages=[calendar_email(f"p{n}@instansi.go.id") for n in range(3)],
            attachments=[letter],
        )

    deliver_messages(message_ids=[row.pk for row in rows])

    assert all(len(bytes(row.raw)) < len(stored.content) for row in rows)
    assert len(mail.outbox) == 3
    for sent in mail.outbox:
        message = email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)
        names = [part.get_filename() for part in message.iter_attachments()]
        [pdf] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
        assert names == ["invite.ics", "surat-undangan-v1.pdf"]
        assert pdf.get_content() == bytes(stored.content)
        assert body(message).strip() == "Yth. Bapak/Ibu"


def test_only_a_multipart_mixed_message_takes_a_stored_file():
    stored = RecordFile.objects.create(content=b"%PDF-1.7")
    plain = EmailMessage(subject="x", body="y", to=["a@instansi.go.id"])

    with pytest.raises(ValueError, match="multipart/mixed"):
        queue_messages(
            messages=[plain],
            attachments=[
                StoredAttachment(
                    "records.recordfile", stored.pk, "content", "a.pdf", "application/pdf"
                )
            ],
        )


def test_a_reference_to_other_bytes_than_the_file_named_is_not_sent(
    django_capture_on_commit_callbacks,
):
    stored = RecordFile.objects.create(content=b"%PDF-1.7 versi 2")
    named = StoredAttachment(
        "records.recordfile", stored.pk, "content", "a.pdf", "application/pdf", sha256="0" * 64
    )
    with django_capture_on_commit_callbacks(execute=False):
        [row] = queue_messages(messages=[calendar_email("a@instansi.go.id")], attachments=[named])

    report = deliver_messages(message_ids=[row.pk])

    assert report.failed == [row.pk]
    assert mail.outbox == []


def test_a_file_name_beyond_ascii_arrives_as_written(django_capture_on_commit_callbacks):
    stored = RecordFile.objects.create(content=b"%PDF-1.7 ralat")
    named = StoredAttachment(
        "records.recordfile", stored.pk, "content", "Ralat – Undangan Rapat.pdf", "application/pdf"
    )
    with django_capture_on_commit_callbacks(execute=False):
        [row] = queue_messages(messages=[calendar_email("a@instansi.go.id")], attachments=[named])

    deliver_messages(message_ids=[row.pk])

    [sent] = mail.outbox
    message = email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == ["invite.ics", "Ralat – Undangan Rapat.pdf"]
