"""Export jobs asked for before the attendance and tracker builders left their view modules
still build and download after the upgrade: their stored dotted paths follow the move."""

import pytest
from django.utils.module_loading import import_string

from tests.support.migrations import latest, migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("core", "0001_initial")]
AFTER = [("core", "0002_export_builders_beside_tables")]


@pytest.fixture(autouse=True)
def _back_to_the_latest():
    yield
    migrate(latest())


def test_stored_jobs_name_the_builders_where_they_now_live(django_user_model):
    user = django_user_model.objects.create_user(email="panitia@kemenag.go.id", password="x")
    apps = migrate(BEFORE)
    ExportJob = apps.get_model("core", "ExportJob")
    for builder in [
        "attendance.table_views.attendance_export",
        "outputs.tracker_views.actions_export",
        "members.views.directory_export",
    ]:
        ExportJob.objects.create(builder=builder, requested_by_id=user.pk)

    apps = migrate(AFTER)

    builders = apps.get_model("core", "ExportJob").objects.values_list("builder", flat=True)
    assert sorted(builders) == [
        "attendance.tables.attendance_export",
        "members.views.directory_export",
        "outputs.tables.actions_export",
    ]
    for builder in builders:
        assert callable(import_string(builder))
