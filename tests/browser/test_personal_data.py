""" "Data saya" and the staff's personal-data pages on a 360-px phone: nothing wider than the
screen, no accessibility problem, no breach of the Content-Security-Policy."""

import pytest

from personal_data.models import AccessEntry, RightsRequest
from personal_data.services.rights import ask
from tests.attendance.factories import CheckInFactory, signature_png
from tests.browser.support import accessibility_problems, page_width, sign_in
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_person_reads_their_data_and_asks_for_erasure_on_a_phone(phone, live_server):
    person = MemberFactory.create(full_name="Siti Rahmawati binti Abdul Rahman Al-Banjari")
    person.user = UserFactory.create(email=person.email)
    person.save()
    CheckInFactory.create(invitation__member=person, signature=signature_png())
    sign_in(phone.context, live_server, person.user)

    phone.goto(f"{live_server.url}/data-saya/")
    assert page_width(phone) <= 360
    assert accessibility_problems(phone) == []
    phone.get_by_label("Permintaan").select_option("erasure")
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="Kirim permintaan").click()
    phone.wait_for_url("**/data-saya/")

    assert RightsRequest.objects.get(member=person).kind == "erasure"


def test_staff_pages_fit_a_phone(phone, live_server):
    staff = UserFactory.create(is_staff=True)
    ask(member=MemberFactory.create(), kind=RightsRequest.Kind.STOP, reason="Pindah tugas")
    AccessEntry.objects.create(
        at="2026-01-01T00:00Z", user=staff, user_label=staff.email, what="directory", people=3
    )
    sign_in(phone.context, live_server, staff)

    for path in ("/pdp/permintaan/", "/pdp/log-akses/", "/data-saya/"):
        phone.goto(f"{live_server.url}{path}")
        assert page_width(phone) <= 360, path
        assert accessibility_problems(phone) == [], path
