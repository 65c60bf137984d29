"""The services bench/faults.py runs and breaks: a PostgreSQL and a Redis of its own (their own
folders and ports, never the machine's), an SMTP sink that can go down or answer 451, and
Rakor's own processes (worker, beat, gunicorn) started as production starts them."""

import asyncio
import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from contextlib import suppress
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.support.wait import wait_until

BASE_DIR = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_bin() -> Path:
    """The newest PostgreSQL's programs: Debian keeps them in /usr/lib/postgresql/<n>/bin."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if found:
        return Path(found[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    sys.exit("PostgreSQL's programs (initdb, pg_ctl) are not installed")


class Postgres:
    """A cluster of its own in a temporary folder, on its own port. PostgreSQL refuses to run as
    root: as root, its programs run as the postgres user (runuser)."""

    def __init__(self, port: int):
        self.port, self.bin = port, _postgres_bin()
        self.folder = Path(_temporary_folder("rakor-faults-pg-"))
        self.data, self.log = self.folder / "data", self.folder / "postgres.log"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *command: str, **options) -> subprocess.CompletedProcess:
        as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*as_owner, *command], check=True, capture_output=True, **options)

    def start(self) -> "Postgres":
        if not self.data.exists():
            self._run(
                str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
            )  # fmt: skip
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c max_connections=200"
            f" -c unix_socket_directories={self.folder}"
        )
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                  "-o", options, "-w", "start")  # fmt: skip
        return self

    def restart(self) -> None:
        """A clean restart (-m fast), as an administrator or a package upgrade does it."""
        # -l as at the start: the new server must not write to (and hold open) our pipes.
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                  "-m", "fast", "-w", "restart")  # fmt: skip

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                [*(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
                 str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                capture_output=True, check=False,
            )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        subprocess.run(
            [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             name],
            check=True, capture_output=True,
        )  # fmt: skip
        return self.url(name)


class Redis:
    """redis-server on its own port and folder, append-only as docker-compose.yml runs it."""

    def __init__(self, port: int):
        self.port, self.folder = port, Path(_temporary_folder("rakor-faults-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "Redis":
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.folder), "--appendonly", "yes", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        wait_until(self._answers, timeout=30, what="Redis to start")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """A clean shutdown: what it holds is written to its append-only file first."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass(frozen=True)
class Arrival:
    at: float  # time.monotonic()
    message_id: str


class Sink:
    """An SMTP server on a fixed port that keeps the Message-ID and the time of each message it
    accepts. It can be down (nothing listens: connections are refused) or answer 451 to the
    next deliveries."""

    def __init__(self, port: int):
        self.port = port
        self.arrivals: list[Arrival] = []
        self.refusals_left = 0
        self.refused = 0
        self.changed = threading.Condition()
        self.controller: Controller | None = None
        self.on_arrival = None  # called with the number of arrivals, in the sink's thread

    def start(self) -> "Sink":
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def refuse(self, times: int) -> None:
        with self.changed:
            self.refusals_left = times

    async def handle_DATA(self, _server, _session, envelope) -> str:
        with self.changed:
            if self.refusals_left > 0:
                self.refusals_left -= 1
                self.refused += 1
                return "451 4.3.0 Try again later"
            headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
            self.arrivals.append(Arrival(at=time.monotonic(), message_id=headers["Message-ID"]))
            count = len(self.arrivals)
            self.changed.notify_all()
        if self.on_arrival is not None:
            await asyncio.to_thread(self.on_arrival, count)
        return "250 2.0.0 OK: queued"

    def count(self) -> int:
        with self.changed:
            return len(self.arrivals)

    def since(self, start: int) -> list[Arrival]:
        with self.changed:
            return list(self.arrivals[start:])


class Rakor:
    """Rakor's processes, each in its own process group, reading the environment like in
    production: one worker (prefork, two processes), one beat, gunicorn."""

    def __init__(self, env: dict[str, str], folder: Path):
        self.env, self.folder = env, folder
        self.worker = self.beat = self.web = None
        self.port = free_port()
        self.workers_started = 0
        # docker-compose.yml restarts a worker that exits (restart: unless-stopped): a worker
        # whose broker vanished mid-restore can die of celery/kombu's "Unrecoverable error"
        # (kombu#582). So does this stack, unless the suite stopped it on purpose.
        self.restarts: list[str] = []
        self._worker_down_on_purpose = False
        self._stopping = threading.Event()
        threading.Thread(target=self._restart_unless_stopped, daemon=True).start()

    def _restart_unless_stopped(self) -> None:
        while not self._stopping.wait(1.0):
            worker = self.worker
            if worker is None or self._worker_down_on_purpose or worker.poll() is None:
                continue
            self.restarts.append(f"worker exited with code {worker.returncode}, started again")
            print(f"  ! {self.restarts[-1]} (restart: unless-stopped)", file=sys.stderr)
            self.start_worker()

    def manage(self, *arguments: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=self.env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def _start(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("ab")
        return subprocess.Popen(
            command, cwd=BASE_DIR, env=self.env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def start_worker(self) -> None:
        self._worker_down_on_purpose = False
        self.workers_started += 1
        name = f"worker-{self.workers_started}"
        self.worker = self._start(name, [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
            "--concurrency=2", "--loglevel=INFO", "--without-mingle", "--without-gossip",
            f"--hostname=faults-{uuid.uuid4().hex[:6]}@%h",
        ])  # fmt: skip
        log = self.folder / f"{name}.log"
        wait_until(lambda: " ready." in log.read_text(errors="replace"), timeout=120,
                 what=f"{name} to start")  # fmt: skip

    def kill_worker(self) -> None:
        """SIGKILL to the worker and its pool processes: no goodbye, no acknowledgement."""
        self._worker_down_on_purpose = True
        _signal_group(self.worker, signal.SIGKILL)
        self.worker.wait(timeout=30)

    def start_beat(self) -> None:
        self.beat = self._start("beat", [
            sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO",
            "--schedule", str(self.folder / "beat-schedule"),
        ])  # fmt: skip

    def start_web(self) -> None:
        self.web = self._start("web", [
            str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind",
            f"127.0.0.1:{self.port}", "--workers", "3", "--backlog", "2048",
            "--log-level", "warning",
        ])  # fmt: skip
        wait_until(self._web_answers, timeout=60, what="gunicorn to start")

    def _web_answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        self._stopping.set()
        self._worker_down_on_purpose = True
        for process in (self.web, self.beat, self.worker):
            if process is not None and process.poll() is None:
                _signal_group(process, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    _signal_group(process, signal.SIGKILL)

    def errors(self) -> list[str]:
        """Tracebacks in the processes' logs (for the report)."""
        found = []
        for log in self.folder.glob("*.log"):
            text = log.read_text(errors="replace")
            found += [f"{log.name}: {line}" for line in re.findall(r"^\S*Error: .*$", text, re.M)]
        return found


def _signal_group(process: subprocess.Popen, number: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, number)


def _temporary_folder(prefix: str) -> str:
    return tempfile.mkdtemp(prefix=prefix)
