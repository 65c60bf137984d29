"""Microsoft Teams' attendance report (Attendance > Download; a UTF-16, tab-separated file), in
three sections:

    1. Summary
    Meeting title	Rakor Humas
    Attended participants	12
    Start time	11/25/21, 7:58:02 AM
    ...
    2. Participants
    Name	First Join	Last Leave	In-Meeting Duration	Email	Participant ID (UPN)	Role
    ...
    3. In-Meeting Activities
    Name	Join Time	Leave Time	Duration	Email	Role

Each join is a row of section 3, which is read when present; else section 2 (first join, last
leave, and the time in the meeting). In Indonesian: "1. Ringkasan", "2. Peserta", "3. Aktivitas
Dalam Rapat", "Nama", "Gabung Pertama", "Keluar Terakhir", "Durasi Dalam Rapat", "Waktu
Bergabung", "Waktu Keluar", "Durasi", "Peran", day-first dates."""

from .base import Platform


class Teams(Platform):
    code = "teams"
    label = "Microsoft Teams"
    aliases = {
        "name": ("name", "full name"),
        "email": ("email", "participant id (upn)"),
        "join": ("join time", "first join"),
        "leave": ("leave time", "last leave"),
        "duration": ("duration", "in-meeting duration"),
    }
    indonesian_aliases = {
        "name": ("nama", "nama lengkap"),
        "email": ("email", "id peserta (upn)"),
        "join": ("waktu bergabung", "gabung pertama"),
        "leave": ("waktu keluar", "keluar terakhir"),
        "duration": ("durasi", "durasi dalam rapat"),
    }
    signatures = (
        "1. summary",
        "2. participants",
        "3. in-meeting activities",
        "in-meeting duration",
        "participant id (upn)",
        "1. ringkasan",
        "3. aktivitas dalam rapat",
        "durasi dalam rapat",
        "id peserta (upn)",
        "gabung pertama",
    )
