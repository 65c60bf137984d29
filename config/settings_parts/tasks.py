"""Celery: the broker (a filesystem one needing no server by default), the queues, the beat's
schedule, and when owed work is handed over again."""

from datetime import timedelta

from celery.schedules import crontab
from kombu import Queue

from config.settings_parts.environment import VAR_DIR, env
from config.settings_parts.mail import CALENDAR_IMAP_URL
from config.settings_parts.web import TIME_ZONE

# Celery: a broker that needs no server by default (kombu's filesystem transport under var/).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # kombu's filesystem transport, but writing each message atomically (config/broker.py).
    CELERY_BROKER_TRANSPORT = "config.broker:FilesystemTransport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # else ./control in the working dir
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=7200)
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
# Sending mail has its own queue, so a fan-out's messages go out while later batches are still
# being built instead of waiting behind all of them. A worker consumes every queue listed here.
CELERY_TASK_QUEUES = [Queue("celery"), Queue("outbox")]
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"outbox.tasks.send_messages": {"queue": "outbox"}}
# Acknowledging late, retrying on database errors: the tasks' base class, core/tasks.py.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "expire-seat-offers": {
        "task": "events.tasks.expire_seat_offers",
        "schedule": timedelta(minutes=5),
    },
    # Whatever the broker lost or a task left: mail still to write (invitations, calendar
    # updates and cancellations, minutes distributions) and messages still to send.
    "sweep-owed-mail": {
        "task": "outbox.tasks.sweep",
        "schedule": timedelta(seconds=env.int("SWEEP_EVERY_SECONDS", default=60)),
    },
    "send-due-reminders": {
        "task": "events.tasks.send_due_reminders",
        "schedule": timedelta(minutes=5),
    },
    # Follow-up action reminders: from 07.00 (CELERY_TIMEZONE) and every hour until 20.00, so a
    # beat that was down at 07.00 catches up the same day; each reminder goes out once.
    "send-action-reminders": {
        "task": "outputs.tasks.send_action_reminders",
        "schedule": crontab(minute=0, hour="7-20"),
    },
    # SPJ bundles the broker lost, and those past RECORDS_BUNDLE_DAYS (their files deleted).
    "sweep-record-bundles": {
        "task": "records.tasks.sweep_bundles",
        "schedule": timedelta(minutes=5),
    },
    # Background exports the broker lost, and those past EXPORT_DAYS (their files deleted).
    "sweep-exports": {
        "task": "core.tasks.sweep_exports",
        "schedule": timedelta(minutes=5),
    },
    # Personal data past its retention (RETENTION below), unconfirmed registrations included:
    # deleted or pseudonymised, and logged.
    "purge-personal-data": {
        "task": "personal_data.tasks.purge",
        "schedule": timedelta(hours=1),
    },
}
if CALENDAR_IMAP_URL:
    CELERY_BEAT_SCHEDULE["fetch-calendar-replies"] = {
        "task": "events.tasks.fetch_calendar_replies",
        "schedule": timedelta(minutes=2),
        "options": {"expires": 110},  # a run left waiting is replaced by the next one
    }

# Work handed to Celery and not done this long after is handed over again by the sweeper
# (then after twice as long each time); work the broker refused is handed over at once.
OWED_GRACE = timedelta(seconds=env.int("OWED_GRACE_SECONDS", default=120))

# How long a seat freed on a full meeting is kept for the person offered it (at most half the
# time left before the first session).
SEAT_OFFER_HOURS = env.int("SEAT_OFFER_HOURS", default=24)
