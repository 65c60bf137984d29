"""Text as people type, paste or upload it, made safe to keep and to show.

Names, positions, agencies, titles: one-line fields never hold control characters. A control
character is invisible on a page, breaks mail headers and calendar lines, and hides what a
spreadsheet sees: `\\x01=HYPERLINK(…)` looks like text to a formula check but becomes a live
formula once the XLSX writer drops the `\\x01`. So every one-line field is cleaned where data
enters (OneLineField in forms; one_line() in the services that take data from elsewhere:
roster rows, the paste box, registration, representatives, walk-ins; cleaned_for() in the
services that save a whole model form: the meeting, its surat undangan, the laporan), and every
export cleans each cell again before it checks for formulas (core.exports). Texts of several
lines (a description, an address) lose their control characters too: calendar files and Word
documents cannot hold them.
"""

import re

from django import forms
from django.db import models

# C0 and C1 control characters and DEL (tab, line feed and carriage return included).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Controls that have no place even in text of several lines: all but tab, LF and CR.
CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible characters that hide or reorder text: zero-width space and word joiners, direction
# marks, embeddings, overrides and isolates, the byte-order mark, soft hyphen, interlinear
# annotation marks. (The zero-width joiners U+200C/U+200D stay: some scripts need them.)
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb]"
)
# Whatever separates words or lines: runs become one space in a one-line field.
SPACES = re.compile(r"[\s\u2028\u2029]+")


def one_line(value) -> str:
    """`value` as a one-line field keeps it: control and invisible characters gone, line
    breaks and runs of spaces made one space, no space at either end."""
    text = INVISIBLE.sub("", str(value or ""))
    text = CONTROL.sub(" ", text)
    return SPACES.sub(" ", text).strip()


def without_controls(value: str) -> str:
    """Text of any length without control or invisible characters; tabs and line breaks
    stay."""
    return INVISIBLE.sub("", CONTROL_BUT_LINES.sub("", value))


def cleaned_for(model: type[models.Model], name: str, value):
    """`value` as the model's field `name` keeps it, for services that copy many fields from
    a form at once: one_line() for a CharField, without_controls() (trimmed) for a TextField;
    a value of another type as it is."""
    if not isinstance(value, str):
        return value
    field = model._meta.get_field(name)
    if isinstance(field, models.TextField):
        return without_controls(value).strip()
    if isinstance(field, models.CharField):
        return one_line(value)
    return value


class OneLineField(forms.CharField):
    """A form's one-line text (a name, a position, a title): cleaned by one_line() before any
    other check, so a value of only invisible characters is an empty one."""

    def to_python(self, value):
        value = super().to_python(value)
        return one_line(value) if value else value
