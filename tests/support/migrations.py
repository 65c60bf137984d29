"""Moving the test database to an older migration and back, for tests of data migrations."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to `targets` ((app, migration) pairs); the apps (historical models) there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    """Every app's newest migration: where the tests after this one expect the database."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
