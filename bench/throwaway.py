"""Where a benchmark may write: a throwaway SQLite file, or a database whose name says bench."""

import os
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
