"""The check-in scanner in Debian's Chromium on a 360-px phone: the camera (Chromium's fake
camera playing a video of a real ticket's QR code) and the offline queue."""

from contextlib import contextmanager
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from attendance import services
from attendance.models import CheckIn, ScanAttempt
from core.links import WRONG_LINKS
from tests.attendance.factories import TicketFactory
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.support import (
    PHONE_WIDTH,
    WatchedBrowser,
    page_width,
    phone_context,
    sign_in,
)
from tests.events.factories import InvitationFactory
from tests.support.found import present
from tests.support.meetings import meeting_going_on_now
from tests.support.wait import wait_until

pytestmark = pytest.mark.browser

WIDTH, HEIGHT, FRAMES = 640, 480, 30
BLACK, WHITE = 16, 235


def write_y4m(content: str, path: Path) -> Path:
    """A short Y4M video whose every frame shows the QR code of `content`, black on white with
    its quiet zone, as Chromium's fake camera plays it."""
    qr = segno.make(content, error="m")
    matrix = [list(row) for row in qr.matrix]
    modules = len(matrix) + 8  # four modules of quiet zone on each side
    scale = min(WIDTH, HEIGHT) * 9 // 10 // modules
    left = (WIDTH - len(matrix) * scale) // 2
    top = (HEIGHT - len(matrix) * scale) // 2
    luma = bytearray([WHITE]) * (WIDTH * HEIGHT)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if not dark:
                continue
            for y in range(top + row * scale, top + (row + 1) * scale):
                start = y * WIDTH + left + column * scale
                luma[start : start + scale] = bytes([BLACK]) * scale
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2) * 2)
    frame = b"FRAME\n" + bytes(luma) + chroma
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F15:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * FRAMES)
    return path


def camera_showing(playwright, video: Path):
    """A Chromium whose camera films `video` over and over."""
    return WatchedBrowser(
        playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
    )


def sitis_ticket(organizer):
    """The ticket of Siti Rahmawati, to a meeting going on now that `organizer` organizes."""
    meeting = meeting_going_on_now()
    meeting.organizers.add(organizer)
    return TicketFactory.create(
        invitation__meeting=meeting, invitation__member__full_name="Siti Rahmawati"
    )


@contextmanager
def scanner_filming(ticket, organizer, *, playwright, live_server, tmp_path):
    """The organizer's scanner of the ticket's meeting, on a phone whose camera films the
    ticket's QR code."""
    browser = camera_showing(playwright, write_y4m(ticket.secret, tmp_path / "ticket.y4m"))
    try:
        context = phone_context(playwright, browser, live_server)
        context.grant_permissions(["camera"], origin=live_server.url)
        sign_in(context, live_server, organizer)
        page = context.new_page()
        page.goto(f"/meetings/{ticket.invitation.meeting_id}/checkin/")
        yield page
        context.close()
    finally:
        browser.close()


def test_the_phone_camera_reads_a_ticket_and_checks_its_holder_in(
    playwright, live_server, organizer, tmp_path
):
    ticket = sitis_ticket(organizer)
    camera = {"playwright": playwright, "live_server": live_server, "tmp_path": tmp_path}

    with scanner_filming(ticket, organizer, **camera) as page:
        card = page.locator('#scanner-result [data-status="ok"]')
        expect(card).to_contain_text("Siti Rahmawati", timeout=20_000)
        assert page_width(page) <= PHONE_WIDTH
        page.screenshot(path="/tmp/scanner-camera-phone.png", full_page=True)

    checkin = CheckIn.objects.get(invitation=ticket.invitation)
    assert checkin.method == CheckIn.Method.SCAN
    assert checkin.operator == organizer


def test_scans_made_offline_wait_on_the_phone_and_are_recorded_once_back_online(
    playwright, browser, live_server, organizer
):
    meeting = meeting_going_on_now()
    tickets = [TicketFactory.create(invitation__meeting=meeting) for _ in range(2)]
    _link, secret = services.create_operator_link(
        meeting=meeting, label="Meja 1", created_by=organizer
    )
    with translation.override("id"):  # the phone asks for Indonesian
        two_pending = gettext("%(count)s pending") % {"count": 2}
    context = phone_context(playwright, browser, live_server)
    page = context.new_page()
    page.goto(f"/checkin/{secret}/")
    expect(page.locator("#scanner-code")).to_be_visible()

    context.set_offline(True)
    for ticket in tickets:
        page.locator("#scanner-code").fill(ticket.secret)
        page.locator("#scanner-code-form button[type=submit]").click()
        expect(page.locator('#scanner-result [data-status="queued"]')).to_be_visible()
    expect(page.locator("#scanner-pending")).to_have_text(two_pending)
    assert CheckIn.objects.count() == 0

    context.set_offline(False)
    expect(page.locator("#scanner-pending")).to_be_hidden()
    wait_until(lambda: CheckIn.objects.count() == 2, timeout=10, what="the uploads")
    page.reload()
    expect(page.locator("#scanner-recent-list li")).to_have_count(2)
    page.wait_for_timeout(1500)  # a retry round after the reload uploads nothing again
    context.close()

    for ticket in tickets:
        assert CheckIn.objects.filter(invitation=ticket.invitation).count() == 1
    assert set(CheckIn.objects.values_list("operator_name", flat=True)) == {"Meja 1"}


def test_a_ticket_held_in_front_of_the_camera_keeps_its_first_answer(
    playwright, live_server, organizer, tmp_path
):
    ticket = sitis_ticket(organizer)
    camera = {"playwright": playwright, "live_server": live_server, "tmp_path": tmp_path}

    with scanner_filming(ticket, organizer, **camera) as page:
        expect(page.locator('#scanner-result [data-status="ok"]')).to_be_visible(timeout=20_000)
        # The ticket stays in front of the camera: it is read again and again, for far longer
        # than a person takes to walk past (40 reads at one every 150 ms).
        wait_until(
            lambda: (
                int(page.locator("#scanner-result").get_attribute("data-held-reads") or 0) >= 40
            ),
            timeout=30,
            what="the camera reading the held ticket again",
        )

        expect(page.locator("#scanner-result [data-status]")).to_have_attribute("data-status", "ok")
        # The organizer's door of the scanner is kept for offline use too.
        expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")
    assert list(ScanAttempt.objects.values_list("result", flat=True)) == ["ok"]


def test_the_scanner_opens_offline_and_shows_each_uploaded_scans_answer(
    playwright, browser, live_server, organizer
):
    meeting = meeting_going_on_now()
    _link, secret = services.create_operator_link(
        meeting=meeting, label="Meja 1", created_by=organizer
    )
    came = TicketFactory.create(
        invitation__meeting=meeting, invitation__member__full_name="Ani Lestari"
    )
    declined = TicketFactory.create(
        invitation=InvitationFactory.create(
            meeting=meeting, member__full_name="Budi Santoso", answer="no"
        )
    )
    elsewhere = TicketFactory.create(
        invitation__meeting=meeting, invitation__member__full_name="Citra Dewi"
    )
    context = phone_context(playwright, browser, live_server)
    page = context.new_page()
    page.goto(f"/checkin/{secret}/")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")

    context.set_offline(True)
    page.reload()  # the phone reloads the scanner with no network: it opens all the same
    page.locator("#scanner-code").fill(came.secret)
    page.locator("#scanner-code-form button[type=submit]").click()
    # Meanwhile another desk, online, checks Citra in before this one scans her ticket.
    _other, other_secret = services.create_operator_link(
        meeting=meeting, label="Meja 2", created_by=organizer
    )
    desk = services.scan_desk_for_link(secret=other_secret, session_id=meeting.sessions.get().pk)
    services.scan_ticket(desk=present(desk), content=elsewhere.secret)
    for ticket in (declined, elsewhere):
        page.locator("#scanner-code").fill(ticket.secret)
        page.locator("#scanner-code-form button[type=submit]").click()
    expect(page.locator("#scanner-pending")).to_be_visible()
    expect(page.locator('#scanner-result [data-status="queued"]')).to_be_visible()
    context.set_offline(False)

    uploads = page.locator("#scanner-uploads-list li")
    expect(uploads).to_have_count(3)
    expect(page.locator("#scanner-pending")).to_be_hidden()
    expect(uploads.filter(has_text="Ani Lestari")).to_have_attribute("data-status", "ok")
    expect(uploads.filter(has_text="Budi Santoso")).to_have_attribute("data-status", "declined")
    already = uploads.filter(has_text="Citra Dewi")
    expect(already).to_have_attribute("data-status", "already_checked_in")
    expect(already).to_contain_text("Meja 2")
    assert page_width(page) <= PHONE_WIDTH
    page.screenshot(path="/tmp/scanner-uploaded-phone.png", full_page=True)
    context.close()


def test_the_kept_scanner_opens_only_while_offline_once_its_link_is_revoked(
    playwright, browser, live_server, organizer
):
    meeting = meeting_going_on_now()
    link, secret = services.create_operator_link(
        meeting=meeting, label="Meja 1", created_by=organizer
    )
    context = phone_context(playwright, browser, live_server)
    page = context.new_page()
    page.goto(f"/checkin/{secret}/")
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")
    services.revoke_operator_link(link=link)

    context.set_offline(True)
    page.reload()
    expect(page.locator("#scanner-code")).to_be_visible()  # the copy on the phone
    context.set_offline(False)
    answer = page.reload()

    assert answer.status == 404
    expect(page.locator("#scanner-code")).to_have_count(0)
    context.close()


def _indonesian(text: str) -> str:
    with translation.override("id"):  # the phone asks for Indonesian
        return gettext(text)


def _scan_by_hand(page, code: str) -> None:
    page.locator("#scanner-code").fill(code)
    page.locator("#scanner-code-form button[type=submit]").click()


def _open_desk(playwright, browser, live_server, ticket, organizer, *, clock: bool = False):
    """A phone opening a new desk link of the ticket's meeting, made by `organizer`: (link,
    secret, context, page). With `clock`, the page's timers are the test's to run."""
    link, secret = services.create_operator_link(
        meeting=ticket.invitation.meeting, label="Meja 1", created_by=organizer
    )
    context = phone_context(playwright, browser, live_server)
    if clock:
        context.clock.install()
    page = context.new_page()
    page.goto(f"/checkin/{secret}/")
    return link, secret, context, page


def _stopped_desk(playwright, browser, live_server, ticket, organizer):
    """A desk whose link was revoked, stopped by its poll of the latest check-ins."""
    link, secret, context, page = _open_desk(
        playwright, browser, live_server, ticket, organizer, clock=True
    )
    expect(page.locator("#scanner-code")).to_be_visible()
    services.revoke_operator_link(link=link)
    page.clock.run_for(16_000)
    expect(page.locator('#scanner-result [data-status="link_gone"]')).to_be_visible()
    return secret, context, page


def test_a_link_revoked_while_the_desk_scans_stops_the_desk_and_keeps_its_scans(
    playwright, browser, live_server, organizer
):
    ticket = sitis_ticket(organizer)
    meeting = ticket.invitation.meeting
    link, secret = services.create_operator_link(
        meeting=meeting, label="Meja 1", created_by=organizer
    )
    context = phone_context(playwright, browser, live_server)
    context.clock.install()  # the desk's retry timer runs when the test says
    page = context.new_page()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto(f"/checkin/{secret}/")
    expect(page.locator("#scanner-code")).to_be_visible()
    services.revoke_operator_link(link=link)  # the organizers revoke it meanwhile
    sent.clear()

    _scan_by_hand(page, ticket.secret)

    refused = page.locator('#scanner-result [data-status="link_gone"]')
    expect(refused).to_contain_text(_indonesian("This desk link no longer works"))
    expect(refused).to_contain_text(
        _indonesian(
            "Ask the organizers for a new link. The scans not sent yet stay on this phone and "
            "are sent once the scanner is opened with the new link."
        )
    )
    expect(page.locator('#scanner-result [data-status="queued"]')).to_have_count(0)
    with translation.override("id"):
        one_pending = gettext("%(count)s pending") % {"count": 1}
    expect(page.locator("#scanner-pending")).to_have_text(one_pending)
    assert page_width(page) <= PHONE_WIDTH
    page.screenshot(path="/tmp/scanner-link-revoked-phone.png", full_page=True)

    # A minute of retry rounds and polls, and the network coming back: nothing is sent again.
    page.clock.run_for(60_000)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    # The organizers hand the desk a new link: opened on the same phone, it sends the scan.
    _new, new_secret = services.create_operator_link(
        meeting=meeting, label="Meja 1 (baru)", created_by=organizer
    )
    again = context.new_page()
    again.goto(f"/checkin/{new_secret}/")
    expect(again.locator("#scanner-uploads-list li")).to_have_attribute("data-status", "ok")
    expect(again.locator("#scanner-pending")).to_be_hidden()
    context.close()

    assert [url for url in sent if secret in url] == [f"{live_server.url}/checkin/{secret}/scan/"]
    checkin = CheckIn.objects.get(invitation=ticket.invitation)
    assert checkin.operator_name == "Meja 1 (baru)"


@pytest.mark.parametrize("how", ["the poll of the latest check-ins", "past the wrong-link limit"])
def test_a_revoked_link_stops_the_desk_however_the_desk_learns_it(
    playwright, browser, live_server, organizer, how
):
    """The latest check-ins, asked every 15 s, find the link revoked before any scan does; and
    past the venue address's limit of wrong links a revoked link is answered 429, which at a
    link desk says the same, never "saved offline"."""
    ticket = sitis_ticket(organizer)
    link, _secret, context, page = _open_desk(
        playwright, browser, live_server, ticket, organizer, clock=True
    )
    expect(page.locator("#scanner-code")).to_be_visible()
    services.revoke_operator_link(link=link)

    if how == "the poll of the latest check-ins":
        page.clock.run_for(16_000)
    else:
        for _ in range(WRONG_LINKS.allowed + 1):  # the venue's guesses and old desks meanwhile
            WRONG_LINKS.count("127.0.0.1")
        _scan_by_hand(page, ticket.secret)

    expect(page.locator('#scanner-result [data-status="link_gone"]')).to_be_visible()
    expect(page.locator('#scanner-result [data-status="queued"]')).to_have_count(0)
    context.close()
    assert not CheckIn.objects.exists()


def test_a_stopped_desk_answers_a_check_in_by_hand_with_why_it_stopped(
    playwright, browser, live_server, organizer
):
    """The list of people found stays on screen after the desk stops: pressing "Check in"
    there shows, where the operator can see it, the card saying why nothing is recorded."""
    ticket = sitis_ticket(organizer)
    meeting = ticket.invitation.meeting
    for number in range(3):
        InvitationFactory.create(meeting=meeting, member__full_name=f"Siti Aminah {number}")
    link, secret = services.create_operator_link(
        meeting=meeting, label="Meja 1", created_by=organizer
    )
    context = phone_context(playwright, browser, live_server)
    page = context.new_page()
    page.goto(f"/checkin/{secret}/")
    page.locator("#scanner input[type=search]").fill("Siti")
    check_in = page.locator("#scanner-matches button")
    expect(check_in).to_have_count(4)
    services.revoke_operator_link(link=link)  # the organizers revoke it meanwhile
    _scan_by_hand(page, ticket.secret)
    refused = page.locator('#scanner-result [data-status="link_gone"]')
    expect(refused).to_be_visible()
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))

    check_in.last.click()  # brought into view: the card is off the top of the screen

    expect(refused).to_be_in_viewport()
    expect(refused).to_contain_text(_indonesian("This desk link no longer works"))
    assert page_width(page) <= PHONE_WIDTH
    context.close()
    assert [url for url in sent if secret in url] == []  # nothing counted as a wrong link
    assert not CheckIn.objects.exists()


def test_undoing_a_check_in_another_desk_undid_first_does_not_stop_the_desk(
    playwright, browser, live_server, organizer
):
    """That Undo is answered 404, of the check-in, not of the desk's link: the desk scans on."""
    ticket = sitis_ticket(organizer)
    _link, _secret, context, page = _open_desk(playwright, browser, live_server, ticket, organizer)
    _scan_by_hand(page, ticket.secret)
    undo = page.locator("#scanner-recent-list button").first
    expect(undo).to_be_visible()
    services.undo_check_in(checkin=CheckIn.objects.get(), operator=organizer)  # another desk
    page.once("dialog", lambda dialog: dialog.accept())

    with page.expect_response(lambda response: response.status == 404):
        undo.click()

    expect(page.locator("#scanner-result [data-status='link_gone']")).to_have_count(0)
    assert page.locator("#scanner").get_attribute("data-stopped") is None
    _scan_by_hand(page, ticket.secret)
    expect(page.locator("#scanner-result [data-status='ok']")).to_be_visible()
    context.close()


def test_a_sign_in_that_ended_stops_the_desk_until_the_operator_signs_in_again(
    playwright, browser, live_server, organizer
):
    ticket = sitis_ticket(organizer)
    context = phone_context(playwright, browser, live_server)
    sign_in(context, live_server, organizer)
    page = context.new_page()
    page.goto(f"/meetings/{ticket.invitation.meeting_id}/checkin/")
    expect(page.locator("#scanner-code")).to_be_visible()
    context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the sign-in ends

    _scan_by_hand(page, ticket.secret)

    refused = page.locator('#scanner-result [data-status="signed_out"]')
    expect(refused).to_contain_text(_indonesian("Your sign-in has ended"))
    expect(page.locator("#scanner-pending")).to_be_visible()
    assert CheckIn.objects.count() == 0
    assert page_width(page) <= PHONE_WIDTH

    # Signing in again brings the operator back to the scanner, which sends what waited.
    sign_in(context, live_server, organizer)
    refused.get_by_role("link", name=_indonesian("Sign in")).click()
    expect(page.locator("#scanner-uploads-list li")).to_have_attribute("data-status", "ok")
    context.close()

    assert CheckIn.objects.get(invitation=ticket.invitation).operator == organizer


def test_a_desk_link_whose_scans_are_refused_says_reload_and_sends_them_once_reloaded(
    playwright, browser, live_server, organizer
):
    ticket = sitis_ticket(organizer)
    _link, _secret, context, page = _open_desk(playwright, browser, live_server, ticket, organizer)
    # Kept for offline use: the service worker's own request for the page (which sets the
    # cookie again) is over.
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "true")
    context.clear_cookies(name=settings.CSRF_COOKIE_NAME)  # the browser lost its cookies

    _scan_by_hand(page, ticket.secret)

    refused = page.locator('#scanner-result [data-status="refused"]')
    expect(refused).to_contain_text(_indonesian("Rakor refused this desk's scans"))
    expect(page.locator("#scanner-pending")).to_be_visible()
    assert CheckIn.objects.count() == 0

    page.reload()
    expect(page.locator("#scanner-uploads-list li")).to_have_attribute("data-status", "ok")
    context.close()
    assert CheckIn.objects.get(invitation=ticket.invitation).operator_name == "Meja 1"


def test_a_stopped_desk_sends_nothing_for_a_code_typed_by_hand(
    playwright, browser, live_server, organizer
):
    """As the search's "Catat hadir" and Undo: the stopped card, and nothing asked of the
    server (a revoked link's scan is counted as a wrong link of the venue's address)."""
    ticket = sitis_ticket(organizer)
    secret, context, page = _stopped_desk(playwright, browser, live_server, ticket, organizer)
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))

    _scan_by_hand(page, ticket.secret)

    expect(page.locator('#scanner-result [data-status="link_gone"]')).to_be_visible()
    page.wait_for_timeout(500)
    context.close()
    assert [url for url in sent if secret in url] == []
    assert not CheckIn.objects.exists()


def test_a_stopped_desk_offline_does_not_promise_to_send_a_scan_it_will_not_send(
    playwright, browser, live_server, organizer
):
    """The desk stopped: a code typed while the network is down is kept, but not sent until
    the scanner is opened with a new link; its card must not say "saved, will be sent"."""
    ticket = sitis_ticket(organizer)
    _secret, context, page = _stopped_desk(playwright, browser, live_server, ticket, organizer)
    context.set_offline(True)

    _scan_by_hand(page, ticket.secret)

    expect(page.locator("#scanner-pending")).to_be_visible()
    result = page.locator("#scanner-result [data-status]")
    expect(result).to_have_attribute("data-status", "link_gone")
    context.close()


def test_a_check_in_by_hand_on_a_link_revoked_meanwhile_says_why_nothing_was_recorded(
    playwright, browser, live_server, organizer
):
    """The desk has not yet learned that its link was revoked: the 404 of "Check in" makes it
    ask, and the card saying the link no longer works is brought into view."""
    ticket = sitis_ticket(organizer)
    for number in range(3):
        InvitationFactory.create(
            meeting=ticket.invitation.meeting, member__full_name=f"Siti Aminah {number}"
        )
    link, _secret, context, page = _open_desk(playwright, browser, live_server, ticket, organizer)
    page.locator("#scanner input[type=search]").fill("Siti")
    check_in = page.locator("#scanner-matches button")
    expect(check_in).to_have_count(4)
    services.revoke_operator_link(link=link)  # in another room, by the organizers

    check_in.last.click()

    refused = page.locator('#scanner-result [data-status="link_gone"]')
    expect(refused).to_be_in_viewport()
    expect(refused).to_contain_text(_indonesian("This desk link no longer works"))
    context.close()
    assert not CheckIn.objects.exists()


def test_a_late_answer_does_not_restart_a_desk_whose_link_was_revoked(
    playwright, browser, live_server, organizer
):
    """A scan answered before the link was revoked, whose answer arrives after the poll
    stopped the desk, does not send the scans the stopped desk keeps."""
    ticket = sitis_ticket(organizer)
    link, secret, context, page = _open_desk(
        playwright, browser, live_server, ticket, organizer, clock=True
    )
    expect(page.locator("#scanner-code")).to_be_visible()
    held: list = []
    page.route("**/scan/", lambda route: held.append(route) if not held else route.continue_())
    _scan_by_hand(page, ticket.secret)
    for _ in range(50):  # the route's handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(100)
    answered = held[0].fetch()  # the server checked the ticket in before the revocation
    services.revoke_operator_link(link=link)
    page.clock.run_for(16_000)  # the poll: 404, the desk stops
    expect(page.locator('#scanner-result [data-status="link_gone"]')).to_be_visible()
    _scan_by_hand(page, "kode-lain")  # kept, not sent
    sent: list[str] = []
    page.on("request", lambda request: sent.append(f"{request.method} {request.url}"))

    held[0].fulfill(response=answered)  # the first scan's answer arrives late
    page.wait_for_timeout(1_000)
    page.clock.run_for(16_000)

    assert page.locator("#scanner").get_attribute("data-stopped") == "link_gone"
    context.close()
    assert [request for request in sent if request.startswith("POST") and secret in request] == []
