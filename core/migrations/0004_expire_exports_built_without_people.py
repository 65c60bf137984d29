"""Exports built before 0003 stored no `people`: downloaded, they would leave no entry in the
access log naming whom they hold. Their files are deleted now, as an expired export's are (the
row stays, marked expired, its page saying to ask again from the page it came from), so that
the file their owner asks for again is logged at each download."""

from django.db import migrations


def forwards(apps, schema_editor):
    from core.background import expire_rows

    ExportJob = apps.get_model("core", "ExportJob")
    # A file of people built since 0003 names its access kind; before, every row has none (a
    # file of no one's personal data built since, the tracker's, goes too: asked again).
    built_before = ExportJob.objects.filter(access="", people=[])
    while expire_rows(built_before):
        pass


class Migration(migrations.Migration):
    dependencies = [("core", "0003_export_people_as_built")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
