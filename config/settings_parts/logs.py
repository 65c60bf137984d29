"""Logging: every handler redacts the secrets of addresses."""

from config.settings_parts.environment import env

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
