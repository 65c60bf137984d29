"""Where a benchmark may write: a throwaway SQLite file, a PostgreSQL database or a Redis
database emptied for it (a database whose name says bench)."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse


def choose_database() -> tempfile.TemporaryDirectory | None:
    """Set DATABASE_URL for this process: the one given if its name contains "bench" (the
    benchmark empties and fills it), else a fresh SQLite file whose folder the caller removes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    url = os.environ.get("DATABASE_URL")
    if url:
        name = urlparse(url).path.rsplit("/", 1)[-1]
        if "bench" not in name:
            sys.exit(f"refusing to write benchmark data into {name!r}: name a database *bench*")
        return None
    throwaway = tempfile.TemporaryDirectory(prefix="rakor-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{throwaway.name}/bench.sqlite3"
    os.environ["VAR_DIR"] = throwaway.name
    return throwaway


def recreate_database(url: str) -> None:
    """Drop and create the PostgreSQL database `url` names, which must say bench."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the database name must contain 'bench'.")
    args = ["-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 5432)]
    args += ["-U", parsed.username or "postgres"]
    subprocess.run(["dropdb", "--if-exists", *args, name], check=True)
    subprocess.run(["createdb", *args, name], check=True)


def empty_redis(url: str) -> None:
    """Empty the Redis database `url` names (the benchmark's own number)."""
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()
