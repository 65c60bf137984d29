"""Where a scan's time goes: scans through Rakor's WSGI application in this one process, as
gunicorn would hand them over (every middleware, the link door's scan view, its JSON answer),
against PostgreSQL, under cProfile.

    .venv/bin/python bench/checkin_profile.py --tickets 1000
    .venv/bin/python bench/checkin_profile.py --tickets 1000 --pyinstrument   # the call tree

It builds the same world as bench/checkin.py in the same kind of database (DATABASE_URL, default
rakor_bench_checkin; its name must contain "bench"; it is dropped and created), warms up, then
sends every ticket twice from two desks and prints, per request, the wall time of the no-op
view and of a scan and what a scan spends in each part: the middleware (everything around the
view), the scan's view and service, the database round trips (time in psycopg's execute, the
server's work included), the ORM building SQL, saving models, translations and the answer's
JSON. The parts overlap (a save contains its SQL), so they do not add up to the whole.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from bench.checkin import set_up  # noqa: E402

# (label, file name ending, function name): cumulative time of the first match, per request.
PARTS = [
    ("request (WSGI handler)", "django/core/handlers/wsgi.py", "__call__"),
    ("view: link_scan", "attendance/views/scanner.py", "link_scan"),
    ("database: psycopg execute", "psycopg/cursor.py", "execute"),
    ("ORM: SQL compiled", "django/db/models/sql/compiler.py", "as_sql"),
    ("ORM: Model.save", "django/db/models/base.py", "save_base"),
    ("transaction.atomic enter", "django/db/transaction.py", "__enter__"),
    ("transaction.atomic exit", "django/db/transaction.py", "__exit__"),
    ("translations: gettext", "django/utils/translation/trans_real.py", "gettext"),
    ("answer: JsonResponse", "django/http/response.py", "__init__"),
    ("middleware: sessions", "django/contrib/sessions/middleware.py", "process_response"),
    ("middleware: locale", "django/middleware/locale.py", "process_request"),
    ("middleware: CSRF", "django/middleware/csrf.py", "process_view"),
]


def environ(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> dict:
    """The WSGI environ gunicorn builds for such a request."""
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in (headers or {}).items():
        env[name] = value
    return env


def call(app, env) -> tuple[str, bytes]:
    answer = {}

    def start_response(status, headers, _exc_info=None):
        answer["status"], answer["headers"] = status, headers

    body = b"".join(app(env, start_response))
    answer["body"] = body
    return answer["status"], body, answer["headers"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--pyinstrument", action="store_true", help="print the call tree")
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions")
    args = parser.parse_args()

    _database, world = set_up(args.tickets, 2)
    _meeting, session_id, warm_up_id, secrets, links = world
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()

    status, _body, headers = call(app, environ("GET", f"/checkin/{links[0]}/"))
    assert status.startswith("200"), status
    token = next(
        value.strip().split(";")[0].split("=", 1)[1]
        for name, value in headers
        if name == "Set-Cookie" and value.strip().startswith("csrftoken=")
    )

    def scan(link: str, secret: str, session: int):
        body = json.dumps(
            {
                "content": secret,
                "session": session,
                "nonce": str(uuid.uuid4()),
                "scanned_at": datetime.now(UTC).isoformat(),
            }
        ).encode()
        env = environ(
            "POST",
            f"/checkin/{link}/scan/",
            body,
            {
                "CONTENT_TYPE": "application/json",
                "HTTP_COOKIE": f"csrftoken={token}",
                "HTTP_X_CSRFTOKEN": token,
            },
        )
        status, answer, _headers = call(app, env)
        assert status.startswith("200"), (status, answer)
        return json.loads(answer)["status"]

    def noop():
        status, _answer, _headers = call(app, environ("GET", "/bench/noop/"))
        assert status.startswith("200")

    for secret in secrets[: min(200, len(secrets))]:
        scan(links[0], secret, warm_up_id)
        noop()

    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(2 * len(secrets)):
        noop()
    noop_ms = (time.perf_counter() - started) * 1000 / (2 * len(secrets))
    noop_cpu = (time.process_time() - cpu) * 1000 / (2 * len(secrets))

    scans = [(links[n % 2], secret) for secret in secrets for n in range(2)]
    answers = []
    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        for link, secret in scans:
            answers.append(scan(link, secret, session_id))
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    started, cpu = time.perf_counter(), time.process_time()
    for link, secret in scans[:1000]:
        answers.append(scan(link, secret, session_id))
    scan_ms = (time.perf_counter() - started) * 1000 / 1000
    scan_cpu = (time.process_time() - cpu) * 1000 / 1000
    # CPU time of this process only: a shared machine's waits and PostgreSQL's own work stay out.
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for link, secret in scans[1000:]:
        answers.append(scan(link, secret, session_id))
    profile.disable()
    count = len(scans) - 1000

    # Wall time without the profiler: the first 1,000 scans.
    stats = pstats.Stats(profile)
    print(
        f"requests: {2 * len(secrets)} no-ops, {len(scans)} scans "
        f"({answers.count('ok')} ok, {answers.count('already_checked_in')} already)"
    )
    print(f"no-op  {noop_ms:.2f} ms wall, {noop_cpu:.2f} ms CPU per request (unprofiled)")
    print(f"scan   {scan_ms:.2f} ms wall, {scan_cpu:.2f} ms CPU per request (unprofiled, 1,000)")
    print("scan, this process's CPU ms per request under cProfile (parts overlap):")
    for label, ending, function in PARTS:
        total = sum(
            entry[3]
            for (file, _line, name), entry in stats.stats.items()
            if file.endswith(ending) and name == function
        )
        calls = sum(
            entry[1]
            for (file, _line, name), entry in stats.stats.items()
            if file.endswith(ending) and name == function
        )
        print(f"  {label:32s} {1000 * total / count:7.3f} ms  {calls / count:5.1f} calls")
    print("scan, the same CPU ms per request by where the code is (own time, all of it):")
    for where, spent in sorted(by_package(stats).items(), key=lambda item: -item[1]):
        print(f"  {where:32s} {1000 * spent / count:7.3f} ms")
    if args.top:
        stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.top)


def by_package(stats: pstats.Stats) -> dict[str, float]:
    """Own time per library (its package under site-packages), per Rakor app, the standard
    library and C built-ins: where the time goes, without double counting."""
    spent: dict[str, float] = {}
    for (file, _line, name), entry in stats.stats.items():
        if file == "~":
            where = "built-ins (" + name.split("'")[1] + ")" if "'" in name else "built-ins"
            where = where if where.endswith(("execute)", "fetchone)")) else "built-ins (other)"
        elif "site-packages/" in file:
            where = file.split("site-packages/")[1].split("/")[0]
        elif file.startswith(str(BASE_DIR)):
            where = "rakor: " + file[len(str(BASE_DIR)) + 1 :].split("/")[0]
        else:
            where = "python standard library"
        spent[where] = spent.get(where, 0.0) + entry[2]
    return spent


if __name__ == "__main__":
    main()
