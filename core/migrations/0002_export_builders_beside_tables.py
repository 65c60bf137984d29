"""The attendance and tracker exports' builders moved out of their view modules (into each app's
tables.py): export jobs already stored name the old dotted paths, which no longer import."""

from django.db import migrations

MOVED = {
    "attendance.table_views.attendance_export": "attendance.tables.attendance_export",
    "outputs.tracker_views.actions_export": "outputs.tables.actions_export",
}


def rename(apps, schema_editor, moves):
    ExportJob = apps.get_model("core", "ExportJob")
    for old, new in moves.items():
        ExportJob.objects.filter(builder=old).update(builder=new)


def forwards(apps, schema_editor):
    rename(apps, schema_editor, MOVED)


def backwards(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
