"""Benchmark: invite members to a two-day meeting and send every invitation email for real.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rakor_bench_fanout \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/python bench/fanout.py --messages 2000

It drops, creates (createdb) and migrates the database (its name must contain "bench"), empties
the broker's Redis database, starts an aiosmtpd sink on 127.0.0.1 (tests/support/smtp.py) and a
real worker subprocess (`celery -A bench.fanout worker`: the project's Celery app, `config`,
plus a query counter, see below; database connections kept 60 s, CONN_MAX_AGE, as
docker-compose.yml runs it), then calls events.services.send_invitations for N ÷ 2
invitations in one committed transaction and measures until the sink has accepted the last of
the N messages (each session of the meeting is its own calendar event, so every invitee gets an
email per session; see events.calendar). Lost and duplicated messages are counted from the
Message-IDs the sink received against those in the outbox.

Queries are counted in the worker: with RAKOR_BENCH_QUERY_DIR set, every new database
connection of the worker gets an execute wrapper counting each statement sent through a
cursor (savepoints included; a transaction's BEGIN and COMMIT are sent by psycopg itself and
not counted), and each process writes its total after every task.

Before RESULT it prints two lines to read it by. `CPU ms_per_message`: CPU time per message of
the worker (all its processes), the sink (this process), the PostgreSQL backends of the bench
database plus the WAL writer, and Redis, with `cores_busy` (their CPU seconds per second of the
run: 2.0 is all of this 2-core machine). This is what to compare between runs when other work
shares the machine: messages_per_s falls with every neighbour, CPU per message does not.
`MEMORY`: the worker's peak memory three ways. RESULT's worker_peak_rss_mb is the sum of VmHWM
(peak resident set) of the worker's processes, an upper bound (prefork children share pages
with their parent and each counts them); `largest_vmhwm_mb` is the largest single process;
`peak_pss_mb` is the largest sampled sum of PSS, which counts each shared page once, as a
container's memory limit does: the figure to hold against a memory target.

`LIMIT messages_per_s=…`: N copies of a real invitation, built beforehand, sent straight to
another sink over one SMTP connection from this process (the client shares this process with
the sink). It bounds what the SMTP conversation alone allows; it is not the machine's limit for
the whole path, since the worker also builds, stores and marks each message on the same cores.
"""

import argparse
import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from bench.cpu import CpuWatch, pids_matching, process_tree  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/rakor_bench_fanout"
DEFAULT_BROKER = "redis://127.0.0.1:6379/11"
QUERY_DIR_ENV = "RAKOR_BENCH_QUERY_DIR"


# --- The worker side: `celery -A bench.fanout worker` imports this module for `app`. --------
def _install_query_counter(folder: str) -> None:
    from celery.signals import task_postrun
    from django.db.backends.signals import connection_created

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    def on_connection(connection, **kwargs):
        if counter not in connection.execute_wrappers:
            connection.execute_wrappers.append(counter)

    def on_task_done(**kwargs):
        Path(folder, f"queries-{os.getpid()}").write_text(str(count[0]))

    connection_created.connect(on_connection, weak=False)
    task_postrun.connect(on_task_done, weak=False)


if __name__ != "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from config.celery import app  # noqa: F401  (what `celery -A bench.fanout` runs)

    if os.environ.get(QUERY_DIR_ENV):
        _install_query_counter(os.environ[QUERY_DIR_ENV])


# --- The benchmark. -----------------------------------------------------------------------
SESSIONS = 2  # the meeting's sessions: each invitation is an email per session


def build_world(count: int):
    from datetime import timedelta

    from django.utils import timezone

    from events.models import AgendaItem, Invitation, Meeting, Session
    from events.services import invite_members
    from members.models import Agency, Member
    from tests.events.factories import local

    agencies = Agency.objects.bulk_create(
        [Agency(name=f"Kementerian Bench {n}", acronym=f"KB{n}") for n in range(40)]
    )
    members = Member.objects.bulk_create(
        [
            Member(
                full_name=f"Pranata Humas {n}",
                email=f"humas{n}@bench{n % 40}.go.id",
                position="Pranata Humas Ahli Muda",
                agency=agencies[n % 40],
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    day = timezone.localdate() + timedelta(days=21)
    meeting = Meeting.objects.create(
        title="Koordinasi Pranata Humas Antar K/L (tindak lanjut)",
        description="Penyusunan pedoman pelatihan dan kurikulum pranata humas.",
        host_agency=agencies[0],
        letter_number="B-123/BD/HM.01/2025",
        venue="Aula Gedung Kementerian Agama",
        address="Jl. M.H. Thamrin No. 6\nJakarta Pusat",
        mode=Meeting.Mode.HYBRID,
        online_url="https://zoom.example/j/123456789",
        state=Meeting.State.PUBLISHED,
    )
    for index in range(SESSIONS):
        Session.objects.create(
            meeting=meeting,
            title=f"Hari {index + 1}",
            starts_at=local(day + timedelta(days=index), 8),
            ends_at=local(day + timedelta(days=index), 16),
        )
    for position, title in enumerate(
        ["Arahan Sekretaris Badan", "Penguatan profesionalitas kehumasan", "Kurikulum pelatihan"]
    ):
        AgendaItem.objects.create(meeting=meeting, title=title, position=position)
    invite_members(meeting=meeting, members=members)
    return meeting, list(Invitation.objects.filter(meeting=meeting).select_related("member"))


def raw_limit(count: int, sample: bytes) -> float:
    """N copies of one invitation, Message-ID changed, sent over one SMTP connection."""
    from tests.support.smtp import SmtpSink

    sink = SmtpSink().start()
    marker = b"Message-ID: "
    head, _, rest = sample.partition(marker)
    rest = rest.split(b"\r\n", 1)[1]
    messages = [
        head + marker + f"<{uuid.uuid4().hex}@bench>".encode() + b"\r\n" + rest
        for _ in range(count)
    ]
    try:
        started = time.perf_counter()
        with smtplib.SMTP(sink.host, sink.port) as smtp:
            for message in messages:
                smtp.sendmail("rakor@localhost", ["someone@bench.go.id"], message)
        sink.wait_for(count, timeout=600)
        return count / (time.perf_counter() - started)
    finally:
        sink.stop()


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def pss_kb(pid: int) -> int:
    """Proportional set size: private pages plus a 1/n share of pages n processes share."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


class RssWatch(threading.Thread):
    """Peak memory of the worker's processes, sampled until stopped, three ways:
    `peak_kb`, the sum of each process's VmHWM (what RESULT reports: an upper bound, since
    pages a prefork child shares with its parent count in both); `largest_kb`, the largest
    single VmHWM; `pss_kb`, the largest sampled sum of PSS (shared pages counted once: the
    memory the worker really occupies, to within the 0.1 s sampling)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.stopped, self.pids = pid, threading.Event(), [pid]
        self.peak_kb = self.largest_kb = self.pss_kb = 0

    def sample(self) -> None:
        pids = self.pids = process_tree(self.pid)
        peaks = [status_kb(pid, "VmHWM") for pid in pids]
        self.peak_kb = max(self.peak_kb, sum(peaks))
        self.largest_kb = max(self.largest_kb, *peaks)
        self.pss_kb = max(self.pss_kb, sum(pss_kb(pid) for pid in pids))

    def run(self) -> None:
        while not self.stopped.wait(0.1):
            self.sample()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--pool", default="prefork")
    options = parser.parse_args()
    count = options.messages

    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("CELERY_BROKER_URL", DEFAULT_BROKER)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="rakor-bench-fanout-")
    from bench.throwaway import empty_redis, recreate_database

    recreate_database(os.environ["DATABASE_URL"])
    empty_redis(os.environ["CELERY_BROKER_URL"])

    from tests.support.smtp import SmtpSink

    sink = SmtpSink().start()
    os.environ["EMAIL_URL"] = sink.url

    import django

    django.setup()
    import logging

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-command log
    from django.core.management import call_command
    from django.db import transaction

    from events import services
    from events.mail import invitation_messages
    from outbox.models import OutboxMessage

    call_command("migrate", verbosity=0)
    meeting, invitations = build_world(count // SESSIONS)
    count = len(invitations) * SESSIONS

    [sample, *_] = invitation_messages(
        invitation=invitations[0], answer_url=services.answer_url("x" * 43)
    )
    sample.extra_headers["Message-ID"] = "<sample@bench>"
    limit = raw_limit(count, sample.message().as_bytes(linesep="\r\n"))
    print(f"LIMIT messages_per_s={limit:.0f}", flush=True)

    query_dir = tempfile.mkdtemp(prefix="rakor-bench-queries-")
    log_path = Path(os.environ["VAR_DIR"]) / "worker.log"
    env = {**os.environ, QUERY_DIR_ENV: query_dir, "PYTHONPATH": str(BASE_DIR)}
    env.setdefault("CONN_MAX_AGE", "60")  # as docker-compose.yml runs the worker
    with log_path.open("ab") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "bench.fanout",
                "worker",
                f"--pool={options.pool}",
                f"--concurrency={options.concurrency}",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                f"--hostname=bench-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    watch = RssWatch(worker.pid)
    try:
        _wait_ready(worker, log_path)
        watch.start()
        database = urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")
        cpu = CpuWatch(
            lambda: {
                "worker": process_tree(worker.pid),
                "sink": [os.getpid()],
                "postgres": pids_matching(f" {database} ", "walwriter"),
                "redis": pids_matching("redis-server"),
            }
        )
        started = time.perf_counter()
        with transaction.atomic():
            services.send_invitations(meeting=meeting, invitations=invitations)
        sink.wait_for(count, timeout=900)
        seconds = time.perf_counter() - started
        spent = cpu.spent()
        time.sleep(1.0)  # let the last tasks write their query counts and late copies arrive
        watch.sample()
    finally:
        watch.stopped.set()
        try:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(worker.pid, signal.SIGKILL)
        sink.stop()

    expected = set(
        OutboxMessage.objects.filter(topic=f"meeting:{meeting.pk}").values_list(
            "message_id", flat=True
        )
    )
    received = sink.message_ids()
    lost = len(expected - set(received))
    duplicated = len(received) - len(set(received))
    queries = sum(int(p.read_text() or 0) for p in Path(query_dir).glob("queries-*"))
    print(
        "CPU ms_per_message "
        + " ".join(f"{name}={1000 * value / count:.2f}" for name, value in spent.items())
        + f" cores_busy={sum(spent.values()) / seconds:.2f}",
        flush=True,
    )
    print(
        f"MEMORY worker_processes={len(watch.pids)} sum_vmhwm_mb={watch.peak_kb / 1024:.0f} "
        f"largest_vmhwm_mb={watch.largest_kb / 1024:.0f} peak_pss_mb={watch.pss_kb / 1024:.0f}",
        flush=True,
    )
    print(
        f"RESULT messages={count} invitations={len(invitations)} seconds={seconds:.2f} "
        f"messages_per_s={count / seconds:.0f} "
        f"queries_per_message={queries / count:.2f} "
        f"worker_peak_rss_mb={watch.peak_kb / 1024:.0f} lost={lost} duplicated={duplicated}",
        flush=True,
    )


def _wait_ready(worker: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            sys.exit(f"The worker exited:\n{log_path.read_text()}")
        if " ready." in log_path.read_text():
            return
        time.sleep(0.1)
    sys.exit(f"The worker did not start:\n{log_path.read_text()}")


if __name__ == "__main__":
    main()
