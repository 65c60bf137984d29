import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.support import PHONE_WIDTH, page_width, sent_mail
from tests.support.found import body, found

pytestmark = pytest.mark.browser

CODE_LINE = re.compile(r"^ {4}(?P<code>[A-Z0-9-]{6,})$", re.MULTILINE)


def test_an_organizer_signs_in_on_a_phone_with_a_code_from_the_email(phone, organizer):
    phone.goto(reverse("home"))
    phone.locator(f"main a[href='{reverse('account_login')}']").click()
    expect(phone).to_have_url(re.compile(re.escape(reverse("account_login")) + "$"))
    assert page_width(phone) <= PHONE_WIDTH
    phone.screenshot(path="/tmp/signin-phone.png", full_page=True)

    phone.locator("#login-by-code input[name=email]").fill(organizer.email)
    phone.locator("#login-by-code button[type=submit]").click()
    expect(phone).to_have_url(re.compile(re.escape(reverse("account_confirm_login_code"))))
    assert page_width(phone) <= PHONE_WIDTH

    code = found(CODE_LINE, body(sent_mail(organizer.email)))
    phone.locator("input[name=code]").fill(code["code"])
    phone.locator("#confirm-code button[type=submit]").click()

    expect(phone).to_have_url(re.compile(re.escape(reverse("home")) + "$"))
    phone.locator(".navbar-toggler").click()
    expect(phone.locator("nav").get_by_text(organizer.email)).to_be_visible()
    expect(phone.locator(f"nav form[action='{reverse('account_logout')}'] button")).to_be_visible()
    assert page_width(phone) <= PHONE_WIDTH
