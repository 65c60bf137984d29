"""What differs between databases, kept here so that no rule has to ask which one it runs on:
lock modes Django's ORM lacks, the durability of the outbox's marks, and the settings of the
app's own connections (connection_options, read by config/settings.py)."""

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.db import DatabaseError, InterfaceError, OperationalError, connections, models

# What a lost or refused database connection raises (a restart, a failover, a network cut): the
# request or task that meets it may simply be tried again.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)


def connection_options(engine: str, *, prepared_statements: bool = True) -> dict:
    """OPTIONS for the app's connections to a database of `engine`.

    PostgreSQL: JIT compilation off. Rakor's pages run short, index-driven queries; on big
    tables (300,000 invitations, 500,000 emails) a plan's estimated cost passes jit_above_cost
    and PostgreSQL then spends hundreds of milliseconds compiling a query that runs in a few
    (the invitations table went from 216 to 638 ms). Sent as a startup parameter, so a
    connection pooler must let `options` through (PgBouncer: ignore_startup_parameters must not
    list it; or set jit = off on the database: ALTER DATABASE rakor SET jit = off).

    With `prepared_statements` (DATABASE_PREPARED_STATEMENTS), Django's documented server-side
    binding, and psycopg prepares a statement the fifth time a connection runs it: PostgreSQL
    then plans it once per connection instead of at every run. Planning cost more than running
    for the short statements of the busiest requests (a scan at the door: its read took 0.49 ms
    of the server's time planned each time, 0.07 ms prepared). A pooler in transaction mode
    must keep prepared statements (PgBouncer 1.21+: max_prepared_statements), or turn this off."""
    if engine != "django.db.backends.postgresql":
        return {}
    options: dict = {"options": "-c jit=off"}
    if prepared_statements:
        options |= {"server_side_binding": True, "prepare_threshold": 5}
    return options


def lock_for_share(model: type[models.Model], pk: int, *, using: str = "default") -> None:
    """Hold the row `pk` of `model` FOR SHARE until the end of the transaction: writers of that
    row wait, other holders do not (select_for_update has no shared mode). On SQLite, which
    runs one write transaction at a time, there is nothing to do."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    table, column = model._meta.db_table, model._meta.pk.column
    assert column is not None  # a primary key has a column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Only quoted names from the model go into the text; the key is a parameter.
        cursor.execute(
            f"SELECT 1 FROM {quote(table)} WHERE {quote(column)} = %s FOR SHARE",  # noqa: S608
            [pk],
        )


@contextmanager
def commits_without_waiting_for_the_disk(*, using: str = "default") -> Iterator[None]:
    """Meanwhile, on PostgreSQL, a commit of this connection returns before its WAL reaches the
    disk (synchronous_commit off; waiting costs milliseconds per commit). A worker or a client
    that dies loses nothing by it; only a crash of the database server itself forgets the last
    fraction of a second of such commits. Elsewhere nothing changes."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        # A connection that died meanwhile takes the setting with it.
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
