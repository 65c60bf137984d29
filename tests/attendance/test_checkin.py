"""Checking people in at the door: what each scan answers and what it leaves behind."""

import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections, transaction
from django.db.models import F
from django.test import override_settings
from django.utils import timezone, translation

from attendance import services
from attendance.models import CheckIn, ScanAttempt
from core.secrets import new_secret
from events.models import Invitation
from tests.attendance.factories import AcceptedInvitationFactory, TicketFactory
from tests.events.factories import MeetingFactory
from tests.members.factories import UserFactory
from tests.support.found import present
from tests.support.meetings import meeting_going_on_now
from tests.support.wait import wait_until_a_statement_waits_for_a_lock

Result = ScanAttempt.Result


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def meeting(db):  # noqa: ARG001 (requested for its effect)
    return meeting_going_on_now()


@pytest.fixture
def session(meeting):
    return meeting.sessions.get()


@pytest.fixture
def ticket(meeting):
    return TicketFactory.create(
        invitation__meeting=meeting,
        invitation__member__full_name="Siti Rahmawati",
        invitation__member__position="Pranata Humas Ahli Muda",
        invitation__member__agency__name="Badan Pusat Statistik",
    )


@pytest.fixture
def andi(db):  # noqa: ARG001 (requested for its effect)
    return UserFactory.create(name="Andi Saputra")


def scan(meeting, session, content, *, operator=None, operator_link=None, **scanned):
    desk = services.scan_desk(
        meeting=meeting, session_id=session.pk, operator=operator, operator_link=operator_link
    )
    return services.scan_ticket(desk=present(desk), content=content, **scanned)


def test_a_ticket_checks_its_holder_in_and_names_them(meeting, session, ticket, andi):
    result = scan(meeting, session, ticket.secret, operator=andi)

    assert result.status == Result.OK
    assert (result.name, result.agency, result.position, result.session) == (
        "Siti Rahmawati",
        "Badan Pusat Statistik",
        "Pranata Humas Ahli Muda",
        "Hari 1",
    )
    checkin = CheckIn.objects.get(invitation=ticket.invitation, session=session)
    assert checkin.method == CheckIn.Method.SCAN
    assert checkin.operator_name == "Andi Saputra"
    attempt = ScanAttempt.objects.get()
    assert attempt.result == Result.OK
    assert attempt.content_preview == ticket.secret[:12]


def test_second_scan_says_when_and_by_whom_and_records_nothing_new(meeting, session, ticket, andi):
    first = scan(meeting, session, ticket.secret, operator=andi)
    second = scan(meeting, session, ticket.secret, operator=UserFactory.create(name="Budi"))

    checkin = CheckIn.objects.get()
    expected_time = timezone.localtime(checkin.at).strftime("%H.%M") + " WIB"
    assert first.status == Result.OK
    assert second.status == Result.ALREADY
    assert second.checked_in_at == expected_time
    assert second.checked_in_by == "Andi Saputra"
    assert f"{expected_time} by Andi Saputra" in second.detail
    assert ScanAttempt.objects.filter(result=Result.ALREADY).count() == 1


@pytest.mark.parametrize(
    "content",
    [
        "https://rakor.example.go.id/a/abc/",
        "Selamat datang di rapat koordinasi",
        "x" * 4096,
        "",
        "A" * 43,  # the right shape, but no such ticket
    ],
    ids=["url", "text", "4-KB-garbage", "empty", "unknown-secret"],
)
def test_anything_but_a_ticket_is_not_valid_and_only_audited(meeting, session, content):
    result = scan(meeting, session, content)

    assert result.status == Result.INVALID
    assert result.name == ""
    assert CheckIn.objects.count() == 0
    attempt = ScanAttempt.objects.get()
    assert attempt.result == Result.INVALID
    assert attempt.content_preview == content[:12]


def test_an_answer_link_is_not_a_ticket(meeting, session, ticket):
    from events.services import issue_answer_link

    secret = issue_answer_link(invitation=ticket.invitation)

    assert scan(meeting, session, secret).status == Result.INVALID
    assert scan(meeting, session, f"http://testserver/a/{secret}/").status == Result.INVALID
    assert CheckIn.objects.count() == 0
    assert ScanAttempt.objects.count() == 2


def test_a_ticket_of_another_meeting_is_refused_without_naming_its_holder(meeting, session):
    elsewhere = TicketFactory.create(invitation__meeting=meeting_going_on_now())

    result = scan(meeting, session, elsewhere.secret)

    assert result.status == Result.OTHER_MEETING
    assert (result.name, result.agency, result.position) == ("", "", "")
    assert CheckIn.objects.count() == 0
    assert ScanAttempt.objects.get().result == Result.OTHER_MEETING


@pytest.mark.parametrize(
    "change",
    [{"answer": Invitation.Answer.NO}, {"withdrawn_at": timezone.now()}],
    ids=["declined", "withdrawn"],
)
def test_a_declined_or_withdrawn_invitation_does_not_check_in(meeting, session, ticket, change):
    Invitation.objects.filter(pk=ticket.invitation_id).update(**change)

    result = scan(meeting, session, ticket.secret)

    assert result.status == Result.DECLINED
    assert result.name == "Siti Rahmawati"
    assert CheckIn.objects.count() == 0
    assert ScanAttempt.objects.get().result == Result.DECLINED


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize(
    ("scanned", "day", "sentence"),
    [
        ("2021-11-26 05:00 +07:00", 2, "Check-in for Hari 2 opens at 06.00 WIB."),
        (
            "2021-11-25 20:00 +07:00",
            2,
            "Check-in for Hari 2 opens on Friday, 26 November 2021 at 06.00 WIB.",
        ),
        ("2021-11-26 20:00 +07:00", 1, "The meeting ended at 16.00 WIB."),
        (
            "2021-11-27 09:00 +07:00",
            1,
            "The meeting ended on Friday, 26 November 2021 at 16.00 WIB.",
        ),
    ],
    ids=["opens-today", "opens-another-day", "ended-today", "ended-another-day"],
)
def test_a_scan_outside_check_in_hours_says_when_and_names_the_day_if_not_the_scans(
    scanned, day, sentence
):
    meeting = MeetingFactory.create(sessions=2)  # 25–26 November 2021, 08.00–16.00 WIB
    ticket = TicketFactory.create(invitation__meeting=meeting)
    scanned_at = datetime.strptime(scanned, "%Y-%m-%d %H:%M %z")

    result = scan(
        meeting, meeting.sessions.get(title=f"Hari {day}"), ticket.secret, scanned_at=scanned_at
    )

    assert result.status == Result.WRONG_SESSION
    assert result.detail == sentence
    assert CheckIn.objects.count() == 0
    assert ScanAttempt.objects.get().detail == sentence


@pytest.mark.usefixtures("db")
def test_the_day_check_in_opens_is_written_as_indonesians_write_it():
    meeting = MeetingFactory.create(sessions=2)
    ticket = TicketFactory.create(invitation__meeting=meeting)
    evening_before = datetime.strptime("2021-11-25 20:00 +07:00", "%Y-%m-%d %H:%M %z")

    with translation.override("id"):
        result = scan(
            meeting, meeting.sessions.get(title="Hari 2"), ticket.secret, scanned_at=evening_before
        )

    assert result.detail == (
        "Registrasi kehadiran untuk Hari 2 dibuka Jumat, 26 November 2021 pukul 06.00 WIB."
    )


def test_an_offline_scan_keeps_its_time_and_a_repeated_upload_changes_nothing(
    meeting, session, ticket
):
    scanned = timezone.now() - timedelta(minutes=20)
    first = scan(meeting, session, ticket.secret, nonce="offline-0001", scanned_at=scanned)
    again = scan(meeting, session, ticket.secret, nonce="offline-0001", scanned_at=scanned)

    assert first.status == again.status == Result.OK
    assert first.checkin_id == again.checkin_id
    checkin = CheckIn.objects.get()
    assert checkin.at == scanned
    assert checkin.nonce == "offline-0001"
    assert ScanAttempt.objects.count() == 1


def test_an_offline_upload_repeated_after_its_check_in_was_undone_says_it_was_undone(
    meeting, session, ticket
):
    scanned = timezone.now() - timedelta(minutes=20)
    first = scan(meeting, session, ticket.secret, nonce="offline-0002", scanned_at=scanned)
    services.undo_check_in(checkin=CheckIn.objects.get(pk=first.checkin_id))

    again = scan(meeting, session, ticket.secret, nonce="offline-0002", scanned_at=scanned)

    assert first.status == Result.OK
    assert again.status == Result.UNDONE
    assert again.checkin_id is None
    assert again.name == "Siti Rahmawati"
    assert again.detail == (
        "The check-in from this scan has been undone; scan again if the person is here."
    )
    assert CheckIn.objects.count() == 0  # the repeat checks nobody in again
    # A new scan of the ticket does.
    assert scan(meeting, session, ticket.secret, nonce="offline-0003").status == Result.OK


def test_a_scan_time_from_the_future_becomes_now(meeting, session, ticket):
    scan(meeting, session, ticket.secret, scanned_at=timezone.now() + timedelta(days=3))

    assert CheckIn.objects.get().at <= timezone.now()


def test_checking_in_by_hand_and_undoing_leave_an_audit_trail(meeting, session, andi):
    invitation = AcceptedInvitationFactory.create(meeting=meeting)

    result = services.check_in_by_hand(invitation=invitation, session=session, operator=andi)
    checkin = CheckIn.objects.get()
    services.undo_check_in(checkin=checkin, operator=andi)

    assert result.status == Result.OK
    assert checkin.method == CheckIn.Method.MANUAL
    assert CheckIn.objects.count() == 0
    results = list(ScanAttempt.objects.order_by("pk").values_list("result", flat=True))
    assert results == [Result.OK, Result.UNDONE]


def test_after_an_undo_the_ticket_checks_in_again(meeting, session, ticket):
    scan(meeting, session, ticket.secret)
    services.undo_check_in(checkin=CheckIn.objects.get())

    assert scan(meeting, session, ticket.secret).status == Result.OK
    assert CheckIn.objects.count() == 1


# Garbage takes the ORM path; a guessed secret, on PostgreSQL, the one statement.
@pytest.mark.parametrize("guess", [lambda n: f"guess-{n:08d}", lambda _n: new_secret()])
# Ten a minute instead of ten a second, so a slow machine cannot slip under the limit.
@override_settings(CHECKIN_SCAN_RATE_LIMIT=(10, 60))
def test_scans_past_the_limit_from_one_phone_are_refused_and_only_audited(
    meeting, session, andi, guess
):
    results = [scan(meeting, session, guess(n), operator=andi).status for n in range(15)]

    assert results.count(Result.INVALID) == 10
    assert results[10:] == [Result.RATE_LIMITED] * 5
    assert ScanAttempt.objects.filter(result=Result.RATE_LIMITED).count() == 5
    assert CheckIn.objects.count() == 0


def test_an_operator_link_is_shown_once_stored_as_a_hash_and_can_be_revoked(meeting, andi):
    link, secret = services.create_operator_link(meeting=meeting, label="Meja 1", created_by=andi)

    assert secret not in link.secret_hash
    assert services.operator_link_for_secret(secret) == link
    services.revoke_operator_link(link=link)
    assert services.operator_link_for_secret(secret) is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so two scans can never meet",
)
def test_two_operators_scanning_the_same_ticket_at_once_record_one_check_in():
    meeting = meeting_going_on_now()
    session = meeting.sessions.get()
    ticket = TicketFactory.create(invitation__meeting=meeting)
    operators = [UserFactory.create(name="Andi"), UserFactory.create(name="Budi")]
    start = threading.Barrier(2)
    results = []

    def operator_scans(user):
        try:
            start.wait()
            results.append(scan(meeting, session, ticket.secret, operator=user).status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=operator_scans, args=(user,)) for user in operators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == sorted([Result.OK, Result.ALREADY])
    assert CheckIn.objects.filter(invitation=ticket.invitation, session=session).count() == 1
    assert ScanAttempt.objects.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's index statistics")
@pytest.mark.parametrize("desk", ["operator", "operator_link"])
def test_a_scan_reads_one_check_in_row_however_many_the_session_has(
    settings, meeting, session, andi, desk
):
    """The scan must find the earlier check-in by the ticket's own (invitation, session) key,
    not by reading through the session's check-ins (which would make every scan slower as the
    day goes on), and count the desk's attempts of the last minute, not all of its attempts;
    also under a generic plan, as a pooler's prepared statements would get."""
    settings.CHECKIN_SCAN_RATE_LIMIT = (1000, 60)
    if desk == "operator":
        who = {"operator": andi}
    else:
        who = {
            "operator_link": services.create_operator_link(
                meeting=meeting, label="Meja 1", created_by=andi
            )[0]
        }
    for n, ticket in enumerate(TicketFactory.create_batch(300, invitation__meeting=meeting)):
        scan(meeting, session, ticket.secret, nonce=f"earlier-{n:04d}", **who)
    ScanAttempt.objects.update(recorded_at=F("recorded_at") - timedelta(hours=1))
    ticket = TicketFactory.create(invitation__meeting=meeting)

    def rows_read():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT relname, idx_tup_fetch, seq_scan FROM pg_stat_xact_user_tables"
                " WHERE relname IN ('attendance_checkin', 'attendance_scanattempt')"
            )
            return {name: (fetched, seq_scans) for name, fetched, seq_scans in cursor.fetchall()}

    with connection.cursor() as cursor:
        # The plans this connection cached for earlier tests (its statements are prepared)
        # were made for their data: they are made again, for this one.
        cursor.execute("DISCARD PLANS")
        cursor.execute("SET plan_cache_mode = force_generic_plan")
    try:
        before = rows_read()
        assert scan(meeting, session, ticket.secret, nonce="scan-0001", **who).status == Result.OK
        second = scan(meeting, session, ticket.secret, nonce="scan-0002", **who)
        assert second.status == Result.ALREADY
        after = rows_read()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET plan_cache_mode")
    checkins, attempts = "attendance_checkin", "attendance_scanattempt"
    assert after[checkins][0] - before[checkins][0] <= 10
    assert after[attempts][0] - before[attempts][0] <= 10  # the desk's last minute: 1 attempt
    assert after[attempts][1] == before[attempts][1]  # no lookup reads the whole table


@override_settings(CHECKIN_SCAN_RATE_LIMIT=(1, 60))
def test_an_offline_upload_refused_for_speed_checks_in_when_it_is_uploaded_again(
    meeting, session, andi
):
    first, second = TicketFactory.create_batch(2, invitation__meeting=meeting)
    scan(meeting, session, first.secret, operator=andi, nonce="queued-0001")
    refused = scan(meeting, session, second.secret, operator=andi, nonce="queued-0002")
    ScanAttempt.objects.update(recorded_at=F("recorded_at") - timedelta(minutes=1))
    again = scan(meeting, session, second.secret, operator=andi, nonce="queued-0002")

    assert refused.status == Result.RATE_LIMITED
    assert again.status == Result.OK
    assert CheckIn.objects.count() == 2


def test_an_upload_repeating_another_meetings_scan_number_is_refused_and_audited(meeting, session):
    other = meeting_going_on_now()
    scan(
        other,
        other.sessions.get(),
        TicketFactory.create(invitation__meeting=other).secret,
        nonce="scan-nonce-0001",
    )
    ticket = TicketFactory.create(invitation__meeting=meeting)

    result = scan(meeting, session, ticket.secret, nonce="scan-nonce-0001")

    assert result.status == Result.INVALID
    assert not CheckIn.objects.filter(invitation=ticket.invitation).exists()
    assert ScanAttempt.objects.get(meeting=meeting).result == Result.INVALID


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so a scan never waits for another",
)
def test_a_scan_that_waited_for_another_desks_check_in_answers_already_and_audits_once():
    meeting = meeting_going_on_now()
    session = meeting.sessions.get()
    ticket = TicketFactory.create(invitation__meeting=meeting)
    _link, secret = services.create_operator_link(meeting=meeting, label="Meja 2", created_by=None)
    answers = []

    def second_desk_scans():
        try:
            answers.append(
                services.scan_ticket(
                    desk=present(services.scan_desk_for_link(secret=secret, session_id=session.pk)),
                    content=ticket.secret,
                )
            )
        finally:
            connections.close_all()

    with transaction.atomic():  # the first desk's check-in, not committed yet
        CheckIn.objects.create(
            invitation=ticket.invitation,
            session=session,
            at=timezone.now(),
            method=CheckIn.Method.MANUAL,
            operator_name="Meja 1",
        )
        second_desk = threading.Thread(target=second_desk_scans)
        second_desk.start()
        wait_until_a_statement_waits_for_a_lock(what="the second desk's scan")
    second_desk.join(timeout=10)

    [answer] = answers
    assert (answer.status, answer.checked_in_by) == (Result.ALREADY, "Meja 1")
    assert list(ScanAttempt.objects.values_list("result", flat=True)) == [Result.ALREADY]
    assert CheckIn.objects.count() == 1


def test_two_desks_scanning_one_person_offline_keep_the_earliest_scan(meeting, session, ticket):
    first_desk, _secret = services.create_operator_link(
        meeting=meeting, label="Meja 1", created_by=None
    )
    second_desk, _secret = services.create_operator_link(
        meeting=meeting, label="Meja 2", created_by=None
    )
    earlier = timezone.now() - timedelta(minutes=30)
    later = earlier + timedelta(minutes=7)

    # Meja 2 scanned first, but Meja 1's phone found the network first.
    uploaded_first = scan(
        meeting,
        session,
        ticket.secret,
        operator_link=first_desk,
        nonce="meja1-0001",
        scanned_at=later,
        offline=True,
    )
    uploaded_second = scan(
        meeting,
        session,
        ticket.secret,
        operator_link=second_desk,
        nonce="meja2-0001",
        scanned_at=earlier,
        offline=True,
    )
    at_the_door = scan(meeting, session, ticket.secret, operator_link=first_desk)

    checkin = CheckIn.objects.get()
    assert (checkin.at, checkin.operator_name) == (earlier, "Meja 2")
    assert uploaded_first.status == uploaded_second.status == Result.OK
    shown = timezone.localtime(later).strftime("%H.%M")
    assert f"Also scanned at {shown} WIB by Meja 1" in uploaded_second.detail
    assert at_the_door.status == Result.ALREADY
    assert at_the_door.checked_in_by == "Meja 2"
    assert list(ScanAttempt.objects.order_by("pk").values_list("result", flat=True)) == [
        Result.OK,
        Result.OK,
        Result.ALREADY,
    ]


def test_a_live_scan_never_takes_a_check_in_over(meeting, session, ticket, andi):
    scan(meeting, session, ticket.secret, operator=andi)

    # A phone whose clock runs behind, online: its answer is seen at the door at once.
    second = scan(
        meeting,
        session,
        ticket.secret,
        operator=UserFactory.create(name="Budi"),
        scanned_at=timezone.now() - timedelta(minutes=1),
        nonce="budi-0001",
    )

    assert second.status == Result.ALREADY
    assert CheckIn.objects.get().operator_name == "Andi Saputra"


def test_an_already_checked_in_upload_repeated_is_answered_alike_and_writes_nothing(
    meeting, session, ticket, andi
):
    scan(meeting, session, ticket.secret, operator=andi)
    first = scan(meeting, session, ticket.secret, operator=andi, nonce="again-0001")
    again = scan(meeting, session, ticket.secret, operator=andi, nonce="again-0001")

    assert first == again
    assert again.status == Result.ALREADY
    assert ScanAttempt.objects.count() == 2
