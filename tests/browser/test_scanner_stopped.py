"""A desk stopped by its revoked link, then asked to scan by hand: it keeps the scan, sends
nothing, and says why, online or not."""

import pytest
from playwright.sync_api import expect

from attendance import services
from attendance.models import CheckIn
from tests.browser.support import phone_context
from tests.browser.test_scanner import _scan_by_hand, sitis_ticket

pytestmark = pytest.mark.browser


def _stopped_desk(playwright, browser, live_server, organizer):
    ticket = sitis_ticket(organizer)
    link, secret = services.create_operator_link(
        meeting=ticket.invitation.meeting, label="Meja 1", created_by=organizer
    )
    context = phone_context(playwright, browser, live_server)
    context.clock.install()
    page = context.new_page()
    page.goto(f"/checkin/{secret}/")
    expect(page.locator("#scanner-code")).to_be_visible()
    services.revoke_operator_link(link=link)
    page.clock.run_for(16_000)  # the poll finds the link revoked
    expect(page.locator('#scanner-result [data-status="link_gone"]')).to_be_visible()
    return ticket, secret, context, page


def test_a_stopped_desk_sends_nothing_for_a_code_typed_by_hand(
    playwright, browser, live_server, organizer
):
    """As the search's "Catat hadir" and Undo: the stopped card, and nothing asked of the
    server (a revoked link's scan is counted as a wrong link of the venue's address)."""
    ticket, secret, context, page = _stopped_desk(playwright, browser, live_server, organizer)
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
    ticket, _secret, context, page = _stopped_desk(playwright, browser, live_server, organizer)
    context.set_offline(True)

    _scan_by_hand(page, ticket.secret)

    expect(page.locator("#scanner-pending")).to_be_visible()
    result = page.locator("#scanner-result [data-status]")
    expect(result).to_have_attribute("data-status", "link_gone")
    context.close()
