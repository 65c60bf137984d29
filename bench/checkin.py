"""Benchmark: C concurrent clients scan every one of N tickets twice, at the same time, through
the scanner page's own endpoint, against Rakor under gunicorn on PostgreSQL.

    .venv/bin/python bench/checkin.py --tickets 2000 --clients 16

It drops, creates (createdb) and migrates the database (DATABASE_URL, default
rakor_bench_checkin; its name must contain "bench"), empties the Redis database of the cache
(CACHE_URL, default redis://127.0.0.1:6379/14: the scan rate-limit counters live there),
creates a meeting going on now with N accepted invitations and their tickets, and an operator
link for each client (each client is a desk, counted for the scan rate limit on its own, as at
the door), then starts gunicorn (sync workers, 2 × cores + 1 unless --workers, none renewed
during the run) with bench/checkin_settings.py: production settings with DEBUG off, a test
SECRET_KEY and a no-op JSON view at /bench/noop/ (bench/checkin_urls.py; production URLs are
untouched) and a scan rate limit raised so that it is counted on every scan but never stops a
client.

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

from bench.cpu import CpuWatch, pids_matching, process_tree  # noqa: E402
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


def build_world(count: int, desks: int) -> tuple[int, int, int, list[str], list[str]]:
    """A meeting going on now with two sessions open (the measured one and one for warming
    up), `count` accepted invitations with tickets, `desks` operator links. Returns the
    meeting's and the two sessions' ids, the ticket secrets and the links' secrets."""
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
    link_secrets = [
        create_operator_link(meeting=meeting, label=f"Meja {n + 1}", created_by=None)[1]
        for n in range(desks)
    ]
    return meeting.pk, session.pk, warm_up.pk, [t.secret for t in tickets], link_secrets


def set_up(tickets: int, desks: int) -> tuple[str, tuple]:
    """This process's settings, an empty database and Redis number of the benchmark's own,
    Django, and build_world's world: returns the database's address and the world."""
    database = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    cache_url = os.environ.setdefault("CACHE_URL", DEFAULT_CACHE)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    prepare_database(database)
    empty_redis(cache_url)

    import django

    django.setup()
    return database, build_world(tickets, desks)


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
        # No worker recycling (gunicorn.conf.py renews a worker after about 1,000 requests):
        # the warm-up and the floor are 1,000 requests per worker, so every worker would be
        # renewed, cold (imports, a new database connection), at the start of the scans, and
        # the scans alone would pay for it.
        "--max-requests",
        "0",
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


async def drive(
    port: int, requests: list[bytes], clients: int, check, cpu=None, frame=None
) -> dict:
    """Send `requests` with `clients` concurrent clients pulling from one list in order;
    `check(status, body)` says whether an answer is right. With `frame(client, request)`,
    each client sends what that returns instead (its own desk's address). With `cpu` (a
    function returning a CpuWatch's groups), also the CPU seconds each group spent
    meanwhile."""
    position = 0
    latencies: list[float] = []
    answers: list[str] = []
    errors = 0

    async def worker(number: int):
        nonlocal position, errors
        client = Client(port)
        while position < len(requests):
            raw = requests[position] if frame is None else frame(number, requests[position])
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

    watch = CpuWatch(cpu) if cpu else None
    started = time.perf_counter()
    await asyncio.gather(*(worker(number) for number in range(clients)))
    elapsed = time.perf_counter() - started
    return {
        "elapsed": elapsed,
        "latencies": latencies,
        "answers": answers,
        "errors": errors,
        "cpu": watch.spent() if watch else {},
    }


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

    database, world = set_up(args.tickets, args.clients)
    meeting_id, session_id, warm_up_id, secrets, link_secrets = world
    from django.db import connection

    connection.close()

    port = free_port()
    server = start_gunicorn(port, args.workers, dict(os.environ))
    database_name = database.rpartition("/")[2]

    def processes() -> dict[str, list[int]]:
        return {
            "gunicorn": process_tree(server.pid),
            "postgres": pids_matching(f" {database_name} ", "walwriter"),
            "redis": pids_matching("redis-server"),
            "loadgen": [os.getpid()],
        }

    try:
        token = csrf_cookie(port, f"/checkin/{link_secrets[0]}/")
        noop = f"GET /bench/noop/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        heads = [
            (
                f"POST /checkin/{secret}/scan/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Content-Type: application/json\r\n"
                f"Cookie: csrftoken={token}\r\nX-CSRFToken: {token}\r\nContent-Length: "
            ).encode()
            for secret in link_secrets
        ]

        def scan(secret: str, session: int) -> bytes:
            """A scan's request from the length on, as the scanner page posts it: every scan
            has its own number and time. `at_desk` puts the desk's address in front."""
            scanned = {"nonce": str(uuid.uuid4()), "scanned_at": datetime.now(UTC).isoformat()}
            body = json.dumps({"content": secret, "session": session, **scanned}).encode()
            return f"{len(body)}\r\n\r\n".encode() + body

        def at_desk(client: int, request: bytes) -> bytes:
            return heads[client] + request

        # Every worker loads its code, connections and prepared statements before either
        # measurement, so that neither pays for it: no-op requests, then scans in the other
        # session (their check-ins are not counted).
        asyncio.run(drive(port, [noop] * WARM_UP, args.clients, lambda _status, _body: "ok"))
        warm = [scan(secret, warm_up_id) for secret in secrets[:WARM_UP]]
        asyncio.run(drive(port, warm, args.clients, lambda _status, _body: "ok", frame=at_desk))
        floor = asyncio.run(
            drive(port, [noop] * (2 * len(secrets)), args.clients, noop_check, processes)
        )
        # The same ticket twice, to two clients (two desks) at once.
        scans = [scan(secret, session_id) for secret in secrets for _twice in range(2)]
        run = asyncio.run(drive(port, scans, args.clients, scan_check, processes, frame=at_desk))
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
    for name, phase in (("noop", floor), ("scan", run)):
        count = len(phase["latencies"]) or 1
        spent = phase["cpu"]
        print(
            f"CPU ms_per_request {name}: "
            + " ".join(f"{group}={1000 * value / count:.2f}" for group, value in spent.items())
            + f" total={1000 * sum(spent.values()) / count:.2f}"
            + f" cores_busy={sum(spent.values()) / phase['elapsed']:.2f}"
        )
    print(
        f"RESULT scans={len(lat)} scans_per_s={scans_per_s:.0f} "
        f"p50_ms={percentile(lat, 0.5):.1f} p95_ms={percentile(lat, 0.95):.1f} "
        f"p99_ms={percentile(lat, 0.99):.1f} checkins={checkins} expected={len(secrets)} "
        f"noop_per_s={noop_per_s:.0f} errors={errors}"
    )


if __name__ == "__main__":
    main()
