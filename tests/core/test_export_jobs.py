"""A table's XLSX is built in the background: asked for with a POST, followed on its page
(progress, then a download link), downloaded only by whoever may see it, deleted after
EXPORT_DAYS days; the CSV streams. One mechanism for the four tables."""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from core import background, export_views, services
from core.dates import format_stamp
from core.exports import GATES
from core.models import ExportJob
from personal_data.models import AccessEntry
from tests.events.factories import InvitationFactory, MeetingFactory
from tests.members.factories import MemberFactory, OrganizerFactory, UserFactory
from tests.support.found import first_sheet, found, present

pytestmark = pytest.mark.django_db

MEMBERS_XLSX = reverse("members:export", args=["xlsx"])


@pytest.mark.usefixtures("organizer")
def test_the_xlsx_is_asked_for_with_a_post_and_built_in_the_background(
    organizer_client, django_capture_on_commit_callbacks
):
    for number in range(5):
        MemberFactory.create(full_name=f"Pegawai {number}")

    asking = organizer_client.get(MEMBERS_XLSX)  # a link: a page with the button, no job
    assert asking.status_code == 200
    assert ExportJob.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        asked = organizer_client.post(MEMBERS_XLSX, {"query": urlencode({"sort": "-full_name"})})
    job = ExportJob.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == reverse("export_job", args=[job.pk])
    assert len(handed_over) == 1  # the task goes to Celery once the request commits

    waiting = organizer_client.get(asked["Location"]).content.decode()
    assert "<progress" in waiting
    assert 'hx-trigger="every 1s"' in waiting
    assert "/download" not in waiting

    services.build_export(job_id=job.pk)

    ready = organizer_client.get(asked["Location"], headers={"HX-Request": "true"})
    text = ready.content.decode()
    assert "<progress" not in text
    assert "hx-get" not in text
    link = found(r'href="(/exports/\d+/download)"', text).group(1)
    file = organizer_client.get(link)
    assert file["Cache-Control"] == "private, no-store"
    sheet = first_sheet(b"".join(file.streaming_content))
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == [f"Pegawai {number}" for number in reversed(range(5))]
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total, job.percent) == (5, 5, 100)
    assert present(job.expires_at) - present(job.built_at) == timedelta(days=7)


def test_asking_twice_while_it_is_built_gives_the_same_export(
    organizer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = organizer_client.post(MEMBERS_XLSX, {"query": "q=budi"})
        second = organizer_client.post(MEMBERS_XLSX, {"query": "q=budi"})

    assert first["Location"] == second["Location"]
    assert ExportJob.objects.count() == 1


def _ready_invitations_export(client, meeting):
    url = reverse("events:meeting_invitations_export", args=[meeting.pk, "xlsx"])
    client.post(url, {"query": ""})
    job = ExportJob.objects.get()
    services.build_export(job_id=job.pk)
    return job, reverse("export_download", args=[job.pk])


def test_only_the_requester_the_meetings_organizers_and_staff_download_it(client, organizer):
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    InvitationFactory.create(meeting=meeting)
    client.force_login(organizer)
    job, download = _ready_invitations_export(client, meeting)

    co_organizer = OrganizerFactory.create()
    meeting.organizers.add(co_organizer)
    client.force_login(co_organizer)
    assert client.get(download).status_code == 200
    client.force_login(UserFactory.create(is_staff=True))
    assert client.get(download).status_code == 200
    client.force_login(OrganizerFactory.create())  # an organizer of other meetings
    assert client.get(download).status_code == 404
    assert client.get(reverse("export_job", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302  # to sign in


def _ready_directory_export(client):
    client.post(MEMBERS_XLSX, {"query": ""})
    job = ExportJob.objects.get()
    services.build_export(job_id=job.pk)
    return job, reverse("export_download", args=[job.pk])


def test_an_organizer_taken_out_of_the_group_no_longer_downloads_the_directory_they_exported(
    client, organizer
):
    """The directory's export serves no meeting: the requester downloads it only while the
    directory would still let them in, as the page it came from."""
    MemberFactory.create(full_name="Ayu")
    client.force_login(organizer)
    job, download = _ready_directory_export(client)
    assert client.get(download).status_code == 200
    logged = AccessEntry.objects.count()

    organizer.groups.clear()  # no longer an organizer

    assert client.get(download).status_code == 404
    assert client.get(reverse("export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("members:directory")).status_code == 403  # as the page itself
    assert AccessEntry.objects.count() == logged  # nothing taken, nothing logged as seen


def test_someone_who_organizes_no_meeting_any_more_no_longer_downloads_the_trackers_export(
    client, organizer
):
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    client.force_login(organizer)
    client.post(reverse("outputs:action_tracker_export", args=["xlsx"]), {"query": ""})
    job = ExportJob.objects.get()
    services.build_export(job_id=job.pk)
    download = reverse("export_download", args=[job.pk])
    assert client.get(download).status_code == 200

    meeting.organizers.remove(organizer)

    assert client.get(download).status_code == 404
    assert client.get(reverse("outputs:action_tracker")).status_code == 403  # as the page itself


def test_staff_still_download_anyones_directory_export(client, organizer):
    client.force_login(organizer)
    _job, download = _ready_directory_export(client)

    client.force_login(UserFactory.create(is_staff=True))

    assert client.get(download).status_code == 200


@pytest.mark.parametrize(
    "url",
    [MEMBERS_XLSX, reverse("outputs:action_tracker_export", args=["xlsx"])],
    ids=["directory", "tracker"],
)
def test_whom_the_gate_refuses_cannot_ask_for_the_export_either(client, url):
    client.force_login(UserFactory.create())  # signed in, organizes nothing

    assert client.post(url, {"query": ""}).status_code == 403
    assert not ExportJob.objects.exists()


def test_every_export_builder_declares_who_may_take_its_file():
    """A builder without a gate could be neither asked for nor downloaded."""
    named = {
        match.group(1)
        for app in ("members", "events", "attendance", "outputs")
        for source in (Path(settings.BASE_DIR) / app).rglob("*.py")
        for match in re.finditer(r'builder="([\w.]+)"', source.read_text(encoding="utf-8"))
    }

    assert len(named) == 6
    for builder in named:
        import_string(builder)
    assert named <= set(GATES)


def test_an_export_past_its_days_is_gone_and_its_file_deleted(client, organizer):
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    InvitationFactory.create(meeting=meeting)
    client.force_login(organizer)
    job, download = _ready_invitations_export(client, meeting)
    job.refresh_from_db()
    path = job.file.path

    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(download).status_code == 404
    assert services.sweep_exports() == {"handed_over": 0, "expired": 1}

    job.refresh_from_db()
    assert job.state == ExportJob.State.EXPIRED
    assert not job.file
    assert not os.path.exists(path)
    assert "dihapus" in client.get(reverse("export_job", args=[job.pk])).content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_expiring_exports_takes_the_same_queries_however_many(
    organizer, count, django_assert_num_queries
):
    past = timezone.now() - timedelta(seconds=1)
    ExportJob.objects.bulk_create(
        ExportJob(
            requested_by=organizer,
            builder="members.views.directory_export",
            state=ExportJob.State.READY,
            expires_at=past,
        )
        for _ in range(count)
    )

    # Those given up (one UPDATE), the lost ones, the expired ones, one UPDATE.
    with django_assert_num_queries(4):
        swept = services.sweep_exports()

    assert swept == {"handed_over": 0, "expired": count}
    assert not ExportJob.objects.exclude(state=ExportJob.State.EXPIRED).exists()


@pytest.mark.usefixtures("monkeypatch")
def test_the_sweeper_hands_a_lost_export_to_celery_again(organizer):
    job = ExportJob.objects.create(
        requested_by=organizer, builder="members.views.directory_export", query=""
    )
    ExportJob.objects.filter(pk=job.pk).update(requested_at=timezone.now() - timedelta(minutes=10))

    assert services.sweep_exports()["handed_over"] == 1  # inline in tests: built now
    job.refresh_from_db()
    assert job.state == ExportJob.State.READY


def test_an_export_not_built_within_an_hour_is_given_up_not_handed_over_again(organizer):
    """Its build keeps meeting the same database error (a statement timeout, a full disk),
    which Celery and the sweeper would otherwise try again for ever."""
    job = ExportJob.objects.create(
        requested_by=organizer, builder="members.views.directory_export", query=""
    )
    ExportJob.objects.filter(pk=job.pk).update(
        requested_at=timezone.now() - background.GIVE_UP_AFTER - timedelta(minutes=1)
    )

    assert services.sweep_exports()["handed_over"] == 0
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED
    assert job.error


def test_the_csv_streams(organizer_client):
    MemberFactory.create(full_name="Ayu")

    response = organizer_client.get(reverse("members:export", args=["csv"]))

    assert response.streaming
    assert b"".join(response.streaming_content).decode("utf-8-sig").count("\n") == 2


def test_a_big_tables_csv_is_built_in_the_background_and_a_link_to_it_asks_first(
    organizer_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(export_views, "STREAM_ROWS", 3)
    for number in range(4):
        MemberFactory.create(full_name=f"Pegawai {number}")
    url = reverse("members:export", args=["csv"])

    asking = organizer_client.get(url, {"sort": "full_name"})
    assert asking.status_code == 200
    assert not asking.streaming
    assert 'name="query" value="sort=full_name"' in asking.content.decode()
    assert ExportJob.objects.count() == 0  # a GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        asked = organizer_client.post(url, {"query": "sort=full_name"})

    job = ExportJob.objects.get()
    assert asked["Location"] == reverse("export_job", args=[job.pk])
    assert (job.file_format, job.state) == ("csv", ExportJob.State.READY)
    file = organizer_client.get(reverse("export_download", args=[job.pk]))
    assert file["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(file.streaming_content).decode("utf-8-sig")
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == [
        f"Pegawai {number}" for number in range(4)
    ]


def test_a_small_tables_csv_streams_from_the_pages_post_too(organizer_client):
    MemberFactory.create(full_name="Ayu")

    response = organizer_client.post(reverse("members:export", args=["csv"]), {"query": ""})

    assert response.streaming
    assert ExportJob.objects.count() == 0


def test_the_export_page_says_who_may_download_the_file_it_is_about(client, organizer):
    """A directory export serves no meeting: only its requester and staff download it, and its
    page says so; a meeting's table export names that meeting's organizers too."""
    client.force_login(organizer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(MEMBERS_XLSX, {"query": ""})
    directory = client.get(reverse("export_job", args=[ExportJob.objects.get().pk]))
    ExportJob.objects.all().delete()
    meeting = MeetingFactory.create()
    meeting.organizers.add(organizer)
    InvitationFactory.create(meeting=meeting)
    job, _ = _ready_invitations_export(client, meeting)
    table = client.get(reverse("export_job", args=[job.pk]))

    assert "only you and staff can download it" in directory.content.decode()
    assert "organizers" not in directory.content.decode()
    assert "only you, the meeting's organizers and staff" in table.content.decode()


@pytest.mark.parametrize(
    ("meeting_zone", "shown"), [(None, "WIB"), ("Asia/Makassar", "WITA")], ids=["site", "meeting"]
)
def test_the_export_page_says_when_the_file_is_deleted_with_its_time_zone(
    client, organizer, meeting_zone, shown
):
    """As every moment in Rakor: a meeting's file in the meeting's zone, else the site's."""
    client.force_login(organizer)
    if meeting_zone is None:
        job, _ = _ready_directory_export(client)
    else:
        meeting = MeetingFactory.create(time_zone=meeting_zone)
        meeting.organizers.add(organizer)
        InvitationFactory.create(meeting=meeting)
        job, _ = _ready_invitations_export(client, meeting)
    job.refresh_from_db()

    page = client.get(reverse("export_job", args=[job.pk])).content.decode()

    deleted = format_stamp(present(job.expires_at), meeting_zone)
    assert deleted.endswith(f" {shown}")
    assert f"Dihapus pada {deleted}." in page


def members_table_unreachable_once():
    """An execute wrapper: the first read of the members table meets a lost connection."""
    met: list[str] = []

    def wrapper(execute, sql, params, many, context):
        if "members_member" in sql and not met:
            met.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.django_db(transaction=True)
def test_an_export_that_lost_the_database_is_built_by_celerys_next_try():
    organizer = OrganizerFactory.create()
    MemberFactory.create(full_name="Ayu")
    job = ExportJob.objects.create(
        requested_by=organizer, builder="members.views.directory_export", query=""
    )

    with (
        connection.execute_wrapper(members_table_unreachable_once()),
        pytest.raises(OperationalError),  # Celery tries the task again (core.tasks.Task)
    ):
        services.build_export(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == (ExportJob.State.QUEUED, "")

    services.build_export(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.READY


def test_a_worker_taken_for_dead_that_finishes_late_leaves_no_file_behind(organizer):
    MemberFactory.create(full_name="Ayu")
    job = ExportJob.objects.create(
        requested_by=organizer, builder="members.views.directory_export", query=""
    )
    late_worker = background.claim(ExportJob, job.pk)
    assert late_worker is not None
    with time_machine.travel(timezone.now() + background.BUILDING_GRACE + timedelta(minutes=1)):
        services.build_export(job_id=job.pk)  # the sweeper's new worker builds it
    built = ExportJob.objects.get(pk=job.pk)

    job.file.save("late.xlsx", ContentFile(b"late"), save=False)
    late_file = str(job.file.name)
    kept = background.mark_ready(job, claimed=late_worker, size=4, days=7, fields=[])

    assert not kept
    assert not job.file.storage.exists(late_file)
    job.refresh_from_db()
    assert job.state == ExportJob.State.READY
    assert job.file.name == built.file.name
    assert job.file.storage.exists(str(job.file.name))


@pytest.mark.django_db(transaction=True)
def test_an_export_that_loses_the_database_as_it_is_marked_ready_leaves_no_file():
    organizer = OrganizerFactory.create()
    MemberFactory.create(full_name="Ayu")
    job = ExportJob.objects.create(
        requested_by=organizer, builder="members.views.directory_export", query=""
    )
    storage = job.file.storage

    def files() -> set[str]:
        if not storage.exists("exports"):
            return set()
        return {
            f"{folder}/{name}"
            for folder in storage.listdir("exports")[0]
            for name in storage.listdir(f"exports/{folder}")[1]
        }

    before, stored = files(), set[str]()

    def lost_at_ready(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "built_at" in sql and not stored:
            stored.update(files() - before)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(lost_at_ready), pytest.raises(OperationalError):
        services.build_export(job_id=job.pk)

    job.refresh_from_db()
    assert job.state == ExportJob.State.QUEUED  # for Celery's next try
    assert stored  # the file was stored before the row was to say READY …
    assert files() == before  # … and it went
