"""Calendar files that share most of their content lines, each line written by icalendar once.

A fan-out writes one file per invitee and session, and all but a few lines of each (the
VTIMEZONE, the calendar's and the event's properties but DTSTAMP, SEQUENCE, DESCRIPTION and
ATTENDEE) are the same in every file. Writing a content line (`Component.content_line`, then
`Contentline.to_ical`, which folds it at 75 octets character by character) is most of the cost
of a file. So the cache sits at that public boundary: a `SharedLines` knows the property values
every file shares (the same Python objects, copied from one component into each file's), and a
`SharingCalendar` asks it for their lines, which icalendar makes the first time and which are
kept. Each file is still `Calendar.to_ical()`, and the bytes are those icalendar writes for the
same calendar without the cache (tests/events/test_calendar.py checks).
"""

from __future__ import annotations

from icalendar import Calendar, Component
from icalendar.parser import Contentline


class FoldedLine(Contentline):
    """A content line that icalendar folds once however many files carry it."""

    def to_ical(self) -> bytes:
        folded = self.__dict__.get("folded")
        if folded is None:
            folded = self.__dict__["folded"] = super().to_ical()
        return folded


class SharedLines:
    """The content lines of the property values (by identity) that many files share."""

    def __init__(self) -> None:
        # id(value) → (value, its line or None until first written); holding the value keeps
        # its id from being reused by another object.
        self._lines: dict[int, tuple[object, FoldedLine | None]] = {}
        self._markers: dict[tuple[str, object], FoldedLine] = {}

    def share(self, component: Component) -> None:
        """Every file that copies `component`'s property values (or its subcomponents') shares
        their lines. The values must not be changed afterwards."""
        for name, value in component.property_items(recursive=True):
            if name not in ("BEGIN", "END"):
                self._lines.setdefault(id(value), (value, None))

    def line(self, calendar: Calendar, name: str, value, sorted: bool) -> Contentline:
        if name in ("BEGIN", "END"):  # a component's bounds, a new bytes value each time
            key = (name, value)
            if key not in self._markers:
                self._markers[key] = FoldedLine(Calendar.content_line(calendar, name, value))
            return self._markers[key]
        shared = self._lines.get(id(value))
        if shared is None or shared[0] is not value:
            return Calendar.content_line(calendar, name, value, sorted=sorted)
        line = shared[1]
        if line is None:
            line = FoldedLine(Calendar.content_line(calendar, name, value, sorted=sorted))
            self._lines[id(value)] = (value, line)
        return line


class SharingCalendar(Calendar):
    """A calendar whose content lines of shared values come from `shared` (SharedLines)."""

    shared: SharedLines | None = None

    def content_line(self, name, value, sorted: bool = True) -> Contentline:
        if self.shared is None:
            return super().content_line(name, value, sorted=sorted)
        return self.shared.line(self, name, value, sorted)


__all__ = ["FoldedLine", "SharedLines", "SharingCalendar"]
