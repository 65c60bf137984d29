"""What a test reads out of a message, a page or a workbook, failing plainly when it is not
there (rather than with an AttributeError on None)."""

import io
import re
from datetime import date, datetime
from email.message import EmailMessage, Message
from typing import TypeVar

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

T = TypeVar("T")


def body(message: EmailMessage, kind: str = "plain") -> str:
    """The message's text/`kind` part, decoded."""
    part = message.get_body((kind,))
    assert part is not None, f"no text/{kind} part"
    return part.get_content()


def found(pattern: re.Pattern[str] | str, text: str, flags: int = 0) -> re.Match[str]:
    """The first match of `pattern` in `text`."""
    match = re.search(pattern, text, flags)
    assert match is not None, f"{pattern!r} not found"
    return match


def first_sheet(data: bytes) -> Worksheet:
    """The active worksheet of the XLSX file `data`."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet), "no worksheet"
    return sheet


def present(value: T | None) -> T:
    """`value`, which the test expects to be there."""
    assert value is not None
    return value


def moment(value: date) -> datetime:
    """An iCalendar DTSTART or DTEND that is a moment, not a whole day."""
    assert isinstance(value, datetime), value
    return value


def payload(part: Message) -> bytes:
    """The decoded bytes of a single (not multipart) part."""
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes), part.get_content_type()
    return data
