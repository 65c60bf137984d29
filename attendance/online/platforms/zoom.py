"""Zoom's participants report (Reports > Usage > Participants > Export; with or without the
meeting's data above it, "Show unique users" off so each join is a row):

    Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room
    Budi Santoso (Budi),budi@kemenag.go.id,11/25/2021 07:58:12 AM,11/25/2021 10:02:40 AM,125,No,No

Newer accounts write "Email", "Join time", "Leave time"; the Indonesian interface "Nama (Nama
Asli)", "Email Pengguna", "Waktu Bergabung", "Waktu Keluar", "Durasi (Menit)", "Tamu", with
day-first dates."""

from django.utils.translation import gettext as _

from .base import Platform, Table, fold


class Zoom(Platform):
    code = "zoom"
    label = "Zoom"
    aliases = {
        "name": (
            "name (original name)",
            "name (original name)",
            "name",
            "participant",
            "user name",
        ),
        "email": ("user email", "email", "participant email"),
        "join": ("join time", "joined"),
        "leave": ("leave time", "left"),
        "duration": ("duration (minutes)", "duration (mins)", "duration"),
    }
    indonesian_aliases = {
        "name": ("nama (nama asli)", "nama (nama awal)", "nama", "nama peserta"),
        "email": ("email pengguna", "email", "surel pengguna"),
        "join": ("waktu bergabung", "waktu gabung"),
        "leave": ("waktu keluar", "waktu meninggalkan"),
        "duration": ("durasi (menit)", "durasi"),
    }
    signatures = (
        "name (original name)",
        "nama (nama asli)",
        "duration (minutes)",
        "durasi (menit)",
        "in waiting room",
        "di ruang tunggu",
    )

    def missing_reason(self, table: Table) -> str | None:
        headers = {fold(header) for header in table.headers}
        if headers & {"total duration (minutes)", "total durasi (menit)", "durasi total (menit)"}:
            return _(
                'This Zoom report was exported with "Show unique users": it has no join and '
                "leave times. Export it again without that option."
            )
        return None
