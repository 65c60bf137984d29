"""The roster import on a phone, with its scripts from static files under the enforced
Content-Security-Policy: htmx uploads the file, the preview asks once, the members are there."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from members.models import Member
from tests.browser.support import PHONE_WIDTH, page_width, sign_in
from tests.members.rosters import DESIREE, HEADER_ID, SITI, csv_file

pytestmark = pytest.mark.browser


def test_an_organizer_imports_a_roster_on_a_phone(phone, organizer, live_server, tmp_path):
    roster = tmp_path / "peserta.csv"
    roster.write_bytes(csv_file([HEADER_ID, SITI, DESIREE], separator=";"))
    sign_in(phone.context, live_server, organizer)

    phone.goto(reverse("members:import"))
    phone.locator("#roster-form input[type=file]").set_input_files(roster)
    phone.locator("#roster-form button[type=submit]").click()

    expect(phone.locator("#confirm-form")).to_be_visible()  # htmx followed HX-Redirect
    assert page_width(phone) <= PHONE_WIDTH
    phone.locator("#confirm-form button[type=submit]").click()

    expect(phone).to_have_url(reverse("members:directory"))
    expect(phone.locator(".alert-success")).to_be_visible()
    assert set(Member.objects.values_list("email", flat=True)) == {SITI[1], DESIREE[1]}


def test_a_refused_roster_shows_its_problems_in_place(phone, organizer, live_server, tmp_path):
    roster = tmp_path / "peserta.csv"
    roster.write_bytes(csv_file([HEADER_ID, [SITI[0], "siti(at)x", *SITI[2:]]]))
    sign_in(phone.context, live_server, organizer)

    phone.goto(reverse("members:import"))
    phone.locator("#roster-form input[type=file]").set_input_files(roster)
    phone.locator("#roster-form button[type=submit]").click()

    expect(phone.locator("#roster-errors")).to_be_visible()
    expect(phone.locator("#roster-progress")).to_be_hidden()
    expect(phone.locator("#roster-form button[type=submit]")).to_be_enabled()
    assert not Member.objects.exists()
