"""No secret of any link kind in any log Rakor writes: Django's (captured from Rakor's own log
handlers, in this process) and gunicorn's access and error logs (a real gunicorn started with
the project's gunicorn.conf.py)."""

import io
import logging
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from core.logs import REDACTED, RedactSecrets, redact
from tests.support.celery import database_url
from tests.support.links import KINDS, every_link_kind
from tests.support.wait import wait_until


def secret_of(path: str) -> str:
    """The secret of a link's path: its longest segment (43 characters; a venue code 47)."""
    return max(path.strip("/").split("/"), key=len).removesuffix(".ics")


def redacted(path: str) -> str:
    """The path as the logs show it: its secret's whole segment replaced."""
    segment = max(path.strip("/").split("/"), key=len)
    return path.replace(segment, REDACTED)


@pytest.fixture
def written():
    """What Rakor's log handlers (those with the redacting filter) write during the test."""
    loggers = [logging.getLogger(), logging.getLogger("django.server")]
    handlers = [
        handler
        for logger in loggers
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler)
        and any(isinstance(f, RedactSecrets) for f in handler.filters)
    ]
    assert len(handlers) == 2  # the console and the development server's request lines
    out = io.StringIO()
    before = [handler.setStream(out) for handler in handlers]
    yield out
    for handler, stream in zip(handlers, before, strict=True):
        handler.setStream(stream)


@pytest.fixture
def links(db):  # noqa: ARG001 (requested for its effect)
    return every_link_kind()


@pytest.mark.parametrize("kind", KINDS)
def test_djangos_request_warnings_name_no_secret(client, links, kind, written):
    right, wrong = links[kind]

    client.generic("PUT", right)  # 405, logged with the path
    client.get(wrong)  # 404, logged with the path

    text = written.getvalue()
    assert f"Method Not Allowed (PUT): {redacted(right)}" in text
    assert f"Not Found: {redacted(wrong)}" in text
    assert secret_of(right) not in text
    assert secret_of(wrong) not in text


def test_pages_under_a_link_and_their_errors_name_no_secret(client, links, written):
    answer, operator = links["answer"][0], links["operator"][0]

    client.post(answer + "ticket.png")  # 405
    client.post(answer + "documents/999/")  # 405
    client.post(operator + "scan/", "{", content_type="application/json")  # 400
    try:
        raise ValueError(f"Nothing at {answer}")
    except ValueError:
        logging.getLogger("rakor.test").exception("While opening %s", answer)

    text = written.getvalue()
    assert text.count(REDACTED) >= 5
    assert "Bad Request: /checkin/REDACTED/scan/" in text
    assert "ValueError: Nothing at /a/REDACTED/" in text
    assert secret_of(answer) not in text
    assert secret_of(operator) not in text


def test_the_development_servers_request_lines_name_no_secret(links, written):
    answer = links["answer"][0]

    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET {answer} HTTP/1.1", "200", "5120", extra={"status_code": 200}
    )

    assert f'"GET /a/{REDACTED}/ HTTP/1.1" 200 5120' in written.getvalue()


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("GET /meetings/12/invitations/ HTTP/1.1", "GET /meetings/12/invitations/ HTTP/1.1"),
        ("Referer: https://rakor.example.go.id/a/abc_DEF-123/", "/a/REDACTED/"),
        ("/calendar/abcdefghijklmnop.ics", "/calendar/REDACTED"),
        ("/hadir/12-57000000-0123abcd/?x=1", "/hadir/REDACTED/?x=1"),
        ("/actions/p/abc123/ and /review/xyz789/", "/actions/p/REDACTED/ and /review/REDACTED/"),
        ("/members/import/preview/tok3n/", "/members/import/preview/REDACTED/"),
        ("/r/Ab12Cd/confirm/", "/r/REDACTED/confirm/"),
    ],
)
@pytest.mark.usefixtures("db")
def test_every_secret_segment_is_read_from_the_url_patterns(line, kept):
    assert kept in redact(line)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, **headers: str) -> int:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.timeout(120)
@pytest.mark.django_db(transaction=True)
def test_gunicorns_access_log_names_no_secret(tmp_path):
    links = every_link_kind()
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": database_url(connection.settings_dict),
        "CACHE_URL": "locmemcache://",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "DEBUG": "false",
    }
    # The project's command (Dockerfile, docker-compose.yml), run from the project's folder, so
    # gunicorn reads ./gunicorn.conf.py.
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "1", "--access-logfile", "-", "--error-logfile", "-"]
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: b"Booting worker" in log_path.read_bytes(), what="gunicorn")
        wait_until(lambda: fetch(base + "/i18n/setlang/") > 0, what="a first answer")
        statuses = {}
        for kind in KINDS:
            right, wrong = links[kind]
            statuses[kind] = (
                fetch(base + right, Referer=base + links["answer"][0]),
                fetch(base + wrong),
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    text = log_path.read_text()
    assert statuses == {kind: (200, 404) for kind in KINDS}
    for kind in KINDS:
        right, wrong = links[kind]
        assert secret_of(right) not in text, kind
        assert secret_of(wrong) not in text, kind
    assert text.count(f'"GET /a/{REDACTED}/ HTTP/1.1" 200') == 1
    assert text.count(f'"{base}/a/{REDACTED}/"') == len(KINDS)  # the Referer
