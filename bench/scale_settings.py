"""Settings for bench/scale.py's gunicorn and its own process: the production settings (DEBUG
off, every middleware, persistent connections) with a test SECRET_KEY, static files from the
finders, and one middleware more, first, that answers with what each request cost on the
server: X-Bench-Ms (its time) and X-Bench-Queries (its database queries)."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnop")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("CONN_MAX_AGE", "600")

from config.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
MIDDLEWARE = ["bench.scale_middleware.cost", *MIDDLEWARE]  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
