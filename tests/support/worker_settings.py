"""Settings for a Celery worker subprocess started by a test (tests/support/celery.py).

The project's own settings, read from the environment like in production (DATABASE_URL,
CELERY_BROKER_URL, EMAIL_URL, OUTBOX_STALE_AFTER_SECONDS, ...), plus the one thing the
environment cannot say: the test's private broker (its own folder, or its own Redis key prefix).
"""

import json
import os

from config.settings import *  # noqa: F403

CELERY_BROKER_TRANSPORT_OPTIONS = json.loads(os.environ["RAKOR_TEST_BROKER_TRANSPORT_OPTIONS"])
