import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from outputs import services
from outputs.models import Action
from tests.browser.support import PHONE_WIDTH, page_width, sent_mail, sign_in
from tests.events.factories import MeetingFactory
from tests.members.factories import AgencyFactory, MemberFactory
from tests.support.found import body, found

pytestmark = pytest.mark.browser

PROGRESS_PATH = re.compile(r"https?://[^/\s]+(/actions/p/[A-Za-z0-9_-]+/)")


def test_the_owner_of_an_action_posts_progress_and_marks_it_done_on_a_phone(phone):
    meeting = MeetingFactory.create(sessions=2)
    owner = MemberFactory.create(
        full_name="Siti Rahmawati",
        agency=AgencyFactory.create(
            name="Biro Hubungan Masyarakat, Data dan Informasi Kementerian Agama"
        ),
        language="id",
    )
    action = services.add_action(
        meeting=meeting,
        title="Menyusun draf pedoman pelatihan dan kurikulum/silabus pranata humas",
        due_date=date(2022, 1, 31),
        responsible_agency=owner.agency,
        responsible_member=owner,
        by=None,
    )
    mail = sent_mail(owner.email)
    path = found(PROGRESS_PATH, body(mail)).group(1)

    phone.goto(path)
    expect(phone.locator("h1")).to_contain_text("Menyusun draf pedoman")
    assert page_width(phone) <= PHONE_WIDTH
    expect(phone.locator("input[name=author_name]")).to_have_value("Siti Rahmawati")
    phone.locator("textarea[name=note]").fill(
        "Draf bab 1–3 selesai, dikirim ke Sesban untuk telaah."
    )
    phone.locator("button[name=status][value=selesai]").click()

    notes = phone.locator("#progress-notes")
    expect(notes).to_contain_text("Draf bab 1–3 selesai")
    expect(notes).to_contain_text("Siti Rahmawati")
    expect(phone.locator("textarea[name=note]")).to_have_count(0)  # read-only once done
    assert page_width(phone) <= PHONE_WIDTH
    phone.screenshot(path="/tmp/action-progress-phone.png", full_page=True)

    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    assert action.completed_at is not None
    [progress] = action.progress.all()
    assert (progress.note, progress.author_name, progress.status) == (
        "Draf bab 1–3 selesai, dikirim ke Sesban untuk telaah.",
        "Siti Rahmawati",
        Action.Status.DONE,
    )


def test_the_organizers_actions_page_and_tracker_fit_a_phone(phone, organizer, live_server):
    meeting = MeetingFactory.create(sessions=2)
    meeting.organizers.add(organizer)
    follow_up = MeetingFactory.create(
        title="Rapat Lanjutan Koordinasi Pranata Humas Antar K/L " * 3
    )
    follow_up.organizers.add(organizer)
    agency = AgencyFactory.create(
        name="Biro Hubungan Masyarakat, Data dan Informasi Kementerian Agama"
    )
    for title in ("Menyusun draf pedoman pelatihan pranata humas", "Sertifikasi " * 20):
        services.add_action(
            meeting=meeting,
            title=title,
            due_date=date(2022, 1, 31),
            responsible_agency=agency,
            by=organizer,
        )
    sign_in(phone.context, live_server, organizer)

    phone.goto(reverse("outputs:meeting_actions", args=[meeting.pk]))
    expect(phone.locator("article")).to_have_count(2)
    assert page_width(phone) <= PHONE_WIDTH
    phone.screenshot(path="/tmp/actions-phone.png", full_page=True)
    phone.locator("select[name=to_meeting]").select_option(str(follow_up.pk))
    carry = reverse("outputs:actions_carry", args=[meeting.pk])
    phone.locator(f"form[action='{carry}'] button").click()
    expect(phone.locator(".alert-success")).to_be_visible()
    assert follow_up.agenda_items.count() == 2

    phone.goto(reverse("outputs:action_tracker"))
    expect(phone.locator("table tbody tr")).to_have_count(2)
    assert page_width(phone) <= PHONE_WIDTH
