"""Database helpers shared by the few hot statements written in SQL."""

from functools import lru_cache

from django.db import connections


def prepared_cursor(alias: str = "default"):
    """On PostgreSQL, a cursor whose statements are planned once per connection and then
    reused: for the few fixed statements that run on every scan or message, which cost more to
    plan than to run. The settings leave prepare_threshold off for the sake of connection
    poolers, so these statements ask for it themselves. Elsewhere, the usual cursor."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Only statements that ask (prepare=True) are prepared; the ORM's client-side
        # binding cursors never are.
        connection.connection.prepare_threshold = 2**31 - 1
    raw = _prepared_cursor_class()(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


@lru_cache(maxsize=1)
def _prepared_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            return super().execute(query, params, prepare=True)

    return PreparedCursor
