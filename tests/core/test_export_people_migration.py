"""Exports built before their people were stored (core 0003) would be downloaded without an
entry in the access log: the upgrade deletes their files as expiry does, and their owners ask
for them again; an export built since, which names its people, stays."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from core.models import ExportJob
from personal_data.models import Access
from tests.members.factories import OrganizerFactory
from tests.support.migrations import latest, migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("core", "0003_export_people_as_built")]
AFTER = [("core", "0004_expire_exports_built_without_people")]


@pytest.fixture(autouse=True)
def _back_to_the_latest():
    yield
    migrate(latest())


def _ready(apps, organizer, name: str, **fields):
    job = apps.get_model("core", "ExportJob")(
        requested_by_id=organizer.pk,
        builder="members.views.directory_export",
        state="ready",
        expires_at=timezone.now() + timedelta(days=6),
        filename=name,
        **fields,
    )
    job.file.save(name, ContentFile(b"PK fake xlsx"), save=False)
    job.save()
    return job


def test_exports_built_before_their_people_were_stored_are_deleted_for_a_new_one(client):
    organizer = OrganizerFactory.create()
    apps = migrate(BEFORE)
    old = _ready(apps, organizer, "anggota-lama.xlsx")
    new = _ready(
        apps, organizer, "anggota-baru.xlsx", access=Access.DIRECTORY_EXPORT, people=[7, 9]
    )
    old_path, new_path = old.file.path, new.file.path

    migrate(AFTER)
    migrate(latest())  # the model of today reads the rows

    old, new = ExportJob.objects.get(pk=old.pk), ExportJob.objects.get(pk=new.pk)
    assert (old.state, old.file.name) == (ExportJob.State.EXPIRED, "")
    assert not old.file.storage.exists(old_path)
    assert new.state == ExportJob.State.READY
    assert new.file.storage.exists(new_path)
    client.force_login(organizer)
    assert client.get(reverse("export_download", args=[old.pk])).status_code == 404
