"""Attachments stored once and referenced by many outbox rows (the surat undangan of a meeting,
attached to every invitation): a row keeps a small reference (model, primary key, field holding
the bytes or the file, file name, type) and the file is added to the message's bytes when it is
sent, read and encoded once per process. A fan-out of thousands of emails thus stores one copy
of the file.

Only messages whose top level is multipart/mixed take them (every calendar email is one); the
file is added as the last part through the standard library's email API, as Django would have
attached it.
"""

import functools
import hashlib
from dataclasses import asdict, dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser

from django.apps import apps


@dataclass(frozen=True)
class StoredAttachment:
    """A file held by a model instance's BinaryField or FileField, to attach when sent. It must
    never change under the same primary key (a frozen record's bytes)."""

    model: str  # "app_label.modelname"
    pk: int
    field: str
    filename: str
    content_type: str
    sha256: str = ""  # of the bytes: checked when read, and part of the cache's key

    def as_json(self) -> dict:
        return asdict(self)


# What the stored bytes are written back with: the policy they were parsed with, and the line
# ends they are stored with.
_STORED = policy.default.clone(linesep="\n")


def _parsed(raw: bytes, *, headers_only: bool = False) -> EmailMessage:
    parser = BytesHeaderParser if headers_only else BytesParser
    return parser(policy=_STORED).parsebytes(raw)


def check_attachable(raw: bytes) -> None:
    """ValueError unless the message's top level is multipart/mixed."""
    if _parsed(raw, headers_only=True).get_content_type() != "multipart/mixed":
        raise ValueError("Stored attachments need a multipart/mixed message.")


@functools.lru_cache(maxsize=16)
def _content(model: str, pk: int, field: str, sha256: str) -> bytes:
    """The file's bytes, read once per process (the files referenced are frozen: they never
    change under the same primary key and hash). ValueError when the bytes are not those the
    reference names."""
    value = getattr(apps.get_model(model).objects.get(pk=pk), field)
    if hasattr(value, "open"):  # a FieldFile
        with value.open("rb") as stored:
            value = stored.read()
    data = bytes(value)
    if sha256 and hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"The stored attachment {model} #{pk} is not the file referenced.")
    return data


def with_attachments(raw: bytes, attachments: list[dict]) -> bytes:
    """`raw` with each referenced file added as the last parts of its multipart/mixed top
    level; `raw` itself when there is none."""
    if not attachments:
        return raw
    check_attachable(raw)
    message = _parsed(raw)
    for reference in attachments:
        attachment = StoredAttachment(**reference)
        maintype, subtype = attachment.content_type.split("/", 1)
        message.add_attachment(
            _content(attachment.model, attachment.pk, attachment.field, attachment.sha256),
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
        )
    return message.as_bytes()
