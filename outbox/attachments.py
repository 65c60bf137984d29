"""Attachments stored once and referenced by many outbox rows (the surat undangan of a meeting,
attached to every invitation): a row keeps a small reference (model, primary key, field holding
the bytes or the file, file name, type) and the file is added to the message's bytes when it is
sent, read and encoded once per process. A fan-out of thousands of emails thus stores one copy
of the file.

Only messages whose top level is multipart/mixed take them (every calendar email is one); the
part is written as the last of the top-level parts, exactly as Django would have attached it.
"""

import base64
import functools
import hashlib
import re
from dataclasses import asdict, dataclass

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


# The boundary of a top-level multipart/mixed, its header possibly folded over lines.
_BOUNDARY = re.compile(
    rb'^Content-Type:\s*multipart/mixed;(?:[^\n]|\n[ \t])*?boundary="?([^";\r\n]+)"?', re.I | re.M
)


def _header_end(raw: bytes) -> int:
    end = raw.find(b"\n\n")
    return len(raw) if end < 0 else end


def check_attachable(raw: bytes) -> None:
    """ValueError unless the message's top level is multipart/mixed."""
    if not _BOUNDARY.search(raw[: _header_end(raw)]):
        raise ValueError("Stored attachments need a multipart/mixed message.")


@functools.lru_cache(maxsize=16)
def _encoded(model: str, pk: int, field: str, sha256: str) -> bytes:
    """The file's bytes in base64, 76 characters a line, read once per process (the files
    referenced are frozen: they never change under the same primary key and hash). ValueError
    when the bytes are not those the reference names."""
    value = getattr(apps.get_model(model).objects.get(pk=pk), field)
    if hasattr(value, "open"):  # a FieldFile
        with value.open("rb") as stored:
            value = stored.read()
    data = bytes(value)
    if sha256 and hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"The stored attachment {model} #{pk} is not the file referenced.")
    return base64.encodebytes(data)


def with_attachments(raw: bytes, attachments: list[dict]) -> bytes:
    """`raw` with each referenced file added as the last parts of its multipart/mixed top
    level; `raw` itself when there is none. Line ends are those of `raw` ("\\n" as stored)."""
    if not attachments:
        return raw
    match = _BOUNDARY.search(raw[: _header_end(raw)])
    if match is None:
        raise ValueError("Stored attachments need a multipart/mixed message.")
    closing = b"\n--" + match.group(1) + b"--"
    at = raw.rfind(closing)
    if at < 0:
        raise ValueError("The message's closing boundary is missing.")
    parts = []
    for reference in attachments:
        attachment = StoredAttachment(**reference)
        name = attachment.filename.replace('"', "")
        parts.append(
            b"\n--"
            + match.group(1)
            + b"\n"
            + f'Content-Type: {attachment.content_type}; name="{name}"\n'.encode()
            + b"Content-Transfer-Encoding: base64\n"
            + f'Content-Disposition: attachment; filename="{name}"\n\n'.encode()
            + _encoded(attachment.model, attachment.pk, attachment.field, attachment.sha256).rstrip(
                b"\n"
            )
        )
    return raw[:at] + b"".join(parts) + raw[at:]
