"""Settings for bench/checkin.py's gunicorn: the production settings (DEBUG off, WhiteNoise,
every middleware) with a test SECRET_KEY, persistent database connections, the cache in Redis
(CACHE_URL), the no-op floor view added by bench/checkin_urls.py, and the scan rate limit
raised so that it is still counted on every scan but never stops one of the load generator's
desks (a client scans some tens of times a second)."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789abcdefghijklmnop")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("CONN_MAX_AGE", "600")

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.checkin_urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
CHECKIN_SCAN_RATE_LIMIT = (1_000, 1)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
