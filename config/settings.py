"""Settings from the environment (twelve-factor). Every variable is listed in the README.

The defaults need no server: SQLite, a filesystem Celery broker and mail written as .eml files,
all under var/. Production sets DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL, SECRET_KEY,
ALLOWED_HOSTS and HTTPS=true.
"""

from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from kombu import Queue

from core.db import connection_options

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The environment wins over .env; every setting below, VAR_DIR included, is read after it.
env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-only-for-local-development")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Unset, the development server on this machine, on the port `make run PORT=…` serves.
RUNSERVER_PORT = env.int("RUNSERVER_PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{RUNSERVER_PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "django_tables2",
    "django_filters",
    "django_htmx",
    "core",
    "members",
    "outbox",
    "events",
    "attendance",
    "outputs",
    "records",
    "personal_data",
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Indonesian unless English was chosen with the switch; the browser's language is not asked.
    "core.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Before any view or process_view (the CSRF check) reads a body larger than Rakor takes.
    "core.http.RequestTooLargeMiddleware",
    "core.links.TooManyWrongLinksMiddleware",
    # request.htmx: whether htmx asked (the HX-Request header), and its other headers.
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# Django's widgets are drawn by the project's templates (templates/django/forms/widgets/), which
# give them Bootstrap's classes: no form in Python names a CSS class.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection that died (a restart of PostgreSQL) is replaced before a request uses it,
# instead of failing that request.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# What the app's connections set per database (PostgreSQL: jit off), core/db.py.
DATABASES["default"].setdefault("OPTIONS", {}).update(
    connection_options(DATABASES["default"]["ENGINE"])
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )

CACHES = {"default": env.cache_url("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email only, one-time code by email, optional password, verified email.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Rakor] "
ACCOUNT_LOGOUT_ON_GET = False
# Government mail can be slow (greylisting): a sign-in code lives 10 minutes, not allauth's 3,
# and a new one can be asked for. Still 3 tries per code, and allauth's rate limits (default
# ACCOUNT_RATE_LIMITS, kept in the cache above) cap code requests per address and per IP.
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
# The reverse proxies in front of gunicorn, each appending to X-Forwarded-For: limits per client
# address (Rakor's through core.http.client_ip, and allauth's) count the entry that many from the
# right, not REMOTE_ADDR, which is the proxy's for everybody. One by default with BEHIND_PROXY.
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=1 if env.bool("BEHIND_PROXY", default=False) else 0
)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    # The check-in scanner: the BarcodeDetector ponyfill, its WebAssembly, the offline queue.
    ("vendor/barcode-detector", BASE_DIR / "node_modules/barcode-detector/dist/iife"),
    ("vendor/zxing-wasm", BASE_DIR / "node_modules/zxing-wasm/dist/reader"),
    ("vendor/idb-keyval", BASE_DIR / "node_modules/idb-keyval/dist"),
    ("vendor/signature_pad", BASE_DIR / "node_modules/signature_pad/dist"),
    # Searchable selects: the meeting's time zone, the inviting page's search-as-you-type picker.
    ("vendor/tom-select", BASE_DIR / "node_modules/tom-select/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Meeting documents (outputs.Document) live outside MEDIA_ROOT, so no static() route ever serves
# them: only outputs/views/documents.py does, after checking who asks.
STORAGES["documents"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": VAR_DIR / "documents"},
}
# Uploads bigger than FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file; this is the limit
# of one document, checked by outputs/services/documents.py before anything is saved.
# Official records' files that are not in the database: the SPJ bundles (records/), kept
# outside MEDIA_ROOT and served only after checking who asks, deleted when they expire.
STORAGES["records"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": VAR_DIR / "records"},
}
RECORDS_BUNDLE_DAYS = env.int("RECORDS_BUNDLE_DAYS", default=7)
# Spreadsheets built by Celery for a table's XLSX export (core/models.ExportJob): personal
# data, served only after checking who asks, deleted after EXPORT_DAYS days.
STORAGES["exports"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": VAR_DIR / "exports"},
}
EXPORT_DAYS = env.int("EXPORT_DAYS", default=7)
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=25) * 1024 * 1024
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ROSTER_MAX_BYTES = env.int("ROSTER_MAX_BYTES", default=5 * 1024 * 1024)
# The largest request body Rakor reads (core.http.RequestTooLargeMiddleware): twice its
# largest upload, so that a file a little too large still gets its form's own message, and
# anything larger is refused before it is read.
REQUEST_MAX_BYTES = 2 * max(DOCUMENT_MAX_BYTES, ROSTER_MAX_BYTES, DATA_UPLOAD_MAX_MEMORY_SIZE)
# How long a seat freed on a full meeting is kept for the person offered it (at most half the
# time left before the first session).
SEAT_OFFER_HOURS = env.int("SEAT_OFFER_HOURS", default=24)

# Mail: every message goes through the outbox (outbox/); this is the transport it uses.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Rakor <rakor@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The privacy notice (privacy/): who answers for personal data when the host agency has no
# contact of its own set by staff (UU 27/2022 Art. 5 and 21).
PRIVACY_CONTROLLER = env.str("PRIVACY_CONTROLLER", default="")
PRIVACY_CONTACT = env.str(
    "PRIVACY_CONTACT", default=parseaddr(DEFAULT_FROM_EMAIL)[1] or "rakor@localhost"
)
PRIVACY_DPO_NAME = env.str("PRIVACY_DPO_NAME", default="")
PRIVACY_DPO_EMAIL = env.str("PRIVACY_DPO_EMAIL", default="")
# The ORGANIZER of calendar invitations: calendar clients send their replies (METHOD:REPLY) here,
# so it must be a mailbox Rakor reads.
CALENDAR_ORGANIZER_EMAIL = env.str(
    "CALENDAR_ORGANIZER_EMAIL", default=parseaddr(DEFAULT_FROM_EMAIL)[1] or "rakor@localhost"
)
# The organizer mailbox Rakor reads calendar replies from, e.g.
# imaps://user:password@imap.example.go.id:993/INBOX; empty: not read (manage.py ingest_reply).
CALENDAR_IMAP_URL = env.str("CALENDAR_IMAP_URL", default="")
EMAIL_FILE_PATH = VAR_DIR / "mail"
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "core.mail_backends.EmlFileBackend"
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    # Django's, sending the outbox's stored messages with the envelope they were written with.
    EMAIL_BACKEND = "core.mail_backends.SmtpBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

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
# Retention of personal data per class (personal_data.services.retention; README "Personal
# data"). Where the daftar hadir's live copies wait for the archive retention of financial
# records (SPJ, Perka ANRI 6/2013: active and inactive years counted from the end of the
# budget year, 10 in total in the common schedules), RETENTION_FINANCIAL_RECORD_YEARS.
RETENTION = {
    "unconfirmed_registrations": timedelta(
        days=env.float("RETENTION_UNCONFIRMED_REGISTRATION_DAYS", default=7)
    ),
    "sign_in_codes": timedelta(hours=env.float("RETENTION_SIGN_IN_CODE_HOURS", default=24)),
    "email_bodies": timedelta(days=env.float("RETENTION_EMAIL_BODY_DAYS", default=30)),
    "scan_audit": timedelta(days=env.float("RETENTION_SCAN_AUDIT_DAYS", default=730)),
    "signatures_photos": timedelta(days=env.float("RETENTION_SIGNATURE_PHOTO_DAYS", default=730)),
    "phone_numbers": timedelta(days=env.float("RETENTION_PHONE_DAYS", default=90)),
    "online_report_drafts": timedelta(
        days=env.float("RETENTION_ONLINE_REPORT_DRAFT_DAYS", default=7)
    ),
    "access_log": timedelta(days=env.float("RETENTION_ACCESS_LOG_DAYS", default=730)),
    "inactive_members": timedelta(days=env.float("RETENTION_INACTIVE_MEMBER_DAYS", default=1095)),
    "financial_records": timedelta(
        days=365 * env.float("RETENTION_FINANCIAL_RECORD_YEARS", default=10)
    ),
}
# Minutes a "Data saya" link sent on request opens the person's data.
DATA_LINK_MINUTES = env.int("DATA_LINK_MINUTES", default=60)

# Work handed to Celery and not done this long after is handed over again by the sweeper
# (then after twice as long each time); work the broker refused is handed over at once.
OWED_GRACE = timedelta(seconds=env.int("OWED_GRACE_SECONDS", default=120))
# A message "sending" this long is taken for one whose worker died, and is sent again.
OUTBOX_STALE_AFTER = timedelta(seconds=env.int("OUTBOX_STALE_AFTER_SECONDS", default=300))
# Retries wait base × 2^attempts seconds (10 s, 20 s, 40 s…), at most an hour (under the Redis
# visibility timeout): a mail server back after a minute gets its mail within seconds, and the
# ten attempts span about an hour and a half.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=5)

# Electronic signatures of frozen documents (records/signing): a PKCS#12 file and its
# passphrase sign on this server with pyHanko; an RFC 3161 timestamp server makes them PAdES
# B-LTA. SIGNING_SERVICE "" freezes documents unsigned. See the README's "Signatures".
SIGNING_PKCS12 = env.str("SIGNING_PKCS12", default="")
SIGNING_PKCS12_PASSPHRASE = env.str("SIGNING_PKCS12_PASSPHRASE", default="")
SIGNING_SERVICE = env.str("SIGNING_SERVICE", default="pkcs12" if SIGNING_PKCS12 else "")
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
SIGNING_CRLS = env.list("SIGNING_CRLS", default=[])
SIGNING_FETCH_REVOCATION = env.bool("SIGNING_FETCH_REVOCATION", default=True)
SIGNING_REVOCATION_MODE = env.str("SIGNING_REVOCATION_MODE", default="hard-fail")
SIGNING_TIMEOUT = env.int("SIGNING_TIMEOUT", default=20)
# BSrE's esign client service (remote signing), shipped disabled: SIGNING_SERVICE=bsre.
SIGNING_BSRE_URL = env.str("SIGNING_BSRE_URL", default="")
SIGNING_BSRE_USER = env.str("SIGNING_BSRE_USER", default="")
SIGNING_BSRE_PASSWORD = env.str("SIGNING_BSRE_PASSWORD", default="")
SIGNING_BSRE_NIK = env.str("SIGNING_BSRE_NIK", default="")
SIGNING_BSRE_PASSPHRASE = env.str("SIGNING_BSRE_PASSPHRASE", default="")

# HTTPS: production runs behind TLS; these are what `check --deploy` asks for.
HTTPS = env.bool("HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# The preload directive only matters once the domain is submitted to the browsers' list (which
# takes registrable domains, not a host like rakor.example.go.id); set false to leave it out.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts and connections
# from Rakor itself only, never 'unsafe-inline' (no inline <script>, on…= handler, <style> or
# style=""; templates declare behaviour with data attributes for static/js/). The check-in
# scanner's barcode reader is WebAssembly ('wasm-unsafe-eval' allows compiling it, not eval).
# Bootstrap's CSS draws some icons as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, "'wasm-unsafe-eval'"],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# Every handler redacts the secrets of addresses (core/logs.py). Django's own handlers are
# replaced: its "django" logger writes through the root's console (once, DEBUG or not), and the
# development server's request lines keep their format.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "core.logs.RedactSecrets"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # WeasyPrint and fontTools narrate every step of every PDF at INFO.
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
    },
}
