import factory
from django.core.mail import EmailMultiAlternatives

from outbox.models import Kind, OutboxMessage, State


def _mime(o) -> bytes:
    message = EmailMultiAlternatives(
        subject=o.subject,
        body=o.body,
        from_email=o.from_email,
        to=[o.recipient],
        headers={"Message-ID": o.message_id},
    )
    if o.html:
        message.attach_alternative(o.html, "text/html")
    # django-stubs 6 describe Django 6's message(); Django 5.2's takes `linesep`.
    return message.message().as_bytes(linesep="\n")  # type: ignore[call-arg]


class OutboxMessageFactory(factory.django.DjangoModelFactory[OutboxMessage]):
    """A message as outbox.services.queue_message writes it, in whatever state a test needs."""

    class Meta:
        model = OutboxMessage

    class Params:
        body = "Yth. Bapak/Ibu, dengan hormat kami mengundang Anda."
        html = None

    recipient = factory.Sequence(lambda n: f"peserta{n}@instansi.go.id")
    from_email = "Rakor <rakor@localhost>"
    subject = "Undangan Rapat Koordinasi Pranata Humas Antar K/L"
    kind = Kind.INVITATION
    message_id = factory.Sequence(lambda n: f"<{n}.outbox@rakor.test>")
    raw = factory.LazyAttribute(_mime)
    state = State.QUEUED


class FailedMessageFactory(OutboxMessageFactory):
    state = State.FAILED
    attempts = 8
    last_error = "SMTPRecipientsRefused: {'peserta@instansi.go.id': (550, b'5.1.1 User unknown')}"
