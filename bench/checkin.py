"""Benchmark: C concurrent clients scan every one of N tickets twice, at the same time, through
the scanner page's own endpoint, against Rakor under gunicorn on PostgreSQL.

    .venv/bin/python bench/checkin.py --tickets 2000 --clients 16

It drops, creates (createdb) and migrates the database (DATABASE_URL, default
rakor_bench_checkin; its name must contain "bench"), empties the Redis database of the cache
(CACHE_URL, default redis://127.0.0.1:6379/14: the scan rate-limit counters live there),
creates a meeting going on now with N accepted invitations and their tickets, and an operator
link, then starts gunicorn (sync workers, 2 × cores + 1 unless --workers) with
bench/checkin_settings.py: production settings with DEBUG off, a test SECRET_KEY and a no-op
JSON view at /bench/noop/ (bench/checkin_urls.py; production URLs are untouched).

The load generator is asyncio on raw sockets (HTTP/1.1, one request in flight per client,
keep-alive when the server allows it), so it costs the shared CPU as little as it can. It
first warms every worker up, untimed (500 no-op GETs, then 500 scans in a second session whose
check-ins are not counted), then sends 2N GETs to the no-op view (the floor), then the 2N
scans, each with its own nonce and scan time as the scanner page sends them: each ticket's two
scans are handed to two different clients one after the other, so they reach the server at the
same moment. A scan counts as an error unless it is HTTP 200 with status "ok" or
"already_checked_in"; afterwards the check-ins in the database must be exactly N and the "ok"
answers exactly N.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from bench.throwaway import empty_redis, recreate_database  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/rakor_bench_checkin"
DEFAULT_CACHE = "redis://127.0.0.1:6379/14"
SETTINGS = "bench.checkin_settings"
WARM_UP = 500


def prepare_database(url: str) -> None:
    recreate_database(url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        check=True,
    )


def build_world(count: int) -> tuple[int, int, int, list[str], str]:
    """A meeting going on now with two sessions open (the measured one and one for warming
    up), `count` accepted invitations with tickets, an operator link. Returns the meeting's
    and the two sessions' ids, the ticket secrets and the link's secret."""
    from datetime import timedelta

    from django.utils import timezone

    from attendance.models import Ticket
    from attendance.services import create_operator_link
    from core.secrets import new_secret
    from events.models import Invitation, Meeting, Session
    from members.models import Agency, Member

    agencies = Agency.objects.bulk_create(
        [Agency(name=f"Kementerian Bench {n}", acronym=f"KB{n}") for n in range(40)]
    )
    meeting = Meeting.objects.create(
        title="Koordinasi Pranata Humas Antar K/L",
        host_agency=agencies[0],
        venue="Aula Gedung Kementerian Agama",
        state=Meeting.State.PUBLISHED,
    )
    now = timezone.now()
    session, warm_up = (
        Session.objects.create(
            meeting=meeting,
            title=title,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=8),
        )
        for title in ("Hari 1", "Sesi pemanasan")
    )
    members = Member.objects.bulk_create(
        [
            Member(
                full_name=f"Pranata Humas {n}",
                email=f"humas{n}@bench{n % 40}.go.id",
                nip=f"19850315201001{(n % 2) + 1}{n % 1000:03d}",
                position="Pranata Humas Ahli Muda",
                agency=agencies[n % 40],
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                meeting=meeting, member=member, answer=Invitation.Answer.YES, answered_at=now
            )
            for member in members
        ],
        batch_size=1000,
    )
    tickets = Ticket.objects.bulk_create(
        [Ticket(invitation=invitation, secret=new_secret()) for invitation in invitations],
        batch_size=1000,
    )
    _link, link_secret = create_operator_link(meeting=meeting, label="Meja bench", created_by=None)
    return meeting.pk, session.pk, warm_up.pk, [t.secret for t in tickets], link_secret


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/noop/", timeout=1) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    sys.exit("gunicorn did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# --- The load generator -----------------------------------------------------------------------
class Client:
    """One HTTP/1.1 connection, one request at a time, reopened when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _sep, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        body = await self.reader.readexactly(length) if length else b""
        if close:
            self.writer.close()
            self.reader = self.writer = None
        return status, body


async def drive(port: int, requests: list[bytes], clients: int, check) -> dict:
    """Send `requests` with `clients` concurrent clients pulling from one list in order;
    `check(status, body)` says whether an answer is right."""
    position = 0
    latencies: list[float] = []
    answers: list[str] = []
    errors = 0

    async def worker():
        nonlocal position, errors
        client = Client(port)
        while position < len(requests):
            raw = requests[position]
            position += 1
            started = time.perf_counter()
            try:
                status, body = await client.request(raw)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                client = Client(port)
                continue
            latencies.append(time.perf_counter() - started)
            verdict = check(status, body)
            if verdict is None:
                errors += 1
            else:
                answers.append(verdict)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "latencies": latencies, "answers": answers, "errors": errors}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def noop_check(status: int, body: bytes):
    return "ok" if status == 200 and body == b'{"status": "ok"}' else None


def scan_check(status: int, body: bytes):
    if status != 200:
        return None
    answer = json.loads(body).get("status")
    return answer if answer in ("ok", "already_checked_in") else None


def csrf_cookie(port: int, page: str) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{page}") as response:
        assert response.status == 200, response.status
        for header in response.headers.get_all("Set-Cookie"):
            if header.startswith("csrftoken="):
                return header.split(";")[0].split("=", 1)[1]
    raise SystemExit("the scanner page set no CSRF cookie")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    args = parser.parse_args()

    database = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    cache_url = os.environ.setdefault("CACHE_URL", DEFAULT_CACHE)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    prepare_database(database)
    empty_redis(cache_url)

    import django

    django.setup()
    from django.db import connection

    meeting_id, session_id, warm_up_id, secrets, link_secret = build_world(args.tickets)
    connection.close()

    port = free_port()
    server = start_gunicorn(port, args.workers, dict(os.environ))
    try:
        page = f"/checkin/{link_secret}/"
        token = csrf_cookie(port, page)
        noop = f"GET /bench/noop/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()

        def scan(secret: str, session: int) -> bytes:
            # What the scanner page posts: every scan has its own number and time.
            scanned = {"nonce": str(uuid.uuid4()), "scanned_at": datetime.now(UTC).isoformat()}
            body = json.dumps({"content": secret, "session": session, **scanned}).encode()
            return (
                f"POST {page}scan/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"Cookie: csrftoken={token}\r\nX-CSRFToken: {token}\r\n\r\n"
            ).encode() + body

        # Every worker loads its code, connections and prepared statements before either
        # measurement, so that neither pays for it: no-op requests, then scans in the other
        # session (their check-ins are not counted).
        warm = [noop] * WARM_UP + [scan(secret, warm_up_id) for secret in secrets[:WARM_UP]]
        asyncio.run(drive(port, warm, args.clients, lambda status, body: "ok"))
        floor = asyncio.run(drive(port, [noop] * (2 * len(secrets)), args.clients, noop_check))
        # The same ticket twice, to two clients at once.
        scans = [scan(secret, session_id) for secret in secrets for _twice in range(2)]
        run = asyncio.run(drive(port, scans, args.clients, scan_check))
    finally:
        stop(server)

    from attendance.models import CheckIn

    checkins = CheckIn.objects.filter(session_id=session_id).count()
    oks = run["answers"].count("ok")
    errors = (
        run["errors"] + floor["errors"] + (0 if oks == len(secrets) else abs(oks - len(secrets)))
    )
    noop_per_s = len(floor["latencies"]) / floor["elapsed"]
    scans_per_s = len(run["latencies"]) / run["elapsed"]
    lat = run["latencies"]
    print(
        f"NOOP requests={len(floor['latencies'])} per_s={noop_per_s:.0f} "
        f"p50_ms={percentile(floor['latencies'], 0.5):.1f} "
        f"p95_ms={percentile(floor['latencies'], 0.95):.1f} workers={args.workers} "
        f"meeting={meeting_id}"
    )
    print(
        f"SCANS ok={oks} already={run['answers'].count('already_checked_in')} "
        f"mean_ms={statistics.fmean(lat) * 1000:.1f} share_of_noop={scans_per_s / noop_per_s:.0%}"
    )
    print(
        f"RESULT scans={len(lat)} scans_per_s={scans_per_s:.0f} "
        f"p50_ms={percentile(lat, 0.5):.1f} p95_ms={percentile(lat, 0.95):.1f} "
        f"p99_ms={percentile(lat, 0.99):.1f} checkins={checkins} expected={len(secrets)} "
        f"noop_per_s={noop_per_s:.0f} errors={errors}"
    )


if __name__ == "__main__":
    main()
