"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 and a free port, keeping every message.

    sink = SmtpSink().start()
    ...                             # send mail to sink.host, sink.port
    sink.wait_for(3)                # until three messages arrived (or TimeoutError)
    [first, *_] = sink.parsed()     # email.message.EmailMessage objects
    sink.stop()

It can also behave like a slow or busy mail server: `delay` holds each answer to DATA for that
many seconds (after the message is kept, as a real server that has taken a message but not yet
said so), and `refuse(times, ...)` answers a temporary failure (451 by default) to the next
deliveries. `on_message(count)`, if set, is called with the number of messages kept so far
each time one is kept, before the server answers: the moment to inject a fault.
"""

import asyncio
import email
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    def parsed(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=policy.default)

    @property
    def message_id(self) -> str:
        return self.parsed()["Message-ID"]


@dataclass
class _Refusal:
    times: int
    code: int
    recipient: str | None


class SmtpSink:
    """An SMTP server that accepts everything (unless told to refuse) and keeps the bytes."""

    def __init__(self, *, delay: float = 0.0):
        self.delay = delay
        self.on_message: Callable[[int], object] | None = None
        self._received: list[Received] = []
        self._refused: list[Received] = []
        self._refusals: list[_Refusal] = []
        self._changed = threading.Condition()
        self._in_data = 0
        self.max_concurrent_deliveries = 0
        self._controller = _FreePortController(self, hostname="127.0.0.1", port=0)

    # Running -------------------------------------------------------------------------------
    def start(self) -> "SmtpSink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    @property
    def host(self) -> str:
        return self._controller.hostname

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def url(self) -> str:
        """For EMAIL_URL (django-environ)."""
        return f"smtp://{self.host}:{self.port}"

    # Behaviour -----------------------------------------------------------------------------
    def refuse(self, times: int = 1, *, code: int = 451, recipient: str | None = None) -> None:
        """Answer `code` to the next `times` deliveries (only those to `recipient`, if given)."""
        with self._changed:
            self._refusals.append(_Refusal(times=times, code=code, recipient=recipient))

    # Reading -------------------------------------------------------------------------------
    @property
    def messages(self) -> list[Received]:
        """Every message the server accepted, in the order it accepted them."""
        with self._changed:
            return list(self._received)

    @property
    def refused(self) -> list[Received]:
        """Every delivery the server answered with a failure."""
        with self._changed:
            return list(self._refused)

    def parsed(self) -> list[EmailMessage]:
        return [received.parsed() for received in self.messages]

    def message_ids(self) -> list[str]:
        return [received.message_id for received in self.messages]

    def wait_for(self, count: int, *, timeout: float = 30.0) -> list[Received]:
        """Wait until at least `count` messages arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._received) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"{len(self._received)} of {count} messages arrived in {timeout} s"
                    )
                self._changed.wait(left)
            return list(self._received)

    # aiosmtpd handler ----------------------------------------------------------------------
    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ARG002 (aiosmtpd's hook)
        received = Received(
            mail_from=envelope.mail_from,
            rcpt_tos=tuple(envelope.rcpt_tos),
            data=envelope.original_content or envelope.content,
        )
        with self._changed:
            refusal = self._take_refusal(received)
            if refusal:
                self._refused.append(received)
            else:
                self._received.append(received)
            self._in_data += 1
            self.max_concurrent_deliveries = max(self.max_concurrent_deliveries, self._in_data)
            self._changed.notify_all()
        try:
            if self.on_message is not None and not refusal:
                await asyncio.to_thread(self.on_message, len(self.messages))
            if self.delay:
                await asyncio.sleep(self.delay)
        finally:
            with self._changed:
                self._in_data -= 1
        if refusal:
            return f"{refusal.code} 4.3.0 Try again later"
        return "250 2.0.0 OK: queued"

    def _take_refusal(self, received: Received) -> _Refusal | None:
        for refusal in self._refusals:
            if refusal.times > 0 and (
                refusal.recipient is None or refusal.recipient in received.rcpt_tos
            ):
                refusal.times -= 1
                return refusal
        return None


class _FreePortController(Controller):
    """aiosmtpd's Controller, listening on the port the system chose (port=0)."""

    def _trigger_server(self):
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        return super()._trigger_server()
