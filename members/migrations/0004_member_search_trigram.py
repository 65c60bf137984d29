"""The picker's search on PostgreSQL: trigram indexes on the expressions Django's icontains
writes (UPPER(column::text) LIKE UPPER('%word%')), so a search by name or position reads the
matching members instead of the whole table. SQLite has no such index and needs none."""

from django.db import migrations

INDEXES = [("member_full_name_trgm", "full_name"), ("member_position_trgm", "position")]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON members_member '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0003_member_language_calendar_feed")]

    operations = [migrations.RunPython(create, drop)]
