"""Fault suite: Rakor's real worker, beat and gunicorn against a PostgreSQL, a Redis and an SMTP
sink of their own, with faults injected while mail goes out and desks scan.

    .venv/bin/python bench/faults.py            # the full run: the real timings, ~15 minutes
    .venv/bin/python bench/faults.py --quick    # under 5 minutes, deterministic (.ci/run)

It never touches the machine's services: initdb makes a PostgreSQL cluster in a temporary folder
(as the postgres user when run as root: PostgreSQL refuses root) on a port of its own, and
redis-server runs on another, append-only as docker-compose.yml runs it; all three are removed
at the end. Rakor runs as in production: `migrate`, then `celery worker` (prefork, two
processes), `celery beat` and gunicorn (three workers), with persistent database connections
(CONN_MAX_AGE=60) and mail to the sink over SMTP. The suite acts through Rakor's own pages and
services: organizers send invitations and move a meeting over HTTP, desks scan tickets over
HTTP as the scanner page does (a desk keeps a scan that got 503 or no answer and sends it again,
as the scanner's queue does).

Scenarios, each on a meeting of its own:
  worker_kill   SIGKILL to the worker (and its pool) at 30 % and at 70 % of a fan-out.
  smtp          the SMTP server down at 30 % of a fan-out, then answering 451 from 60 %.
  redis         Redis down while organizers send invitations and move a meeting (an update to
                everyone already invited) and desks scan.
  postgres      PostgreSQL restarted (pg_ctl restart -m fast) at 30 % of a fan-out, 8 desks
                scanning meanwhile.
  one_ticket    100 desks scan the same ticket at once.

What counts: `lost`, emails never received (each invitee and each holder gets one email per
change, found by recipient) plus check-ins a desk was told "ok" and the database lacks;
`duplicate_checkins`, a person checked in twice for a session, or told "ok" twice;
`http_500`, answers 500 (a 503 with Retry-After while PostgreSQL restarts is the expected
answer, counted apart); `same_id_duplicates`, a message received twice with the same Message-ID
(allowed only for a message whose worker was killed, or whose "sent" mark was lost with the
database, between the SMTP server's acceptance and the mark). Delays, from the end of a fault to
the last email of its scenario: `max_delay_s` for the database and SMTP faults (target: 60 s),
`broker_max_delay_s` for Redis (the sweepers recover it; target: 180 s).

--quick triggers every fault by the number of messages received, not by the clock, holds each
outage for seconds (and 451 for a number of deliveries), uses smaller fan-outs and the short
sweeper periods of its environment (QUICK below), and checks lost and duplicated exactly; its
delays are only reported. The full run uses Rakor's default periods and 60-second outages.
"""

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))

from bench.faults_http import Browser, scan_with_retries  # noqa: E402
from bench.faults_stack import Postgres, Rakor, Redis, Sink, free_port  # noqa: E402
from tests.support.wait import wait_until  # noqa: E402


@dataclass(frozen=True)
class Profile:
    fan_out: int  # invitations per fan-out
    outage_s: float  # how long SMTP, Redis are down
    refusals: int | None  # 451 answers in a row; None: for outage_s seconds
    holders: int  # the redis scenario: invitees already holding the meeting (updated)
    newcomers: int  # the redis scenario: invited while Redis is down
    desk_scans: int  # scans per desk in the postgres scenario
    wait_s: float  # the longest a scenario waits for its last email
    env: dict


QUICK = Profile(
    fan_out=300, outage_s=3, refusals=40, holders=60, newcomers=30, desk_scans=30, wait_s=150,
    env={"OWED_GRACE_SECONDS": "5", "SWEEP_EVERY_SECONDS": "2", "OUTBOX_STALE_AFTER_SECONDS": "10",
         "OUTBOX_RETRY_BASE_SECONDS": "1"},
)  # fmt: skip
FULL = Profile(
    fan_out=2000, outage_s=60, refusals=None, holders=300, newcomers=100, desk_scans=60,
    wait_s=900, env={},
)  # fmt: skip


@dataclass
class Outcome:
    name: str
    lost: int = 0
    duplicate_checkins: int = 0
    http_500: int = 0
    http_503: int = 0
    same_id_duplicates: int = 0
    other_duplicates: int = 0  # the same email twice under two Message-IDs: never allowed
    delay_s: float | None = None  # from the end of the fault to the last email
    notes: dict = field(default_factory=dict)

    def line(self) -> str:
        delay = "-" if self.delay_s is None else f"{self.delay_s:.1f}"
        extra = " ".join(f"{k}={v}" for k, v in self.notes.items())
        return (
            f"SCENARIO {self.name} lost={self.lost} duplicate_checkins={self.duplicate_checkins} "
            f"http_500={self.http_500} http_503={self.http_503} "
            f"same_id_duplicates={self.same_id_duplicates} "
            f"other_duplicates={self.other_duplicates} delay_s={delay} {extra}".rstrip()
        )


# --- The world: meetings, invitations, tickets, desks (written through the ORM) --------------
class World:
    def __init__(self, base_url: str):
        from members.models import Agency, User

        self.base_url = base_url
        self.agency = Agency.objects.create(name="Kementerian Uji Gangguan", acronym="KUG")
        self.organizer = User.objects.create_user(
            email="panitia@faults.go.id", password=None, is_staff=True
        )
        self.members_made = 0

    def members(self, count: int, agency=None) -> list:
        from members.models import Member

        start, self.members_made = self.members_made, self.members_made + count
        return Member.objects.bulk_create(
            [
                Member(
                    full_name=f"Pranata Humas {n}",
                    email=f"humas{n}@faults{n % 20}.go.id",
                    position="Pranata Humas Ahli Muda",
                    agency=agency or self.agency,
                )
                for n in range(start, start + count)
            ],
            batch_size=1000,
        )

    def meeting(self, title: str, *, going_on: bool = False):
        """A published meeting of one session: going on now (for desks), or in three weeks."""
        from django.utils import timezone

        from events.models import Meeting, Session

        meeting = Meeting.objects.create(
            title=f"Koordinasi Pranata Humas Antar K/L: {title}",
            host_agency=self.agency,
            venue="Aula Gedung Kementerian Agama",
            state=Meeting.State.PUBLISHED,
            reminder_offsets=[],  # no reminders among the mail a scenario counts
        )
        meeting.organizers.add(self.organizer)
        if going_on:
            start = timezone.now() - timedelta(hours=1)
        else:  # 08.00–16.00 WIB, one day as the meeting's form edits it
            day = timezone.localdate() + timedelta(days=21)
            start = datetime.combine(day, dt_time(8), tzinfo=ZoneInfo("Asia/Jakarta"))
        Session.objects.create(
            meeting=meeting, title="Hari 1", starts_at=start, ends_at=start + timedelta(hours=8)
        )
        return meeting

    def invite(self, meeting, members, *, accepted: bool = False) -> list:
        from django.utils import timezone

        from events.models import Invitation

        answer = Invitation.Answer.YES if accepted else Invitation.Answer.PENDING
        return Invitation.objects.bulk_create(
            [
                Invitation(
                    meeting=meeting, member=member, answer=answer, answered_at=timezone.now()
                )
                for member in members
            ],
            batch_size=1000,
        )

    def tickets(self, invitations) -> list[str]:
        from attendance.models import Ticket
        from core.secrets import new_secret

        tickets = Ticket.objects.bulk_create(
            [Ticket(invitation=invitation, secret=new_secret()) for invitation in invitations]
        )
        return [ticket.secret for ticket in tickets]

    def desks(self, meeting, count: int) -> list[str]:
        from attendance.services import create_operator_link

        return [
            create_operator_link(meeting=meeting, label=f"Meja {n + 1}", created_by=None)[1]
            for n in range(count)
        ]

    def organizer_browser(self) -> Browser:
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        session = SessionStore()
        session[SESSION_KEY] = str(self.organizer.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = self.organizer.get_session_auth_hash()
        session.create()
        return Browser(self.base_url, cookies={"sessionid": session.session_key})


def send_invitations(meeting, invitations) -> None:
    """What the organizer's "send" does, in one committed transaction."""
    from django.db import transaction

    from events.services import send_invitations

    with transaction.atomic():
        send_invitations(meeting=meeting, invitations=invitations)


def with_database(read, *, timeout: float = 120):
    """`read()`, tried again while the database is restarting (the suite's own connection)."""
    from django.db import InterfaceError, OperationalError, connection

    deadline = time.monotonic() + timeout
    while True:
        try:
            return read()
        except (OperationalError, InterfaceError):
            connection.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


# --- Counting what arrived ------------------------------------------------------------------
def count_mail(outcome: Outcome, sink: Sink, start: int, expected: dict[str, set[str]], topic):
    """Compare what the sink received since arrival `start` with `expected` (outbox kind → the
    recipients who must each get one email of that kind about `topic`)."""
    from outbox.models import OutboxMessage

    arrivals = sink.since(start)
    ids = [arrival.message_id for arrival in arrivals]
    rows = with_database(
        lambda: list(
            OutboxMessage.objects.filter(message_id__in=set(ids), topic=topic).values_list(
                "message_id", "kind", "recipient"
            )
        )
    )
    received: dict[str, Counter] = {kind: Counter() for kind in expected}
    for _message_id, kind, recipient in rows:
        received.setdefault(kind, Counter())[recipient] += 1
    for kind, recipients in expected.items():
        outcome.lost += len(recipients - set(received[kind]))
        outcome.other_duplicates += sum(n - 1 for n in received[kind].values() if n > 1)
    outcome.same_id_duplicates += len(ids) - len(set(ids))


def wait_for_mail(sink: Sink, start: int, count: int, timeout: float) -> float | None:
    """Wait until `count` distinct messages arrived since `start`; the time of the last one."""
    try:
        wait_until(
            lambda: len({a.message_id for a in sink.since(start)}) >= count,
            timeout=timeout, what=f"{count} messages", poll=0.2,
        )  # fmt: skip
    except TimeoutError as waited:
        print(f"  ! {waited}", flush=True)
    arrivals = sink.since(start)
    return max((a.at for a in arrivals), default=None)


def when_received(sink: Sink, count: int, action) -> threading.Event:
    """Run `action` (in its own thread) once the sink has received `count` more messages."""
    target, done = sink.count() + count, threading.Event()

    def watch():
        wait_until(lambda: sink.count() >= target, timeout=900, what="the trigger", poll=0.05)
        action()
        done.set()

    threading.Thread(target=watch, daemon=True).start()
    return done


def count_checkins(outcome: Outcome, session_id: int, answers: list[tuple[str, str]]) -> None:
    """`answers`: (ticket, status) of every scan. One check-in per person and session in the
    database, exactly the tickets some desk was told "ok", and each told "ok" once."""
    from attendance.models import CheckIn

    in_database = Counter(
        with_database(
            lambda: list(
                CheckIn.objects.filter(session_id=session_id).values_list(
                    "invitation__ticket__secret", flat=True
                )
            )
        )
    )
    told_ok = Counter(ticket for ticket, status in answers if status == "ok")
    outcome.duplicate_checkins += sum(n - 1 for n in in_database.values() if n > 1)
    outcome.duplicate_checkins += sum(n - 1 for n in told_ok.values() if n > 1)
    outcome.lost += len(set(told_ok) - set(in_database))
    outcome.notes["checkins"] = sum(in_database.values())


def run_desks(base_url, desks: list[str], session_id, scans: list[list[str]], outcome):
    """Each desk scans its list of tickets one after the other (about 5 a second, as at the
    door), keeping a scan that met 503 or no answer until it is answered."""
    answers, lock = [], threading.Lock()

    def desk(secret: str, tickets: list[str]):
        browser = Browser(base_url)
        for ticket in tickets:
            status, codes = scan_with_retries(browser, secret, ticket, session_id)
            with lock:
                answers.append((ticket, status))
                outcome.http_500 += codes.count(500)
                outcome.http_503 += codes.count(503)
            time.sleep(0.2)

    threads = [threading.Thread(target=desk, args=pair) for pair in zip(desks, scans, strict=True)]
    for thread in threads:
        thread.start()
    return threads, answers


# --- The scenarios ----------------------------------------------------------------------------
def fan_out_with_faults(outcome, world, sink, profile, faults) -> float | None:
    """Send one meeting's invitations to `profile.fan_out` people and, as the sink has received
    each given share of them, run its fault (share, action) to its end; then wait for every
    email and count them into `outcome`. Returns when the last one arrived."""
    meeting = world.meeting(outcome.name)
    invitations = world.invite(meeting, world.members(profile.fan_out))
    start = sink.count()
    for number, (share, action) in enumerate(faults):
        fault = when_received(sink, int(profile.fan_out * share) - (sink.count() - start), action)
        if number == 0:
            send_invitations(meeting, invitations)
        if not fault.wait(timeout=profile.wait_s):
            sys.exit(f"{outcome.name}: the fault at {share:.0%} did not end")
    last = wait_for_mail(sink, start, profile.fan_out, profile.wait_s)
    emails = {i.member.email for i in invitations}
    count_mail(outcome, sink, start, {"invitation": emails}, f"meeting:{meeting.pk}")
    return last


def worker_kill(world, rakor, sink, profile) -> Outcome:
    outcome, killed = Outcome("worker_kill"), {}

    def kill_and_restart():
        rakor.kill_worker()
        killed["at"] = time.monotonic()
        rakor.start_worker()

    last = fan_out_with_faults(
        outcome, world, sink, profile, [(0.3, kill_and_restart), (0.7, kill_and_restart)]
    )
    outcome.notes["after_last_kill_s"] = f"{(last or killed['at']) - killed['at']:.1f}"
    return outcome


def smtp(world, sink, profile) -> Outcome:
    outcome, ended = Outcome("smtp"), {}

    def down_for_a_while():
        sink.stop()
        time.sleep(profile.outage_s)
        sink.start()

    def refuse_for_a_while():
        if profile.refusals is not None:
            sink.refuse(profile.refusals)
            wait_until(lambda: sink.refusals_left == 0, timeout=profile.wait_s, what="451s")
        else:
            sink.refuse(10**9)
            time.sleep(profile.outage_s)
            sink.refuse(0)
        ended["at"] = time.monotonic()

    last = fan_out_with_faults(
        outcome, world, sink, profile, [(0.3, down_for_a_while), (0.6, refuse_for_a_while)]
    )
    outcome.delay_s = max(0.0, (last or ended["at"]) - ended["at"])
    outcome.notes["refused_451"] = sink.refused
    return outcome


def redis_down(world, sink, redis, profile) -> Outcome:
    outcome = Outcome("redis")
    meeting = world.meeting("redis")
    holders = world.invite(meeting, world.members(profile.holders))
    start = sink.count()
    send_invitations(meeting, holders)
    wait_for_mail(sink, start, profile.holders, profile.wait_s)
    from members.models import Agency

    newcomer_agency = Agency.objects.create(name="Badan Uji Gangguan", acronym="BUG")
    newcomers = world.members(profile.newcomers, agency=newcomer_agency)
    scanners = world.invite(
        world.meeting("redis desks", going_on=True), world.members(40), accepted=True
    )
    desk_meeting_id = scanners[0].meeting_id
    tickets = world.tickets(scanners)
    desks = world.desks(scanners[0].meeting, 4)
    session_id = scanners[0].meeting.sessions.get().pk
    organizer = world.organizer_browser()
    start = sink.count()

    redis.stop()
    stopped = time.monotonic()
    threads, answers = run_desks(
        world.base_url, desks, session_id, [tickets[n::4] for n in range(4)], outcome
    )
    codes = [organizer.post_form(f"/meetings/{meeting.pk}/invite/", {
        "picked": f"agency:{newcomer_agency.pk}", "emails": "", "role": "peserta", "action": "send",
    })]  # fmt: skip
    codes.append(organizer.edit_meeting(meeting.pk, venue="Hotel Borobudur, Jakarta"))
    for thread in threads:
        thread.join()
    outcome.http_500 += codes.count(500)
    outcome.notes["organizer_answers"] = ",".join(map(str, codes))
    time.sleep(max(0.0, profile.outage_s - (time.monotonic() - stopped)))
    redis.start()
    back = time.monotonic()
    expected_count = profile.holders + profile.newcomers
    last = wait_for_mail(sink, start, expected_count, profile.wait_s)
    count_mail(
        outcome, sink, start,
        {"update": {i.member.email for i in holders}, "invitation": {m.email for m in newcomers}},
        f"meeting:{meeting.pk}",
    )  # fmt: skip
    count_checkins(outcome, session_id, answers)
    outcome.delay_s = max(0.0, (last or back) - back)
    outcome.notes["desk_meeting"] = desk_meeting_id
    return outcome


def postgres_restart(world, sink, postgres, profile) -> Outcome:
    outcome = Outcome("postgres")
    meeting = world.meeting("postgres")
    invitations = world.invite(meeting, world.members(profile.fan_out))
    scanners = world.invite(
        world.meeting("postgres desks", going_on=True),
        world.members(8 * profile.desk_scans),
        accepted=True,
    )
    tickets = world.tickets(scanners)
    desks = world.desks(scanners[0].meeting, 8)
    session_id = scanners[0].meeting.sessions.get().pk
    emails = {i.member.email for i in invitations}
    start, back = sink.count(), {}

    def restart():
        postgres.restart()
        back["at"] = time.monotonic()

    restarted = when_received(sink, int(profile.fan_out * 0.3), restart)
    threads, answers = run_desks(
        world.base_url, desks, session_id, [tickets[n::8] for n in range(8)], outcome
    )
    send_invitations(meeting, invitations)
    if not restarted.wait(timeout=profile.wait_s):
        sys.exit("PostgreSQL was not restarted (see its log)")
    last = wait_for_mail(sink, start, profile.fan_out, profile.wait_s)
    for thread in threads:
        thread.join()
    count_mail(outcome, sink, start, {"invitation": emails}, f"meeting:{meeting.pk}")
    count_checkins(outcome, session_id, answers)
    outcome.delay_s = max(0.0, (last or back["at"]) - back["at"])
    return outcome


def one_ticket(world) -> Outcome:
    outcome = Outcome("one_ticket")
    [invitation] = world.invite(
        world.meeting("one ticket", going_on=True), world.members(1), accepted=True
    )
    [ticket] = world.tickets([invitation])
    desks = world.desks(invitation.meeting, 100)
    session_id = invitation.meeting.sessions.get().pk
    ready, answers, lock = threading.Barrier(100), [], threading.Lock()

    def desk(secret: str):
        browser = Browser(world.base_url)
        browser.open_scanner(secret)
        ready.wait()
        status, codes = scan_with_retries(browser, secret, ticket, session_id)
        with lock:
            answers.append((ticket, status))
            outcome.http_500 += codes.count(500)
            outcome.http_503 += codes.count(503)

    threads = [threading.Thread(target=desk, args=(secret,)) for secret in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    count_checkins(outcome, session_id, answers)
    outcome.notes["answers"] = dict(Counter(status for _ticket, status in answers))
    return outcome


# --- Running it -------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the deterministic CI run")
    options = parser.parse_args()
    profile = QUICK if options.quick else FULL
    started = time.monotonic()

    postgres = Postgres(free_port()).start()
    redis = Redis(free_port()).start()
    sink = Sink(free_port()).start()
    folder = Path(tempfile.mkdtemp(prefix="rakor-faults-"))
    rakor = None
    try:
        env = environment(postgres.create_database("rakor_faults"), redis, sink, folder, profile)
        os.environ.update(env)
        import django

        django.setup()
        logging.getLogger().setLevel(logging.WARNING)  # this process's own (aiosmtpd's, Rakor's)
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        rakor = Rakor(env, folder)
        rakor.manage("migrate", "--noinput", "-v", "0")
        rakor.start_worker()
        rakor.start_beat()
        rakor.start_web()
        world = World(f"http://127.0.0.1:{rakor.port}")
        print(f"FAULTS {'quick' if options.quick else 'full'} stack ready in "
              f"{time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
        outcomes = []
        for scenario in (
            lambda: worker_kill(world, rakor, sink, profile),
            lambda: smtp(world, sink, profile),
            lambda: redis_down(world, sink, redis, profile),
            lambda: postgres_restart(world, sink, postgres, profile),
            lambda: one_ticket(world),
        ):
            outcome = scenario()
            outcomes.append(outcome)
            print(outcome.line(), flush=True)
    finally:
        if rakor is not None:
            rakor.stop()
        sink.stop()
        redis.remove()
        postgres.stop()
    status = report(outcomes, quick=options.quick, seconds=time.monotonic() - started)
    if status == 0:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"Rakor's logs: {folder}", file=sys.stderr)
    return status


def environment(database_url: str, redis: Redis, sink: Sink, folder: Path, profile) -> dict:
    settings_variables = {
        "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "EMAIL_URL", "VAR_DIR", "DEBUG",
        "CELERY_TASK_ALWAYS_EAGER",
    }  # fmt: skip
    inherited = {k: v for k, v in os.environ.items() if k not in settings_variables}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(BASE_DIR),
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "60",  # as docker-compose.yml runs web and worker
        "CELERY_BROKER_URL": redis.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "VAR_DIR": str(folder / "var"),
        "SECRET_KEY": "faults-only-not-a-secret-" + uuid.uuid4().hex,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "INFO",
        **profile.env,
    }


def report(outcomes: list[Outcome], *, quick: bool, seconds: float) -> int:
    by_name = {outcome.name: outcome for outcome in outcomes}
    delays = [by_name[n].delay_s for n in ("smtp", "postgres") if by_name[n].delay_s is not None]
    max_delay = max(delays, default=0.0)
    broker_delay = by_name["redis"].delay_s or 0.0
    totals = {
        key: sum(getattr(o, key) for o in outcomes)
        for key in ("lost", "duplicate_checkins", "http_500", "same_id_duplicates",
                    "other_duplicates")
    }  # fmt: skip
    exact = totals["lost"] == totals["duplicate_checkins"] == totals["http_500"] == 0
    exact = exact and totals["other_duplicates"] == 0
    timely = max_delay <= 60 and broker_delay <= 180
    print(
        f"TARGETS exact={'met' if exact else 'MISSED'} "
        f"delays={'met' if timely else 'MISSED'}{' (reported only)' if quick else ''} "
        f"other_duplicates={totals['other_duplicates']} seconds={seconds:.0f}",
        flush=True,
    )
    print(
        f"RESULT scenarios={len(outcomes)} lost={totals['lost']} "
        f"duplicate_checkins={totals['duplicate_checkins']} http_500={totals['http_500']} "
        f"max_delay_s={max_delay:.1f} broker_max_delay_s={broker_delay:.1f} "
        f"same_id_duplicates={totals['same_id_duplicates']}",
        flush=True,
    )
    return 0 if exact and (quick or timely) else 1


if __name__ == "__main__":
    sys.exit(main())
