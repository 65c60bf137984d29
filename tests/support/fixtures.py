"""Fixtures for tests that use real services: an SMTP server and Celery workers.

Registered for the whole suite by `pytest_plugins = ["tests.support.fixtures"]` in
tests/conftest.py.
"""

import pytest

from config.celery import app as celery_app

from .celery import WorkerProcess, isolated_broker, run_worker, worker_environment
from .smtp import SmtpSink


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):  # noqa: ARG001 (requested for its effect)
    """On SQLite the test database is a file, not memory: a worker in another thread or another
    process must see what the test wrote."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME"):
        test["NAME"] = str(tmp_path_factory.mktemp("database") / "test.sqlite3")


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on 127.0.0.1; Django's mail goes to it for the duration of the test."""
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "core.mail_backends.SmtpBackend"  # what EMAIL_URL=smtp://… sets
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def celery_broker(tmp_path):
    """This test's own broker (a fresh folder, or its own Redis key prefix); tasks are sent to
    it for real instead of running inline."""
    with isolated_broker(celery_app, tmp_path / "broker") as broker:
        yield broker


@pytest.fixture
def celery_worker(celery_broker, transactional_db):  # noqa: ARG001 (requested for its effect)
    """A real Celery worker in this process (two threads) consuming the test's broker."""
    with run_worker(celery_app, pool="threads", concurrency=2) as worker:
        yield worker


@pytest.fixture
def celery_worker_process(celery_broker, transactional_db, tmp_path):  # noqa: ARG001 (requested for its effect)
    """Start `celery -A config worker` subprocesses that a test may kill:

        worker = celery_worker_process(pool="prefork", OUTBOX_STALE_AFTER_SECONDS="2")
        worker.kill()

    Extra keyword arguments are environment variables. Workers still running at the end of
    the test are stopped.
    """
    started: list[WorkerProcess] = []

    def start(*, pool: str = "prefork", concurrency: int = 1, **env: str) -> WorkerProcess:
        number = len(started) + 1
        worker = WorkerProcess(
            env=worker_environment(celery_broker, var_dir=tmp_path / "worker-var", **env),
            log_path=tmp_path / f"worker-{number}.log",
            pool=pool,
            concurrency=concurrency,
        )
        started.append(worker)
        return worker.start()

    yield start
    for number, worker in enumerate(started, start=1):
        worker.stop()
        print(f"--- worker {number} log (shown if the test failed) ---\n{worker.log()}")


@pytest.fixture
def broker_down(monkeypatch):
    """Every task handed to Celery fails as it does when Redis cannot be reached."""
    from celery.app.task import Task
    from kombu.exceptions import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return monkeypatch


@pytest.fixture
def broker_that_loses(monkeypatch):
    """A broker that takes every task and never delivers it: the arguments of each task handed
    over, in order."""
    from celery.app.task import Task

    handed = []
    monkeypatch.setattr(
        Task,
        "apply_async",
        lambda task, args=None, kwargs=None, **options: handed.append(args),  # noqa: ARG005 (Task.apply_async's signature)
    )
    return handed
