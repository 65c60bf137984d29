"""Google Meet's attendance report (the sheet the organizer gets after a meeting with
attendance tracking, downloaded as CSV or XLSX): one row per person, with their first join,
their last exit and the time they were there in all, the times of day only:

    First name,Last name,Email,Duration,Time joined,Time exited
    Budi,Santoso,budi@kemenag.go.id,2 hr 4 min,7:58 AM,10:02 AM

In Indonesian: "Nama depan", "Nama belakang", "Email", "Durasi", "Waktu bergabung", "Waktu
keluar". Names may be one "Participant" column; dates come from the session."""

from ..tabular import Cell, text
from .base import Platform


class Meet(Platform):
    code = "meet"
    label = "Google Meet"
    aliases = {
        "name": ("participant", "participant name", "full name", "name"),
        "email": ("email", "participant email"),
        "join": ("time joined", "joined at", "first seen"),
        "leave": ("time exited", "exited at", "last seen"),
        "duration": ("duration", "attended duration"),
    }
    indonesian_aliases = {
        "name": ("peserta", "nama peserta", "nama lengkap", "nama"),
        "email": ("email", "email peserta"),
        "join": ("waktu bergabung", "bergabung pada"),
        "leave": ("waktu keluar", "keluar pada"),
        "duration": ("durasi", "durasi kehadiran"),
    }
    first_names = ("first name", "nama depan")
    last_names = ("last name", "nama belakang")
    signatures = ("time joined", "time exited", "first name", "nama depan", "nama belakang")

    def _columns(self, row, mapping):
        columns, indonesian = super()._columns(row, mapping)
        folded = [" ".join(text(c).casefold().split()) for c in row]
        first = next((a for a in self.first_names if a in folded), None)
        if first and "name" not in columns:
            columns["name"] = folded.index(first)
            indonesian = indonesian or first == "nama depan"
            last = next((a for a in self.last_names if a in folded), None)
            if last:
                columns["last_name"] = folded.index(last)
        return columns, indonesian

    def name_of(self, row: list[Cell], columns: dict[str, int]) -> str:
        first = text(self._cell(row, columns.get("name")))
        last = text(self._cell(row, columns.get("last_name")))
        return " ".join(part for part in (first, last) if part)
