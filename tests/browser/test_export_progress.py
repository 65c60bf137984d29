"""On a 360-px phone, an organizer downloads the members directory as XLSX: the page shows the
export's progress while Celery builds it, then a download link, without reloading."""

import pytest
from playwright.sync_api import expect

from core import services, tasks
from core.models import ExportJob
from tests.browser.support import PHONE_WIDTH, page_width, sign_in
from tests.members.factories import MemberFactory, OrganizerFactory
from tests.support.found import first_sheet

pytestmark = pytest.mark.browser


def test_an_xlsx_export_shows_its_progress_then_its_download_link(
    phone, live_server, monkeypatch, tmp_path
):
    # The worker is held back (the task is never handed to Celery), so that the page is seen
    # waiting; then it runs.
    monkeypatch.setattr(tasks.build_export, "delay", lambda _job_id: None)
    organizer = OrganizerFactory.create()
    for number in range(12):
        MemberFactory.create(full_name=f"Pegawai {number:02d}")
    sign_in(phone.context, live_server, organizer)

    phone.goto("/members/?sort=-full_name")
    phone.get_by_role("button", name="XLSX").click()

    state = phone.locator("[data-export-state]")
    expect(state).to_contain_text("0%")
    expect(phone.locator("progress")).to_be_visible()
    assert page_width(phone) <= PHONE_WIDTH
    job = ExportJob.objects.get()
    services.build_export(job_id=job.pk)

    link = phone.get_by_role("link", name="Unduh")
    expect(link).to_be_visible(timeout=5_000)  # htmx polls every second
    with phone.expect_download() as caught:
        link.click()
    saved = tmp_path / caught.value.suggested_filename
    caught.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    sheet = first_sheet(saved.read_bytes())
    assert [row[0] for row in sheet.iter_rows(min_row=2, max_row=3, values_only=True)] == [
        "Pegawai 11",
        "Pegawai 10",
    ]
