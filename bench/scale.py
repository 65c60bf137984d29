"""Benchmark: Rakor at national scale, served as production serves it.

Builds a national deployment's data with bulk inserts in a PostgreSQL database whose name says
bench (600 agencies, 60,000 members, 2,000 meetings over two years with 308,543 invitations,
141,593 check-ins, 10,000 follow-up actions and 500,000 outbox rows; `--fraction` scales every
count, except the 400-invitee meeting and the member invited to 200 meetings, which keep their
size so that their pages can be compared between sizes), serves it with gunicorn as
docker-compose.yml's web service does (its command and gunicorn.conf.py), and measures:

- every page the issue lists, as a signed-in organizer and as staff: the server's time (median
  of 3 after a warm-up; X-Bench-Ms from bench/scale_middleware.py) and its queries;
- the exports: each CSV streamed whole (how long the request held a worker, and how much the
  worker grew), each XLSX asked for (the POST), built as Celery builds it in a process of its
  own (its time and how much it grew), then downloaded; the 400-person daftar hadir PDF the
  same way;
- every beat task in the bench's own process, once with work due and once with nothing due:
  its queries and time.

    .venv/bin/python bench/scale.py --fraction 0.05
    .venv/bin/python bench/scale.py                      # full size (about 4 minutes to build)
    .venv/bin/python bench/scale.py --fraction 0.05 --reuse   # measure the data built before

It ends with `RESULT pages=… slowest_page_ms=… slowest_page=… longest_request_s=…
export_peak_rss_mb=… beat_max_queries=… beat_idle_max_ms=…`. Targets (full size, 2 cores):
every page ≤ 300 ms and the same queries as at 1/20; no request holds a worker more than 5 s;
no process grows more than 100 MB for an export; every beat task ≤ 50 queries, ≤ 500 ms idle.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlparse

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/rakor_scale_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/10"
SETTINGS = "bench.scale_settings"
FULL = {
    "agencies": 600,
    "members": 60_000,
    "meetings": 2_000,
    "invitations": 308_543,
    "checkins": 141_593,
    "actions": 10_000,
    "outbox": 500_000,
}
BIG_MEETING = 400  # invitees of the meeting whose pages are measured
FEED_MEETINGS = 200  # meetings in the measured member's calendar feed
RUNS = 3
CHUNK = 20_000
DOMAIN = "bench.go.id"

FIRST = [
    "Siti",
    "Ahmad",
    "Budi",
    "Dewi",
    "Eko",
    "Fitri",
    "Gita",
    "Hendra",
    "Indah",
    "Joko",
    "Kartika",
    "Lestari",
    "Made",
    "Nur",
    "Putu",
    "Rina",
    "Sri",
    "Teguh",
    "Wulan",
    "Yusuf",
    "Agus",
    "Bambang",
    "Citra",
    "Dian",
    "Fajar",
    "Hadi",
    "Ika",
    "Lina",
    "Rudi",
    "Wayan",
    "Ketut",
    "Ayu",
]
LAST = [
    "Rahmawati",
    "Santoso",
    "Wijaya",
    "Saputra",
    "Hidayat",
    "Kusuma",
    "Pratama",
    "Lestari",
    "Nugroho",
    "Siregar",
    "Harahap",
    "Simanjuntak",
    "Wibowo",
    "Setiawan",
    "Utami",
    "Permana",
    "Gunawan",
    "Hakim",
    "Purnomo",
    "Sihombing",
    "Nasution",
    "Putri",
]
POSITIONS = (
    "Pranata Humas Ahli Muda",
    "Analis Kebijakan",
    "Kepala Bagian Humas",
    "Perencana Ahli Pertama",
    "Kepala Subbagian Umum",
    "Statistisi Ahli Madya",
)
TOPICS = (
    "Pranata Humas",
    "Sensus Pertanian",
    "Penanggulangan Bencana",
    "Reformasi Birokrasi",
    "Anggaran Daerah",
    "Layanan Publik",
)


def counts(fraction: float) -> dict[str, int]:
    wanted = {name: max(1, round(value * fraction)) for name, value in FULL.items()}
    wanted["agencies"] = max(wanted["agencies"], 20)
    wanted["meetings"] = max(wanted["meetings"], 20)
    wanted["members"] = max(wanted["members"], BIG_MEETING * 2)
    return wanted


# --- Building the data --------------------------------------------------------------------------


def build(fraction: float) -> dict:
    """The data set, bulk inserted; returns what the measures need (ids, links)."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from attendance.models import CheckIn
    from events.feed import reset_calendar_feed
    from events.models import Invitation, Meeting, Session
    from events.services.answer_links import issue_answer_link
    from members.models import Agency, Member, User
    from members.permissions import ORGANIZER_GROUP
    from outbox.models import Kind, OutboxMessage, State
    from outputs.models import Action

    rng = random.Random(15)
    n = counts(fraction)
    now = timezone.now()
    started = time.monotonic()

    kinds = ["ministry", "agency", "province", "regency"]
    agencies = Agency.objects.bulk_create(
        [
            Agency(
                name=f"{['Kementerian', 'Badan', 'Provinsi', 'Kabupaten'][i % 4]} Bench {i:03d}",
                acronym=f"B{i:03d}" if i % 3 == 0 else "",
                kind=_choice(Agency, "kind", kinds[i % 4]),
            )
            for i in range(n["agencies"])
        ]
    )
    member_ids: list[int] = []
    for start in range(0, n["members"], CHUNK):
        batch = [
            Member(
                full_name=f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)}",
                email=f"p{i}@{DOMAIN}",
                nip=f"{198001012000000000 + i}",
                position=rng.choice(POSITIONS),
                agency=agencies[i % len(agencies)],
                language="id",
            )
            for i in range(start, min(start + CHUNK, n["members"]))
        ]
        member_ids += [m.pk for m in Member.objects.bulk_create(batch)]
    organizer = User.objects.create_user(email=f"organizer@{DOMAIN}", password=None)
    organizer.groups.add(Group.objects.get_or_create(name=ORGANIZER_GROUP)[0])
    staff = User.objects.create_user(email=f"staff@{DOMAIN}", password=None, is_staff=True)

    # Meetings over two years: 18 months past (finished), 6 months ahead (published); the
    # measured one is going on today.
    meetings = []
    for i in range(n["meetings"]):
        day = now - timedelta(days=540) + timedelta(days=730 * i / n["meetings"])
        meetings.append(
            Meeting(
                title=f"Rapat Koordinasi {TOPICS[i % len(TOPICS)]} {i:04d}",
                host_agency=agencies[rng.randrange(len(agencies))],
                state=Meeting.State.FINISHED if day < now else Meeting.State.PUBLISHED,
                venue="Ruang Rapat Utama",
                created_by=organizer,
            )
        )
    big_index = n["meetings"] * 3 // 4
    meetings[big_index].title = "Rapat Koordinasi Nasional Pranata Humas (bench)"
    meetings[big_index].state = Meeting.State.PUBLISHED
    meetings = Meeting.objects.bulk_create(meetings)
    big = meetings[big_index]
    sessions = []
    for i, meeting in enumerate(meetings):
        start = now - timedelta(days=540) + timedelta(days=730 * i / n["meetings"])
        start = start.replace(hour=1, minute=0, second=0, microsecond=0)  # 08.00 WIB
        if meeting.pk == big.pk:
            start = now - timedelta(hours=1)
        sessions.append(
            Session(
                meeting=meeting, title="Hari 1", starts_at=start, ends_at=start + timedelta(hours=7)
            )
        )
    sessions = Session.objects.bulk_create(sessions)
    session_of = {s.meeting_id: s for s in sessions}
    organized = [big, *rng.sample(meetings, max(5, n["meetings"] // 40))]
    Meeting.organizers.through.objects.bulk_create(
        [Meeting.organizers.through(meeting_id=m.pk, user_id=organizer.pk) for m in set(organized)]
    )

    # Invitations: the measured meeting 400, the feed's member in 200 meetings, the rest spread.
    feed_member = member_ids[0]
    per_meeting = {m.pk: set() for m in meetings}
    per_meeting[big.pk] = set(rng.sample(member_ids[1:], BIG_MEETING))
    for meeting in rng.sample(meetings, min(FEED_MEETINGS, len(meetings))):
        per_meeting[meeting.pk].add(feed_member)
    others = [m for m in meetings if m.pk != big.pk]
    left = n["invitations"] - sum(len(v) for v in per_meeting.values())
    for meeting in others:
        size = max(0, min(len(member_ids), round(left / len(others) * rng.uniform(0.5, 1.5))))
        per_meeting[meeting.pk] |= set(rng.sample(member_ids, size))
    answers = ["yes"] * 6 + ["no"] * 2 + ["pending"] * 2
    state_of = {m.pk: m.state for m in meetings}
    invitation_rows = []
    checkin_target = n["checkins"] / max(1, n["invitations"])
    for meeting_id, invited in per_meeting.items():
        for member_id in invited:
            answer = rng.choice(answers)
            invitation_rows.append((meeting_id, member_id, answer))
    checkins = 0
    outbox = 0
    for start in range(0, len(invitation_rows), CHUNK):
        rows = invitation_rows[start : start + CHUNK]
        created = Invitation.objects.bulk_create(
            [
                Invitation(
                    meeting_id=meeting_id,
                    member_id=member_id,
                    answer=answer,
                    answered_at=None if answer == "pending" else now - timedelta(days=3),
                    invitation_sent_at=now - timedelta(days=5),
                    invited_by=organizer,
                )
                for meeting_id, member_id, answer in rows
            ]
        )
        done_ids = [
            i
            for i in created
            if i.answer == "yes"
            and (state_of[i.meeting_id] == Meeting.State.FINISHED or i.meeting_id == big.pk)
            and rng.random() < checkin_target / 0.6 * 1.3
        ]
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    invitation=i,
                    session=session_of[i.meeting_id],
                    at=session_of[i.meeting_id].starts_at + timedelta(minutes=rng.randrange(60)),
                    method=CheckIn.Method.SCAN,
                    operator_name="Meja 1",
                )
                for i in done_ids
            ]
        )
        checkins += len(done_ids)
        # One invitation email per invitation, sent (a few failed, some queued long ago).
        messages = []
        for i in created:
            state = State.SENT
            roll = rng.random()
            if roll < 0.01:
                state = State.FAILED
            messages.append(_message(i, now, state, Kind.INVITATION))
        OutboxMessage.objects.bulk_create(messages, batch_size=5000)
        outbox += len(messages)
    # The rest of the outbox: reminders and updates about the same meetings.
    invited_sample = Invitation.objects.values_list("pk", "meeting_id", "member__email")
    sample = list(invited_sample[: min(len(invitation_rows), 50_000)])
    while outbox < n["outbox"]:
        batch = []
        for _ in range(min(CHUNK, n["outbox"] - outbox)):
            _pk, meeting_id, email = rng.choice(sample)
            batch.append(_message_to(meeting_id, email, now, State.SENT, Kind.REMINDER, rng))
        OutboxMessage.objects.bulk_create(batch, batch_size=5000)
        outbox += len(batch)

    from events.services.counts import refresh_invited_counts

    refresh_invited_counts(meeting_ids=[m.pk for m in meetings])
    # Follow-up actions of the finished meetings, due over two years.
    finished = [m for m in meetings if m.state == Meeting.State.FINISHED] or meetings
    statuses = ["terbuka", "berjalan", "selesai", "selesai"]
    actions = []
    for i in range(n["actions"]):
        meeting = finished[rng.randrange(len(finished))]
        actions.append(
            Action(
                meeting=meeting,
                title=f"Menyusun pedoman {TOPICS[i % len(TOPICS)].lower()} tahap {i}",
                responsible_agency=agencies[rng.randrange(len(agencies))],
                responsible_member_id=member_ids[rng.randrange(len(member_ids))]
                if i % 3 == 0
                else None,
                due_date=(now - timedelta(days=540) + timedelta(days=rng.randrange(730))).date(),
                status=_choice(Action, "status", statuses[i % 4]),
            )
        )
    for start in range(0, len(actions), CHUNK):
        Action.objects.bulk_create(actions[start : start + CHUNK])
    # Organizer's meetings also have actions (the tracker as an organizer).
    Action.objects.bulk_create(
        [
            Action(
                meeting=m,
                title=f"Tindak lanjut {m.title}",
                responsible_agency=agencies[0],
                due_date=(now + timedelta(days=60)).date(),
            )
            for m in organized
        ]
    )

    big_invitation = Invitation.objects.filter(meeting=big).order_by("pk").first()
    member = Member.objects.get(pk=feed_member)
    world = {
        "fraction": fraction,
        "counts": n,
        "built_s": round(time.monotonic() - started, 1),
        "organizer": organizer.pk,
        "staff": staff.pk,
        "big": big.pk,
        "big_session": session_of[big.pk].pk,
        "agency": agencies[0].pk,
        "agency_name": agencies[0].name,
        "answer_secret": issue_answer_link(invitation=big_invitation),
        "feed_secret": reset_calendar_feed(member=member),
        "feed_meetings": Invitation.objects.filter(member=member).count(),
        "invitations": len(invitation_rows),
        "checkins": checkins,
        "outbox": outbox,
    }
    return world


def _choice(model, field: str, wanted: str) -> str:
    values = [value for value, _label in model._meta.get_field(field).choices]
    return wanted if wanted in values else values[0]


def _message(invitation, now, state, kind):
    return _message_to(invitation.meeting_id, "", now, state, kind, None, invitation)


def _message_to(meeting_id, email, now, state, kind, rng, invitation=None):
    from outbox.models import OutboxMessage

    if invitation is not None:
        email = _email_of(invitation)
    moment = now - timedelta(days=(rng.randrange(700) if rng else 5), minutes=meeting_id % 1440)
    return OutboxMessage(
        recipient=email,
        from_email=f"Rakor <rakor@{DOMAIN}>",
        subject=f"Undangan rapat {meeting_id}",
        kind=kind,
        topic=f"meeting:{meeting_id}",
        message_id=f"<{os.urandom(12).hex()}@{DOMAIN}>",
        raw=b"Subject: Undangan\r\n\r\nYth. Bapak/Ibu, dengan hormat kami mengundang Anda.\r\n",
        state=state,
        attempts=1,
        last_error="SMTPRecipientsRefused: 550 5.1.1 no such user" if state == "failed" else "",
        created_at=moment,
        sent_at=moment if state == "sent" else None,
        next_attempt_at=None,
    )


_EMAILS: dict[int, str] = {}


def _email_of(invitation) -> str:
    if not _EMAILS:
        from members.models import Member

        _EMAILS.update(Member.objects.values_list("pk", "email"))
    return _EMAILS[invitation.member_id]


# --- Serving it -----------------------------------------------------------------------------------


def web_command(port: int) -> list[str]:
    """docker-compose.yml's web command with its defaults, bound to 127.0.0.1:`port`."""
    import yaml

    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["command"]
    command = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", command)
    args = shlex.split(command)
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    args[0] = str(Path(sys.executable).parent / "gunicorn")
    return args


def start_gunicorn(port: int, env: dict, log: Path) -> subprocess.Popen:
    command = web_command(port)
    with log.open("wb") as out:
        server = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _h, _b = request(port, "GET", "/accounts/login/")
            if status < 500:
                return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    sys.exit(f"gunicorn did not start; see {log}")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port, method, path, *, cookie="", body=None, headers=None, read=True):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    sent = {"Host": "127.0.0.1", **(headers or {})}
    if cookie:
        sent["Cookie"] = cookie
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    content = b""
    size = 0
    while read:
        chunk = response.read(65536)
        if not chunk:
            break
        size += len(chunk)
        if len(content) < 2_000_000:
            content += chunk
    heads = {k.lower(): v for k, v in response.getheaders()}
    heads["x-size"] = str(size)
    connection.close()
    return response.status, heads, content


def session_cookie(user_id: int) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from members.models import User

    user = User.objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"sessionid={session.session_key}; csrftoken={CSRF}; django_language=id"


CSRF = "benchcsrfbenchcsrfbenchcsrf12345"


def worker_pids(server: subprocess.Popen) -> list[int]:
    from bench.cpu import process_tree

    return [pid for pid in process_tree(server.pid) if pid != server.pid]


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def reset_peaks(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


# --- Measures -------------------------------------------------------------------------------------


def pages(world: dict) -> list[tuple[str, str, str]]:
    """(label, who, path) of every page measured."""
    from django.urls import reverse

    from events.models import Meeting

    big, session = world["big"], world["big_session"]
    host = Meeting.objects.select_related("host_agency").get(pk=big).host_agency.name
    last_members = -(-world["counts"]["members"] // 25)
    listed = []
    for who in ("organizer", "staff"):
        listed += [
            ("home", who, "/"),
            (
                "meetings, filtered",
                who,
                "/meetings/?" + urlencode({"host_agency": host, "state": "published"}),
            ),
            ("meetings by invited count", who, "/meetings/?sort=-invited_count"),
            ("meeting (400 invitees)", who, reverse("events:meeting_detail", args=[big])),
            (
                "invitations, sorted",
                who,
                reverse("events:meeting_invitations", args=[big]) + "?sort=-answer",
            ),
            (
                "invitations, filtered",
                who,
                reverse("events:meeting_invitations", args=[big]) + "?answer=yes&delivery=sent",
            ),
            (
                "invitations, page 10",
                who,
                reverse("events:meeting_invitations", args=[big]) + "?page=10",
            ),
            ("invite page", who, reverse("events:meeting_invite", args=[big])),
            (
                "invite picker search",
                who,
                reverse("events:meeting_invite_search", args=[big]) + "?q=siti",
            ),
            ("members, search", who, "/members/?q=siti+rahmawati"),
            ("members, agency", who, f"/members/?agency={world['agency']}"),
            ("members, sorted", who, "/members/?sort=-nip"),
            ("members, last page", who, f"/members/?page={last_members}"),
            (
                "attendance table",
                who,
                reverse("attendance:table", args=[big]) + f"?session={session}",
            ),
            ("attendance dashboard", who, reverse("attendance:dashboard", args=[big])),
            (
                "tracker, filtered",
                who,
                "/actions/?" + urlencode({"agency": "Bench 001", "status": "terbuka"}),
            ),
            ("tracker, last page", who, f"/actions/?page={tracker_pages(world, who)}"),
            ("outbox, failed", who, "/outbox/?state=failed"),
            ("outbox, search", who, "/outbox/?q=p123%40"),
            ("outbox, oldest page", who, "/outbox/?after=oldest"),
        ]
    listed += [
        (
            "calendar feed (200 meetings)",
            "anonymous",
            reverse("events:calendar_feed", args=[world["feed_secret"]]),
        ),
        ("answer page", "anonymous", reverse("events:answer", args=[world["answer_secret"]])),
    ]
    return listed


def tracker_pages(world: dict, who: str) -> int:
    from members.models import User
    from outputs.selectors import actions_for_tracker

    user = User.objects.get(pk=world[who])
    return max(1, -(-actions_for_tracker(user=user).count() // 50))


def measure_pages(port: int, world: dict, cookies: dict) -> list[dict]:
    results = []
    for label, who, path in pages(world):
        cookie = cookies.get(who, "")
        times, totals, queries, status, size = [], [], set(), None, 0
        for run in range(RUNS + 1):
            started = time.perf_counter()
            status, heads, _content = request(port, "GET", path, cookie=cookie)
            total = time.perf_counter() - started
            if run:
                times.append(float(heads.get("x-bench-ms", "nan")))
                totals.append(total)
                queries.add(int(heads.get("x-bench-queries", -1)))
                size = int(heads["x-size"])
        row = {
            "page": f"{label} [{who}]",
            "status": status,
            "ms": round(statistics.median(times), 1),
            "longest_s": round(max(totals), 2),
            "queries": max(queries),
            "kb": round(size / 1024, 1),
        }
        print(
            f"  {row['page']:<48} {row['status']} {row['ms']:>8.1f} ms {row['queries']:>3} q "
            f"{row['kb']:>8.1f} KB"
        )
        results.append(row)
    return results


def measure_exports(port: int, world: dict, cookies: dict, server, env: dict) -> dict:
    from django.urls import reverse

    big, session = world["big"], world["big_session"]
    csvs = [
        ("members CSV", reverse("members:export", args=["csv"]), ""),
        ("invitations CSV", reverse("events:meeting_invitations_export", args=[big, "csv"]), ""),
        (
            "attendance CSV",
            reverse("attendance:table_export", args=[big, "csv"]),
            f"session={session}",
        ),
        ("tracker CSV", reverse("outputs:action_tracker_export", args=["csv"]), ""),
    ]
    out = {"requests": [], "grown_mb": []}
    for label, path, query in csvs:
        pids = worker_pids(server)
        before = {pid: rss_mb(pid) for pid in pids}
        reset_peaks(pids)
        started = time.perf_counter()
        status, heads, _ = request(
            port, "GET", path + ("?" + query if query else ""), cookie=cookies["staff"]
        )
        seconds = time.perf_counter() - started
        grown = max((rss_mb(pid, "VmHWM") - before[pid] for pid in pids), default=0)
        size = int(heads["x-size"]) / 1024 / 1024
        print(f"  {label:<30} {status} {seconds:6.2f} s {size:7.1f} MB, worker +{grown:.0f} MB")
        out["requests"].append((label, seconds))
        out["grown_mb"].append((label + " (web worker)", grown))
    xlsxs = [
        ("members XLSX", reverse("members:export", args=["xlsx"]), ""),
        ("invitations XLSX", reverse("events:meeting_invitations_export", args=[big, "xlsx"]), ""),
        (
            "attendance XLSX",
            reverse("attendance:table_export", args=[big, "xlsx"]),
            f"session={session}",
        ),
        ("tracker XLSX", reverse("outputs:action_tracker_export", args=["xlsx"]), ""),
        # The 400-person daftar hadir is made by Celery too (more than DOCUMENT_ROWS people).
        ("daftar hadir PDF", reverse("attendance:sheet_pdf", args=[big, session]), ""),
    ]
    for label, path, query in xlsxs:
        started = time.perf_counter()
        body = urlencode({"query": query, "csrfmiddlewaretoken": CSRF})
        status, heads, _ = request(port, "POST", path, cookie=cookies["staff"], body=body)
        asked = time.perf_counter() - started
        job = int(re.search(r"/exports/(\d+)/", heads.get("location", "")).group(1))
        built = subprocess.run(
            [sys.executable, __file__, "--build-export", str(job)],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(built.stdout.strip().splitlines()[-1])
        page_status, page_heads, _page = request(
            port, "GET", f"/exports/{job}/", cookie=cookies["staff"]
        )
        started = time.perf_counter()
        file_status, file_heads, _ = request(
            port, "GET", f"/exports/{job}/download", cookie=cookies["staff"]
        )
        downloaded = time.perf_counter() - started
        print(
            f"  {label:<30} POST {status} {asked:5.2f} s; built in {figures['seconds']:.1f} s, "
            f"{figures['rows']} rows, process +{figures['grown_mb']:.0f} MB; page {page_status} "
            f"{page_heads.get('x-bench-ms')} ms; download {file_status} {downloaded:.2f} s "
            f"{int(file_heads['x-size']) / 1024 / 1024:.1f} MB"
        )
        out["requests"] += [(label + " POST", asked), (label + " download", downloaded)]
        out["grown_mb"].append((label + " (Celery)", figures["grown_mb"]))
    return out


def build_export_here(job_id: int) -> None:
    """--build-export: what a Celery worker does for an export, in a process of its own, with
    how much the process grew while it ran (its peak RSS over its RSS before)."""
    import django

    django.setup()
    # Loaded before the baseline, as in a worker that built a spreadsheet and a PDF before.
    import openpyxl  # noqa: F401
    import weasyprint  # noqa: F401

    from core import services
    from core.models import ExportJob

    ExportJob.objects.count()
    before = rss_mb(os.getpid())
    reset_peaks([os.getpid()])
    started = time.perf_counter()
    job = services.build_export(job_id=job_id)
    seconds = time.perf_counter() - started
    grown = rss_mb(os.getpid(), "VmHWM") - before
    print(json.dumps({"seconds": seconds, "grown_mb": grown, "rows": job.rows_total}))


def measure_beat(world: dict) -> list[dict]:
    """Each beat task, with work due and then with nothing due: queries and time."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.module_loading import import_string

    tasks = sorted({entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()})
    results = []
    for name in tasks:
        make_work = WORK.get(name)
        for phase in ("work", "idle"):
            if phase == "work" and make_work:
                make_work(world)
            task = import_string(name)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                outcome = task.run()
                ms = (time.perf_counter() - started) * 1000
            row = {"task": name, "phase": phase, "queries": len(captured), "ms": round(ms, 1)}
            print(
                f"  {name:<45} {phase:<5} {row['queries']:>4} q {ms:8.1f} ms  -> {outcome!r}"[:140]
            )
            results.append(row)
    return results


def _work_reminders(world):
    """A published meeting starting in 110 minutes (its two-hour reminder due) with 150
    accepted invitees."""
    from django.utils import timezone

    from events.models import Invitation, Meeting, Session
    from members.models import Member

    meeting = Meeting.objects.create(
        title="Bench: reminders due", host_agency_id=world["agency"], state=Meeting.State.PUBLISHED
    )
    start = timezone.now() + timedelta(minutes=110)
    Session.objects.create(
        meeting=meeting, title="Hari 1", starts_at=start, ends_at=start + timedelta(hours=3)
    )
    Invitation.objects.bulk_create(
        [
            Invitation(
                meeting=meeting,
                member=m,
                answer="yes",
                answered_at=timezone.now(),
                invitation_sent_at=timezone.now() - timedelta(days=3),
            )
            for m in Member.objects.order_by("-pk")[:150]
        ]
    )


def _work_outbox(_world):
    """Messages queued long ago that no worker took (a lost broker message)."""
    from django.utils import timezone

    from outbox.models import OutboxMessage, State

    ids = (
        OutboxMessage.objects.filter(state=State.SENT)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    OutboxMessage.objects.filter(pk__in=list(ids)).update(
        state=State.QUEUED, next_attempt_at=timezone.now() - timedelta(hours=1), sent_at=None
    )


def _work_seat_offers(world):
    """A future meeting with capacity, two people waiting, one offer past its deadline."""
    from django.utils import timezone

    from events.models import Invitation, Meeting, SeatOffer, Session
    from members.models import Member

    meeting = Meeting.objects.create(
        title="Bench: waiting list",
        host_agency_id=world["agency"],
        state=Meeting.State.PUBLISHED,
        capacity=10,
    )
    start = timezone.now() + timedelta(days=10)
    Session.objects.create(
        meeting=meeting, title="Hari 1", starts_at=start, ends_at=start + timedelta(hours=3)
    )
    people = list(Member.objects.order_by("-pk")[200:203])
    waiting = Invitation.objects.bulk_create(
        [
            Invitation(meeting=meeting, member=m, answer="waitlisted", waitlisted_at=timezone.now())
            for m in people
        ]
    )
    SeatOffer.objects.create(
        meeting=meeting,
        invitation=waiting[0],
        offered_at=timezone.now() - timedelta(days=2),
        expires_at=timezone.now() - timedelta(days=1),
    )


def _work_registrations(world):
    from django.utils import timezone

    from events.models import Registration

    Registration.objects.bulk_create(
        [
            Registration(
                meeting_id=world["big"],
                email=f"r{i}@example.org",
                full_name=f"Pendaftar {i}",
                agency_name="Dinas Bench",
                code_expires_at=timezone.now() - timedelta(days=30),
            )
            for i in range(50)
        ]
    )


def _work_bundles(world):
    from django.utils import timezone

    from records.models import RecordBundle

    RecordBundle.objects.bulk_create(
        [
            RecordBundle(
                meeting_id=world["big"],
                state="ready",
                expires_at=timezone.now() - timedelta(days=1),
            )
            for _ in range(3)
        ]
    )


def _work_exports(world):
    from django.utils import timezone

    from core.models import ExportJob

    ExportJob.objects.bulk_create(
        [
            ExportJob(
                requested_by_id=world["staff"],
                builder="members.views.directory_export",
                state="ready",
                expires_at=timezone.now() - timedelta(days=1),
            )
            for _ in range(3)
        ]
    )


def _work_actions(_world):
    """Ten more open actions due in two days (the random ones due now are work too)."""
    from django.utils import timezone

    from outputs.models import Action

    today = timezone.localdate()
    due = today + timedelta(days=2)
    ids = (
        Action.objects.filter(status="terbuka")
        .exclude(due_date=due)
        .order_by("?")
        .values_list("pk", flat=True)[:10]
    )
    Action.objects.filter(pk__in=list(ids)).update(due_date=due)


WORK = {
    "events.tasks.send_due_reminders": _work_reminders,
    "outbox.tasks.sweep": _work_outbox,
    "events.tasks.expire_seat_offers": _work_seat_offers,
    "personal_data.tasks.purge": _work_registrations,
    "records.tasks.sweep_bundles": _work_bundles,
    "core.tasks.sweep_exports": _work_exports,
    "outputs.tasks.send_action_reminders": _work_actions,
}


# --- Main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fraction", type=float, default=1.0)
    parser.add_argument(
        "--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER))
    parser.add_argument("--reuse", action="store_true", help="measure the data built before")
    parser.add_argument("--build-export", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_export:
        build_export_here(args.build_export)
        return

    name = urlparse(args.database).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to write benchmark data into {name!r}: name a database *bench*")
    var = Path(tempfile.gettempdir()) / f"rakor-{name}"
    var.mkdir(exist_ok=True)
    world_file = var / "world.json"
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "CELERY_BROKER_URL": args.broker,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "VAR_DIR": str(var),
        "CACHE_URL": f"filecache://{var / 'cache'}",
        "PYTHONPATH": str(BASE_DIR),
    }
    os.environ.update(env)
    from bench.throwaway import empty_redis, recreate_database

    empty_redis(args.broker)
    reuse = args.reuse and world_file.exists()
    if reuse:
        world = json.loads(world_file.read_text())
        if world["fraction"] != args.fraction:
            sys.exit(f"{world_file} holds fraction {world['fraction']}: build again")
    else:
        recreate_database(args.database)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
    import django

    django.setup()
    from django.db import connection

    if not reuse:
        print(f"building at fraction {args.fraction}: {counts(args.fraction)}")
        world = build(args.fraction)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        world_file.write_text(json.dumps(world))
    print(
        f"data: {world['counts']}, {world['invitations']} invitations, {world['checkins']} "
        f"check-ins, {world['outbox']} outbox rows (built in {world['built_s']} s); "
        f"feed member in {world['feed_meetings']} meetings"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cursor.fetchone()[0]}")
    cookies = {
        "organizer": session_cookie(world["organizer"]),
        "staff": session_cookie(world["staff"]),
    }
    port = free_port()
    log = var / "gunicorn.log"
    print(f"gunicorn: {shlex.join(web_command(port))}")
    server = start_gunicorn(port, env, log)
    try:
        # Warm every worker up (imports, templates, connections).
        for _ in range(12):
            request(port, "GET", "/", cookie=cookies["staff"])
        print("pages (server ms, median of 3; queries; size):")
        page_rows = measure_pages(port, world, cookies)
        print("exports (as staff):")
        exports = measure_exports(port, world, cookies, server, env)
    finally:
        stop(server)
    print("beat tasks (in this process):")
    beat = measure_beat(world)

    html = [r for r in page_rows]
    bad = [r["page"] for r in html if r["status"] != 200]
    if bad:
        print(f"NOT 200: {bad}")
    slowest = max(html, key=lambda r: r["ms"])
    longest = max(
        [(r["page"], r["longest_s"]) for r in html] + exports["requests"], key=lambda x: x[1]
    )
    peak = max(exports["grown_mb"], key=lambda x: x[1])
    print(f"longest request: {longest[0]} ({longest[1]:.2f} s); biggest growth: {peak[0]}")
    idle = [r for r in beat if r["phase"] == "idle"]
    print(
        f"RESULT pages={len(html)} slowest_page_ms={slowest['ms']:.0f} "
        f'slowest_page="{slowest["page"]}" longest_request_s={longest[1]:.2f} '
        f"export_peak_rss_mb={peak[1]:.0f} beat_max_queries={max(r['queries'] for r in beat)} "
        f"beat_idle_max_ms={max(r['ms'] for r in idle):.0f}"
    )


if __name__ == "__main__":
    main()
