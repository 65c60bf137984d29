"""The scanner pages as operators use them: by account or by operator link."""

import json
import re
from datetime import timedelta

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation

from attendance import services
from attendance.models import CheckIn, CheckInOperator, ScanAttempt
from core.secrets import new_secret
from tests.attendance.factories import AcceptedInvitationFactory, CheckInFactory, TicketFactory
from tests.members.factories import UserFactory
from tests.support.http import through_caddy
from tests.support.meetings import meeting_going_on_now

Result = ScanAttempt.Result


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def meeting(db, organizer):  # noqa: ARG001 (requested for its effect)
    meeting = meeting_going_on_now()
    meeting.organizers.add(organizer)
    return meeting


@pytest.fixture
def session(meeting):
    return meeting.sessions.get()


@pytest.fixture
def ticket(meeting):
    return TicketFactory.create(
        invitation__meeting=meeting, invitation__member__full_name="Siti Rahmawati"
    )


@pytest.fixture
def desk_link(meeting, organizer):
    link, secret = services.create_operator_link(
        meeting=meeting, label="Meja 1", created_by=organizer
    )
    return link, secret


def scan(client, url, content, session, **extra):
    response = client.post(
        url,
        data=json.dumps({"content": content, "session": session.pk, **extra}),
        content_type="application/json",
    )
    return response


def test_an_organizer_opens_the_scanner_on_the_current_session(organizer_client, meeting):
    response = organizer_client.get(reverse("attendance:scanner", args=[meeting.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="scanner-video"' in page
    assert "vendor/zxing-wasm/zxing_reader.wasm" in page
    assert response.context["session"] == meeting.sessions.get()


def test_without_a_camera_the_desk_is_sent_to_check_in_by_hand(organizer_client, meeting):
    """A ticket prints no code under its QR: the scanner never asks the desk to type one."""
    page = organizer_client.get(reverse("attendance:scanner", args=[meeting.pk]))

    assert page.context["config"]["labels"]["camera_error"] == (
        "Kamera tidak dapat dibuka: cari peserta di bagian “Registrasi manual” di bawah."
    )
    assert "Registrasi manual" in page.text
    assert "di bawah kode QR" not in page.text


@pytest.mark.usefixtures("meeting")
def test_a_desk_operator_with_a_link_scans_a_ticket(client, session, ticket, desk_link):
    _link, secret = desk_link
    client.get(reverse("attendance:link_scanner", args=[secret]))

    response = scan(
        client, reverse("attendance:link_scanner_scan", args=[secret]), ticket.secret, session
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["name"] == "Siti Rahmawati"
    assert CheckIn.objects.get().operator_name == "Meja 1"


def test_at_a_desk_with_an_account_the_attendee_is_offered_the_signature_next(
    organizer_client, client, meeting, session, ticket, desk_link
):
    """The scan's answer leads the signed-in desk to the signature page of that check-in,
    and back to the session's scanner; a desk with only a link, which has no such page, is
    not offered it."""
    scanner = reverse("attendance:scanner", args=[meeting.pk])
    organizer_client.get(scanner)

    answer = scan(
        organizer_client,
        reverse("attendance:scanner_scan", args=[meeting.pk]),
        ticket.secret,
        session,
    ).json()
    signing = organizer_client.get(answer["sign_url"])
    _link, secret = desk_link
    by_link = scan(
        client, reverse("attendance:link_scanner_scan", args=[secret]), ticket.secret, session
    ).json()

    checkin = CheckIn.objects.get()
    assert answer["sign_url"].startswith(
        reverse("attendance:sign", args=[meeting.pk, checkin.pk]) + "?next="
    )
    assert signing.status_code == 200
    assert signing.context["next"] == f"{scanner}?session={session.pk}"
    assert "sign_url" not in by_link


def test_checked_in_by_hand_at_a_desk_with_an_account_the_attendee_signs_next(
    organizer_client, meeting, session
):
    invitation = AcceptedInvitationFactory.create(meeting=meeting)

    card = organizer_client.post(
        reverse("attendance:scanner_manual", args=[meeting.pk]),
        {"invitation": invitation.pk, "session": session.pk},
    )

    checkin = CheckIn.objects.get(invitation=invitation)
    assert reverse("attendance:sign", args=[meeting.pk, checkin.pk]) in card.text
    assert "Tanda tangan" in card.text


@pytest.mark.usefixtures("meeting")
def test_the_scan_endpoint_checks_the_csrf_token(session, ticket, desk_link):
    from django.test import Client

    _link, secret = desk_link
    strict = Client(enforce_csrf_checks=True)
    url = reverse("attendance:link_scanner_scan", args=[secret])

    refused = scan(strict, url, ticket.secret, session)
    strict.get(reverse("attendance:link_scanner", args=[secret]))
    token = strict.cookies["csrftoken"].value
    accepted = strict.post(
        url,
        data=json.dumps({"content": ticket.secret, "session": session.pk}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert refused.status_code == 403
    assert accepted.json()["status"] == "ok"


@pytest.mark.usefixtures("meeting")
def test_a_revoked_operator_link_opens_nothing(client, session, ticket, desk_link):
    link, secret = desk_link
    services.revoke_operator_link(link=link)

    page = client.get(reverse("attendance:link_scanner", args=[secret]))
    response = scan(
        client, reverse("attendance:link_scanner_scan", args=[secret]), ticket.secret, session
    )

    assert page.status_code == 404
    assert response.status_code == 404
    assert CheckIn.objects.count() == 0
    assert ScanAttempt.objects.count() == 0


@pytest.mark.usefixtures("meeting")
def test_an_operator_link_opens_only_its_own_meeting(client, ticket, desk_link):
    _link, secret = desk_link
    other = meeting_going_on_now()

    other_session = scan(
        client,
        reverse("attendance:link_scanner_scan", args=[secret]),
        ticket.secret,
        other.sessions.get(),
    )
    other_page = client.get(reverse("attendance:scanner", args=[other.pk]))

    assert other_session.status_code == 400
    assert other_page.status_code == 302  # to sign in: the link is no account
    assert CheckIn.objects.count() == 0


@pytest.mark.usefixtures("meeting")
def test_through_a_link_a_second_scan_is_answered_and_audited_as_already(
    client, session, ticket, desk_link
):
    link, secret = desk_link
    url = reverse("attendance:link_scanner_scan", args=[secret])

    first = scan(client, url, ticket.secret, session).json()
    second = scan(client, url, ticket.secret, session).json()

    assert first["status"] == "ok"
    assert second["status"] == "already_checked_in"
    assert second["checked_in_at"] == first["checked_in_at"]
    assert first["checked_in_at"] in second["detail"]
    assert "Meja 1" in second["detail"]
    attempts = ScanAttempt.objects.order_by("pk")
    assert [a.result for a in attempts] == [Result.OK, Result.ALREADY]
    assert {(a.operator_link_id, a.invitation_id) for a in attempts} == {
        (link.pk, ticket.invitation_id)
    }
    assert CheckIn.objects.get().operator_name == "Meja 1"


@pytest.mark.parametrize("case", ["declined", "other-meeting", "meeting-ended", "unknown"])
def test_through_a_link_a_refused_ticket_is_answered_with_its_reason_and_only_audited(
    client, meeting, session, desk_link, case
):
    link, secret = desk_link
    ticket = TicketFactory.create(invitation__meeting=meeting, invitation__answer="no")
    content, expected = ticket.secret, Result.DECLINED
    if case == "other-meeting":
        content = TicketFactory.create(invitation__meeting=meeting_going_on_now()).secret
        expected = Result.OTHER_MEETING
    elif case == "meeting-ended":
        content = TicketFactory.create(invitation__meeting=meeting).secret
        session.starts_at -= timedelta(days=2)
        session.ends_at -= timedelta(days=2)
        session.save()
        expected = Result.WRONG_SESSION
    elif case == "unknown":
        content, expected = "A" * 43, Result.INVALID

    answer = scan(client, reverse("attendance:link_scanner_scan", args=[secret]), content, session)

    assert answer.json()["status"] == expected
    assert answer.json()["detail"]
    assert CheckIn.objects.count() == 0
    attempt = ScanAttempt.objects.get()
    assert (attempt.result, attempt.operator_link_id, attempt.session_id) == (
        expected,
        link.pk,
        session.pk,
    )


@pytest.mark.usefixtures("meeting")
def test_through_a_link_a_queued_scan_uploaded_twice_is_one_check_in(
    client, session, ticket, desk_link
):
    _link, secret = desk_link
    url = reverse("attendance:link_scanner_scan", args=[secret])
    scanned_at = session.starts_at.isoformat()
    nonce = "9d1e4a52-5c0f-4d7e-a1c3-2f8b6d0e7a19"

    first = scan(client, url, ticket.secret, session, nonce=nonce, scanned_at=scanned_at)
    again = scan(client, url, ticket.secret, session, nonce=nonce, scanned_at=scanned_at)
    later = scan(client, url, ticket.secret, session)

    assert first.json()["status"] == again.json()["status"] == "ok"
    assert again.json()["checkin_id"] == first.json()["checkin_id"]
    assert later.json()["status"] == "already_checked_in"
    assert CheckIn.objects.get().at == session.starts_at
    assert [a.result for a in ScanAttempt.objects.order_by("pk")] == [Result.OK, Result.ALREADY]


def test_who_may_open_the_scanner(client, meeting):
    url = reverse("attendance:scanner", args=[meeting.pk])
    stranger, operator = UserFactory.create(), UserFactory.create()
    CheckInOperator.objects.create(meeting=meeting, user=operator)

    client.force_login(stranger)
    assert client.get(url).status_code == 403
    client.force_login(operator)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", json.dumps({"content": 7, "session": 1}).encode()],
    ids=["not-json", "a-list", "content-not-text"],
)
def test_a_malformed_scan_gets_a_clear_error_and_writes_nothing(organizer_client, meeting, body):
    url = reverse("attendance:scanner_scan", args=[meeting.pk])

    response = organizer_client.post(url, data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert ScanAttempt.objects.count() == 0


def test_garbage_in_a_qr_code_is_not_valid_and_only_audited(organizer_client, meeting, session):
    url = reverse("attendance:scanner_scan", args=[meeting.pk])

    response = scan(organizer_client, url, "%PDF" + "z" * 4092, session)

    assert response.json()["status"] == "invalid"
    assert CheckIn.objects.count() == 0
    assert ScanAttempt.objects.get().content_preview == "%PDFzzzzzzzz"


# Garbage takes the ORM path; a guessed secret, on PostgreSQL, the one statement.
@pytest.mark.parametrize("guess", [lambda n: f"guess-{n:06d}", lambda _n: new_secret()])
@pytest.mark.usefixtures("meeting")
def test_a_flood_of_scans_from_one_desk_is_stopped(client, settings, session, desk_link, guess):
    # Ten a minute instead of ten a second, so a slow machine cannot slip under the limit.
    settings.CHECKIN_SCAN_RATE_LIMIT = (10, 60)
    _link, secret = desk_link
    url = reverse("attendance:link_scanner_scan", args=[secret])

    statuses = [scan(client, url, guess(n), session).json()["status"] for n in range(12)]

    assert statuses[-2:] == ["rate_limited", "rate_limited"]
    assert ScanAttempt.objects.filter(result=Result.RATE_LIMITED).count() == 2


def test_a_queued_scan_uploaded_twice_is_one_check_in_at_its_scan_time(
    organizer_client, meeting, session, ticket
):
    url = reverse("attendance:scanner_scan", args=[meeting.pk])
    scanned_at = session.starts_at.isoformat()
    nonce = "3b241101-e2bb-4255-8caf-4136c566a962"

    first = scan(organizer_client, url, ticket.secret, session, nonce=nonce, scanned_at=scanned_at)
    again = scan(organizer_client, url, ticket.secret, session, nonce=nonce, scanned_at=scanned_at)

    assert first.json()["status"] == again.json()["status"] == "ok"
    assert CheckIn.objects.get().at == session.starts_at
    assert ScanAttempt.objects.count() == 1


def test_checking_in_by_hand_from_a_search_and_undoing(organizer_client, meeting, session):
    invitation = AcceptedInvitationFactory.create(
        meeting=meeting, member__full_name="Rudi Hartono", member__nip="198503152010011002"
    )
    searched = reverse("attendance:scanner_search", args=[meeting.pk])
    part = organizer_client.get(searched, {"q": "20100110", "session": session.pk})
    search = organizer_client.get(searched, {"q": "198503152010011002", "session": session.pk})
    assert "Rudi Hartono" not in part.content.decode()  # a desk does not find people by a part
    assert "Rudi Hartono" in search.content.decode()
    assert "198503152010011002" not in search.content.decode()  # nor shows a NIP

    checked = organizer_client.post(
        reverse("attendance:scanner_manual", args=[meeting.pk]),
        {"invitation": invitation.pk, "session": session.pk},
    )
    assert 'data-status="ok"' in checked.content.decode()
    checkin = CheckIn.objects.get(invitation=invitation)
    assert checkin.method == CheckIn.Method.MANUAL

    organizer_client.post(reverse("attendance:scanner_undo", args=[meeting.pk, checkin.pk]))
    assert CheckIn.objects.count() == 0
    assert ScanAttempt.objects.filter(result=Result.UNDONE).count() == 1


def test_an_operator_cannot_undo_a_check_in_of_another_meeting(organizer_client, meeting):
    elsewhere = CheckInFactory.create(invitation__meeting=meeting_going_on_now())

    response = organizer_client.post(
        reverse("attendance:scanner_undo", args=[meeting.pk, elsewhere.pk])
    )

    assert response.status_code == 404
    assert CheckIn.objects.filter(pk=elsewhere.pk).exists()


@pytest.mark.usefixtures("ticket")
def test_a_get_never_checks_anyone_in(organizer_client, meeting):
    response = organizer_client.get(reverse("attendance:scanner_scan", args=[meeting.pk]))

    assert response.status_code == 405
    assert ScanAttempt.objects.count() == 0


@pytest.mark.parametrize("rows", [3, 300])
def test_scanner_lists_cost_the_same_queries_whatever_their_length(
    organizer_client, meeting, session, rows, django_assert_max_num_queries
):
    for n in range(rows):
        CheckInFactory.create(
            invitation__meeting=meeting,
            invitation__member__full_name=f"Peserta {n}",
            session=session,
        )

    with django_assert_max_num_queries(8):
        recent = organizer_client.get(
            reverse("attendance:scanner_recent", args=[meeting.pk]), {"session": session.pk}
        )
    with django_assert_max_num_queries(8):
        found = organizer_client.get(
            reverse("attendance:scanner_search", args=[meeting.pk]),
            {"q": "Peserta", "session": session.pk},
        )

    assert recent.content.decode().count("/undo/") == min(rows, 15)
    assert found.content.decode().count("Peserta") >= 3


@pytest.mark.usefixtures("meeting")
def test_a_scan_costs_a_fixed_number_of_queries(
    client, session, ticket, desk_link, django_assert_max_num_queries
):
    _link, secret = desk_link
    url = reverse("attendance:link_scanner_scan", args=[secret])

    # As the scanner page sends them: every scan has its own number and time.
    first_scan = {"nonce": "5f1c0b7e-0001", "scanned_at": timezone.now().isoformat()}
    second_scan = {"nonce": "5f1c0b7e-0002", "scanned_at": timezone.now().isoformat()}
    # The same on every database: one read (the link with its session and the desk's rate
    # limit, the ticket's holder with their check-in); the audit row and the check-in in a
    # transaction (a savepoint inside the test's). The second scan of the ticket only audits,
    # in a transaction of its own here (its nonce might be an upload's repeat; outside a
    # transaction its INSERT alone); an upload repeated is answered from the check-in that
    # holds its nonce.
    first, second, repeated = 5, 4, 1
    with django_assert_max_num_queries(first):
        assert scan(client, url, ticket.secret, session, **first_scan).json()["status"] == "ok"
    with django_assert_max_num_queries(second):
        answer = scan(client, url, ticket.secret, session, **second_scan).json()
        assert answer["status"] == "already_checked_in"
    with django_assert_max_num_queries(repeated):
        assert scan(client, url, ticket.secret, session, **first_scan).json()["status"] == "ok"
    assert ScanAttempt.objects.count() == 2


def test_organizers_add_an_operator_and_hand_out_a_link_shown_once(organizer_client, meeting):
    andi = UserFactory.create(email="andi@kemenag.go.id")
    organizer_client.post(
        reverse("attendance:operator_add", args=[meeting.pk]), {"email": "Andi@kemenag.go.id"}
    )
    created = organizer_client.post(
        reverse("attendance:link_create", args=[meeting.pk]), {"label": "Meja 2"}
    )
    link_url = created.context["new_link_url"]
    listing = organizer_client.get(reverse("attendance:operators", args=[meeting.pk]))

    assert CheckInOperator.objects.filter(meeting=meeting, user=andi).exists()
    assert "/checkin/" in link_url
    assert link_url not in listing.content.decode()
    assert "Meja 2" in listing.content.decode()


def test_a_flood_from_one_desk_does_not_stop_the_other_desk_on_the_same_network(
    client, settings, meeting, organizer, session, ticket, desk_link
):
    # A venue's desks usually share one address to the outside: each desk is counted alone.
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CHECKIN_SCAN_RATE_LIMIT = (10, 60)
    _link, flooding_secret = desk_link
    _other, other_secret = services.create_operator_link(
        meeting=meeting, label="Meja 2", created_by=organizer
    )
    for n in range(12):
        client.post(
            reverse("attendance:link_scanner_scan", args=[flooding_secret]),
            data=json.dumps({"content": f"guess-{n:06d}", "session": session.pk}),
            content_type="application/json",
            **through_caddy("203.0.113.7"),
        )

    response = client.post(
        reverse("attendance:link_scanner_scan", args=[other_secret]),
        data=json.dumps({"content": ticket.secret, "session": session.pk}),
        content_type="application/json",
        **through_caddy("203.0.113.7"),
    )

    assert response.json()["status"] == "ok"
    assert ScanAttempt.objects.filter(result=Result.RATE_LIMITED).count() == 2


@pytest.mark.parametrize("session_id", [1e400, 2**70, -1, "1; DROP TABLE x"])
def test_a_crafted_session_id_is_refused_like_a_missing_one(
    client, organizer_client, meeting, ticket, desk_link, session_id
):
    _link, secret = desk_link
    body = json.dumps({"content": ticket.secret, "session": session_id})

    answers = [
        door.post(url, data=body, content_type="application/json")
        for door, url in [
            (client, reverse("attendance:link_scanner_scan", args=[secret])),
            (organizer_client, reverse("attendance:scanner_scan", args=[meeting.pk])),
        ]
    ]

    assert [answer.status_code for answer in answers] == [400, 400]
    assert CheckIn.objects.count() == 0


def test_the_scanner_self_check_in_and_signing_pages_run_nothing_inline(
    client, organizer_client, meeting, session, desk_link
):
    """A Content-Security-Policy without 'unsafe-inline' is enforced: these pages carry no
    inline script, style or event handler."""
    _link, secret = desk_link
    checkin = CheckInFactory.create(invitation__meeting=meeting, session=session)
    venue_code = services.venue_code(session=session)
    pages = [
        client.get(reverse("attendance:link_scanner", args=[secret])),
        organizer_client.get(reverse("attendance:scanner", args=[meeting.pk])),
        client.get(reverse("attendance:self_checkin", args=[venue_code])),
        organizer_client.get(reverse("attendance:sign", args=[meeting.pk, checkin.pk])),
    ]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        assert all('type="application/json"' in attributes for attributes in scripts)
        assert "<style" not in html
        assert not re.search(r"\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)


def test_the_scanners_service_worker_may_control_both_doors_and_keeps_their_assets(client):
    response = client.get(reverse("attendance:scanner_service_worker"))

    script = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    for asset in ("js/scanner.js", "vendor/zxing-wasm/zxing_reader.wasm", "css/checkin.css"):
        assert f'"{static(asset)}"' in script


def test_a_desk_installs_its_own_door_of_the_scanner(client, desk_link):
    _link, secret = desk_link
    page = reverse("attendance:link_scanner", args=[secret])

    manifest = client.get(reverse("attendance:link_scanner_manifest", args=[secret])).json()
    scanner = client.get(page).content.decode()

    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        page,
        page,
        "standalone",
    )
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert reverse("attendance:link_scanner_manifest", args=[secret]) in scanner


def test_two_desks_uploading_offline_scans_of_one_person_keep_the_earliest(
    client, meeting, session, ticket, desk_link, organizer
):
    _link, first_desk = desk_link
    _other, second_desk = services.create_operator_link(
        meeting=meeting, label="Meja 2", created_by=organizer
    )
    earlier = timezone.now() - timedelta(minutes=40)
    uploads = [
        (first_desk, earlier + timedelta(minutes=5), "queued-meja1-01"),
        (second_desk, earlier, "queued-meja2-01"),
    ]

    answers = [
        scan(
            client,
            reverse("attendance:link_scanner_scan", args=[desk]),
            ticket.secret,
            session,
            scanned_at=at.isoformat(),
            nonce=nonce,
            offline=True,
        ).json()
        for desk, at, nonce in uploads
    ]

    checkin = CheckIn.objects.get()
    assert [answer["status"] for answer in answers] == ["ok", "ok"]
    assert (checkin.at, checkin.operator_name) == (earlier, "Meja 2")


def test_someone_checked_in_online_can_be_checked_in_by_hand_in_the_room(
    organizer_client, meeting, session
):
    invitation = AcceptedInvitationFactory.create(meeting=meeting, member__full_name="Rudi Hartono")
    CheckInFactory.create(invitation=invitation, session=session, method=CheckIn.Method.ONLINE)

    search = organizer_client.get(
        reverse("attendance:scanner_search", args=[meeting.pk]),
        {"q": "Rudi", "session": session.pk},
    ).content.decode()
    checked = organizer_client.post(
        reverse("attendance:scanner_manual", args=[meeting.pk]),
        {"invitation": invitation.pk, "session": session.pk},
    )

    assert "hx-post=" in search
    assert "badge text-bg-success" not in search
    assert 'data-status="ok"' in checked.content.decode()
    assert CheckIn.objects.get().method == CheckIn.Method.MANUAL


@pytest.mark.usefixtures("meeting")
@pytest.mark.parametrize(
    ("content", "preview"),
    [("a\u0000b", "a\ufffdb"), ("\ud800abc", "\ufffd\ufffd\ufffdabc")],
    ids=["a NUL byte", "half a UTF-16 pair"],
)
def test_a_code_no_database_stores_is_refused_as_no_ticket_and_audited(
    client, session, desk_link, content, preview
):
    _link, secret = desk_link

    response = scan(
        client, reverse("attendance:link_scanner_scan", args=[secret]), content, session
    )

    assert response.status_code == 200
    assert response.json()["status"] == "invalid"
    assert ScanAttempt.objects.get().content_preview == preview


@pytest.mark.usefixtures("meeting")
def test_a_scan_time_no_phone_sends_counts_as_now(client, session, ticket, desk_link):
    _link, secret = desk_link
    url = reverse("attendance:link_scanner_scan", args=[secret])

    upload = {
        "nonce": "3b241101-e2bb-4255-8caf-4136c566a962",
        "offline": True,
        "scanned_at": "0001-01-01T00:00:00+14:00",
    }
    first, again = (scan(client, url, ticket.secret, session, **upload) for _ in range(2))

    assert first.json()["status"] == again.json()["status"] == "ok"
    assert CheckIn.objects.get().at.year == timezone.now().year
