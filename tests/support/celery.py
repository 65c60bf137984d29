"""Real Celery workers for tests, against the configured broker (CELERY_BROKER_URL).

- `isolated_broker(app, folder)`: the test's own broker. kombu's filesystem transport gets fresh
  folders; Redis gets a key prefix of its own (deleted afterwards). Tasks are published for real
  (`task_always_eager` off) while it is active.
- `run_worker(app)`: a worker inside the test process (a thread), as Celery's own test helper
  starts it.
- `WorkerProcess`: `celery -A config worker` in a subprocess (its own process group), so a test
  can kill it. It reads the test database, the broker and the SMTP server from the environment,
  like a production worker does.

A worker needs a database the test's transaction does not hide: use
`@pytest.mark.django_db(transaction=True)`.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from tests.support.found import present

BASE_DIR = Path(__file__).resolve().parents[2]


@dataclass
class Broker:
    url: str
    transport_options: dict
    key_prefix: str = ""


@contextmanager
def isolated_broker(app, folder: Path, *, url: str | None = None) -> Iterator[Broker]:
    """Point `app` at a broker no other test uses, and publish tasks for real meanwhile: the
    configured one, or the one `url` names ("filesystem://": Rakor's default, in `folder`)."""
    conf = app.conf
    saved = {
        "broker_url": conf.broker_url,
        "broker_transport": conf.broker_transport,
        "broker_transport_options": conf.broker_transport_options,
        "task_always_eager": conf.task_always_eager,
    }
    url = url or conf.broker_url
    if url.startswith("filesystem://"):
        conf.broker_url, conf.broker_transport = url, "config.broker:FilesystemTransport"
        broker = Broker(url=url, transport_options=_filesystem_options(folder))
    elif url.startswith(("redis://", "rediss://")):
        prefix = f"rakor-test-{uuid.uuid4().hex[:12]}:"
        options = {**(saved["broker_transport_options"] or {}), "global_keyprefix": prefix}
        broker = Broker(url=url, transport_options=options, key_prefix=prefix)
    else:
        raise NotImplementedError(f"No isolated test broker for {url!r}")
    _forget_filesystem_bindings()
    conf.broker_transport_options = broker.transport_options
    conf.task_always_eager = False
    _drop_broker_connections(app)
    try:
        yield broker
    finally:
        for key, value in saved.items():
            setattr(conf, key, value)
        _drop_broker_connections(app)
        _forget_filesystem_bindings()
        if broker.key_prefix:
            _delete_redis_keys(url, broker.key_prefix)


def _filesystem_options(folder: Path) -> dict:
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
        "polling_interval": 0.05,
    }
    for key in ("data_folder_in", "processed_folder", "control_folder"):
        Path(str(options[key])).mkdir(parents=True, exist_ok=True)
    return options


def _forget_filesystem_bindings() -> None:
    # The filesystem transport remembers, per process, which queues it bound; in a fresh control
    # folder it must bind them again.
    from kombu.transport.filesystem import Transport

    Transport.global_state.clear()


def _drop_broker_connections(app) -> None:
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu keeps producer pools per connection URL in a global registry; a closed one left there
    # breaks every later publish, the eager ones included (they borrow a producer too).
    pools.reset()


def _delete_redis_keys(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@contextmanager
def run_worker(app, *, pool: str = "threads", concurrency: int = 2):
    """A real worker in this process, consuming from the current (isolated) broker."""
    with start_worker(
        app,
        pool=pool,
        concurrency=concurrency,
        perform_ping_check=False,
        shutdown_timeout=30,
    ) as worker:
        yield worker


class WorkerProcess:
    """`celery -A config worker` in its own process group, reading its settings from `env`."""

    def __init__(self, *, env: dict[str, str], log_path: Path, pool: str, concurrency: int):
        self.env = env
        self.log_path = log_path
        self.pool = pool
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self, *, timeout: float = 60.0) -> "WorkerProcess":
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--pool={self.pool}",
            f"--concurrency={self.concurrency}",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so kill() gets the children
            )
        deadline = time.monotonic() + timeout
        while " ready." not in self.log():
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker exited while starting:\n{self.log()}")
            if time.monotonic() > deadline:
                self.kill()
                raise TimeoutError(f"The worker was not ready in {timeout} s:\n{self.log()}")
            time.sleep(0.05)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean-up, no acknowledgements, like a power cut."""
        if self.process is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, *, timeout: float = 30.0) -> None:
        """A warm shutdown (SIGTERM to the main process, which waits for its pool), killing
        what is left if it does not end in time."""
        if not self.running:
            self.kill()  # reap what is left of the group
            return
        present(self.process).terminate()
        with suppress(subprocess.TimeoutExpired):
            present(self.process).wait(timeout=timeout)
        self.kill()


def worker_environment(broker: Broker, *, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a worker subprocess: this test's database, broker and mail server."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.support.worker_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_BROKER_URL": broker.url,
        "RAKOR_TEST_BROKER_TRANSPORT_OPTIONS": json.dumps(broker.transport_options),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_TIMEOUT": str(settings.EMAIL_TIMEOUT or 30),
        **extra,
    }
    if settings.EMAIL_BACKEND in (
        "core.mail_backends.SmtpBackend",
        "django.core.mail.backends.smtp.EmailBackend",
    ):
        env["EMAIL_URL"] = f"smtp://{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return env


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL (django-environ) for the database this test process uses."""
    engine, name = settings_dict["ENGINE"], str(settings_dict["NAME"])
    if engine == "django.db.backends.sqlite3":
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError(
                "Another process cannot open an in-memory SQLite database: give the test "
                'database a file (DATABASES["default"]["TEST"]["NAME"]).'
            )
        return f"sqlite:///{Path(name).resolve()}"
    schemes = {"django.db.backends.postgresql": "postgres", "django.db.backends.mysql": "mysql"}
    scheme = schemes[engine]
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"{scheme}://{credentials}{host}{port}/{quote(name, safe='')}"
