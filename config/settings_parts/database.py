"""The database and the cache."""

from config.settings_parts.environment import VAR_DIR, env
from core.db import connection_options

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection that died (a restart of PostgreSQL) is replaced before a request uses it,
# instead of failing that request.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# What the app's connections set per database (PostgreSQL: jit off, prepared statements),
# core/db.py.
DATABASES["default"].setdefault("OPTIONS", {}).update(
    connection_options(
        DATABASES["default"]["ENGINE"],
        prepared_statements=env.bool("DATABASE_PREPARED_STATEMENTS", default=True),
    )
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
