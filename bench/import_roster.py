"""Benchmark: a 5,000-row XLSX roster, read, checked, previewed and imported.

It goes through what the import page calls: roster.read_roster (parse and check),
services.preview_roster (compare with the database, keep the valid roster) and
services.confirm_roster_import (the import, one transaction). 1,000 of the people are already
members (their emails written in another case) and 10 of the 40 agencies are new.

    .venv/bin/python bench/import_roster.py                # a throwaway SQLite database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rakor_bench_import \\
        .venv/bin/python bench/import_roster.py            # a database whose name says "bench"

It migrates the database and empties its members and agencies first, so it refuses a
DATABASE_URL whose database name does not contain "bench". Its last line is
`RESULT rows=5000 seconds=… queries=…`: time and queries from reading the file to the commit.
"""

import io
import logging
import random
import sys
import time
import unicodedata

from throwaway import choose_database

ROWS = 5000
EXISTING_MEMBERS = 1000
TARGET_SECONDS = 5.0

AGENCIES = [  # (name, acronym); the last 10 are not in the database before the import
    ("Kementerian Agama", "Kemenag"),
    ("Badan Penelitian dan Pengembangan dan Pendidikan dan Pelatihan", "Balitbang Diklat"),
    ("Kementerian Komunikasi dan Digital", "Komdigi"),
    ("Kementerian Keuangan", "Kemenkeu"),
    ("Kementerian Dalam Negeri", "Kemendagri"),
    ("Kementerian Kesehatan", "Kemenkes"),
    ("Kementerian Pendidikan Dasar dan Menengah", "Kemendikdasmen"),
    ("Kementerian Pendayagunaan Aparatur Negara dan Reformasi Birokrasi", "KemenPANRB"),
    ("Kementerian Sekretariat Negara", "Kemensetneg"),
    ("Kementerian Luar Negeri", "Kemlu"),
    ("Kementerian Pertanian", "Kementan"),
    ("Kementerian Perhubungan", "Kemenhub"),
    ("Kementerian Sosial", "Kemensos"),
    ("Kementerian Hukum", "Kemenkum"),
    ("Kementerian Lingkungan Hidup", "KLH"),
    ("Badan Pusat Statistik", "BPS"),
    ("Badan Nasional Penanggulangan Bencana", "BNPB"),
    ("Badan Kepegawaian Negara", "BKN"),
    ("Badan Meteorologi, Klimatologi, dan Geofisika", "BMKG"),
    ("Badan Riset dan Inovasi Nasional", "BRIN"),
    ("Badan Pengawas Obat dan Makanan", "BPOM"),
    ("Lembaga Administrasi Negara", "LAN"),
    ("Arsip Nasional Republik Indonesia", "ANRI"),
    ("Perpustakaan Nasional", "Perpusnas"),
    ("Pemerintah Provinsi DKI Jakarta", "Pemprov DKI"),
    ("Pemerintah Provinsi Jawa Barat", "Pemprov Jabar"),
    ("Pemerintah Provinsi Sumatera Utara", "Pemprov Sumut"),
    ("Pemerintah Kota Surabaya", "Pemkot Surabaya"),
    ("Ikatan Pranata Humas Indonesia", "Iprahumas"),
    ("Komisi Informasi Pusat", "KIP"),
    ("Kementerian Pekerjaan Umum", "Kemen PU"),
    ("Kementerian Perindustrian", "Kemenperin"),
    ("Kementerian Perdagangan", "Kemendag"),
    ("Badan Siber dan Sandi Negara", "BSSN"),
    ("Badan Standardisasi Nasional", "BSN"),
    ("Pemerintah Provinsi Papua", "Pemprov Papua"),
    ("Pemerintah Provinsi Kalimantan Timur", "Pemprov Kaltim"),
    ("Pemerintah Kabupaten Sleman", "Pemkab Sleman"),
    ("Pemerintah Kota Makassar", "Pemkot Makassar"),
    ("Komisi Aparatur Sipil Negara", "KASN"),
]
KNOWN_AGENCIES = 30
FIRST_NAMES = [
    "Siti",
    "Nur",
    "Dewi",
    "Sri",
    "Ani",
    "Rina",
    "Wulan",
    "Fitri",
    "Indah",
    "Ratna",
    "Putri",
    "Ayu",
    "Desi",
    "Lestari",
    "Nurul",
    "Aisyah",
    "Budi",
    "Agus",
    "Ahmad",
    "Muhammad",
    "Andi",
    "Eko",
    "Dedi",
    "Hendra",
    "Joko",
    "Rudi",
    "Fajar",
    "Rizky",
    "Arif",
    "Yusuf",
    "Bambang",
    "Teguh",
    "Hadi",
    "Irfan",
    "Taufik",
    "Dimas",
    "Wahyu",
    "Gilang",
    "Made",
    "Ketut",
    "Wayan",
    "Komang",
    "Yohanes",
    "Maria",
    "Désirée",
]
LAST_NAMES = [
    "Nurhaliza",
    "Daulay",
    "Siregar",
    "Nasution",
    "Harahap",
    "Lubis",
    "Simanjuntak",
    "Manurung",
    "Hutapea",
    "Pratama",
    "Saputra",
    "Wijaya",
    "Santoso",
    "Kusuma",
    "Hidayat",
    "Rahman",
    "Setiawan",
    "Gunawan",
    "Susanto",
    "Purnomo",
    "Wibowo",
    "Sulistyo",
    "Rahayu",
    "Handayani",
    "Permata",
    "Sari",
    "Utami",
    "Anggraini",
    "Maharani",
    "Suryani",
    "Putra",
    "Halim",
    "Tanjung",
    "Pohan",
    "Sembiring",
    "Ginting",
    "Tarigan",
    "Sitepu",
    "Pakpahan",
    "Mahendra",
    "Wirawan",
    "Syahputra",
]
POSITIONS = [
    "Pranata Humas Ahli Pertama",
    "Pranata Humas Ahli Muda",
    "Pranata Humas Ahli Madya",
    "Pranata Humas Terampil",
    "Pranata Humas Mahir",
    "Analis Kebijakan Ahli Muda",
    "Kepala Bagian Hubungan Masyarakat",
    "Kepala Subbagian Publikasi",
    "Pengelola Media Sosial",
    "Kepala Biro Hubungan Masyarakat",
]
WORK_UNITS = [
    "Biro Hubungan Masyarakat",
    "Biro Humas, Data, dan Informasi",
    "Bagian Publikasi dan Dokumentasi",
    "Sekretariat Jenderal",
    "Pusat Data dan Informasi",
    "Subbagian Hubungan Masyarakat",
]
RANKS = ["II/c", "II/d", "III/a", "III/b", "Penata (III/c)", "III/d", "IV/a", "IV/b", "IV/c"]
HEADER = [
    "No",
    "Nama",
    "Email",
    "NIP",
    "Instansi",
    "Unit Kerja",
    "Jabatan",
    "Pangkat/Golongan",
    "No. HP",
]


def main() -> None:
    throwaway = choose_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from members import services
    from members.models import Agency, Member, PendingImport, User
    from members.roster import read_roster

    call_command("migrate", verbosity=0)
    logging.getLogger("members.services").setLevel(logging.WARNING)  # RESULT stays the last line
    PendingImport.objects.all().delete()
    Member.objects.all().delete()
    Agency.objects.update(parent=None)
    Agency.objects.all().delete()
    # Staff: an organizer may only update the members in their scope (privacy/scope.py) and
    # keeps the others as they are; the bench measures updating 1,000 existing members.
    organizer, _ = User.objects.update_or_create(
        email="bench.organizer@rakor.test", defaults={"is_staff": True}
    )

    rng = random.Random(20211125)
    people = _people(rng)
    for name, acronym in AGENCIES[:KNOWN_AGENCIES]:
        Agency.objects.create(name=name, acronym=acronym)
    known = {agency.name: agency for agency in Agency.objects.all()}
    Member.objects.bulk_create(
        Member(
            full_name=person["name"].split(",")[0],
            email=person["email"].upper(),
            agency=known[AGENCIES[0][0]],
        )
        for person in people[:EXISTING_MEMBERS]
    )
    content = _workbook(people)
    vendor = connection.vendor
    print(
        f"database: {vendor}{' (throwaway)' if throwaway else ''} "
        f"{connection.settings_dict['NAME']}"
    )
    print(
        f"file: {ROWS} rows, {len(content) / 1024:.0f} KiB XLSX; {EXISTING_MEMBERS} already "
        f"members, {KNOWN_AGENCIES} of {len(AGENCIES)} agencies known"
    )

    queries = {"read": 0, "preview": 0, "import": 0}
    stage = "read"

    def count(execute, sql, params, many, context):
        queries[stage] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        roster = read_roster(file_name="daftar-peserta.xlsx", content=content)
        read_at = time.perf_counter()
        stage = "preview"
        preview = services.preview_roster(roster=roster, organizer=organizer)
        previewed_at = time.perf_counter()
        if preview.token is None:
            errors = preview.roster.errors + [
                f"row {row.line}: {row.errors}" for row in preview.roster.rows_with_errors[:5]
            ]
            sys.exit(f"the generated roster is not valid: {errors}")
        stage = "import"
        result = services.confirm_roster_import(token=preview.token, organizer=organizer)
        finished = time.perf_counter()

    assert Member.objects.count() == ROWS, Member.objects.count()
    assert result.agencies_created == len(AGENCIES) - KNOWN_AGENCIES, result
    assert (result.created, result.updated) == (ROWS - EXISTING_MEMBERS, EXISTING_MEMBERS), result
    first = Member.objects.select_related("agency").get(email__iexact=people[0]["email"])
    assert (first.full_name, first.nip.replace(" ", "")) == (
        people[0]["name"],
        people[0]["nip"].replace(" ", ""),
    ), first
    seconds = finished - started
    print(f"read and check: {read_at - started:.2f} s, {queries['read']} queries")
    print(f"preview (compare, keep): {previewed_at - read_at:.2f} s, {queries['preview']} queries")
    print(f"import (one transaction): {finished - previewed_at:.2f} s, {queries['import']} queries")
    print(
        f"created={result.created} updated={result.updated} "
        f"agencies_created={result.agencies_created} target<={TARGET_SECONDS:.0f}s "
        f"{'ok' if seconds <= TARGET_SECONDS else 'MISSED'}"
    )
    if throwaway:
        connection.close()
        throwaway.cleanup()
    print(f"RESULT rows={ROWS} seconds={seconds:.2f} queries={sum(queries.values())}")


def _people(rng: random.Random) -> list[dict]:
    people, nips = [], set()
    for n in range(ROWS):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {rng.choice(FIRST_NAMES)} {last}"
        if rng.random() < 0.15:
            name += rng.choice([", S.Sos.", ", S.I.Kom.", ", M.Si.", ", S.H., M.H."])
        agency_name, acronym = AGENCIES[n % len(AGENCIES)]
        agency_cell = rng.choice([agency_name, agency_name, acronym, f"{agency_name} ({acronym})"])
        if n % len(AGENCIES) >= KNOWN_AGENCIES:
            agency_cell = agency_name  # a new agency is named in full the first time it appears
        nip = _nip(rng)
        while nip in nips:
            nip = _nip(rng)
        nips.add(nip)
        people.append(
            {
                "name": name,
                "email": _ascii(f"{first}.{last}.{n}@{acronym.replace(' ', '')}.go.id").lower(),
                "nip": nip if rng.random() < 0.5 else f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}",
                "agency": agency_cell,
                "work_unit": rng.choice(WORK_UNITS),
                "position": rng.choice(POSITIONS),
                "rank": rng.choice(RANKS),
                "phone": rng.choice(["0812", "0813", "0857", "0878", "+62 811 "])
                + f"{rng.randrange(10**7, 10**8)}",
            }
        )
    return people


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _nip(rng: random.Random) -> str:
    born_year = rng.randint(1965, 2000)
    appointed_year = min(born_year + rng.randint(22, 32), 2024)
    return (
        f"{born_year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        f"{appointed_year}{rng.randint(1, 12):02d}{rng.choice('12')}{rng.randint(1, 999):03d}"
    )


def _workbook(people: list[dict]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Peserta")
    sheet.append(HEADER)
    for n, person in enumerate(people, start=1):
        email = person["email"].upper() if n <= EXISTING_MEMBERS else person["email"]
        sheet.append(
            [
                n,
                person["name"],
                email.lower() if n % 2 else email,
                person["nip"],
                person["agency"],
                person["work_unit"],
                person["position"],
                person["rank"],
                person["phone"],
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


if __name__ == "__main__":
    main()
