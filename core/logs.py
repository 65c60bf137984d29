"""No secret in any log Rakor writes.

A secret link is a password in an address: Django's `django.request` warnings ("Not Found:
/a/<secret>/"), the development server's request lines and gunicorn's access log (its request
line and Referer) would print working answer, operator, review, feed and progress links. The
filter below rewrites every record's message before a handler writes it: in any address it
finds, the path segment a URL pattern names `secret`, `code`, `token` or `key` (every secret
link, the venue and registration codes, the roster preview, allauth's reset keys) becomes
REDACTED. The secret routes are read from the URL patterns, so a new link kind is covered by
naming its parameter so. Settings' LOGGING puts it on Django's handlers; gunicorn.conf.py makes
gunicorn use GunicornLogger, which puts it on gunicorn's.
"""

import logging
import re
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.urls import URLResolver, get_resolver
from gunicorn.glogging import Logger

SECRET_PARAMETERS = ("secret", "code", "token", "key")
REDACTED = "REDACTED"
# Where a path segment ends: a slash, a query or fragment, or whatever cannot be in a path.
_SEGMENT = r"[^/?#\s\"'<>]+"
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>")


def _route_regexes(resolver: URLResolver, prefix: str = ""):
    """The regex of every route, its includes' prefixes joined in, without anchors."""
    for entry in resolver.url_patterns:
        regex = entry.pattern.regex.pattern.removeprefix("^")
        regex = regex.removesuffix(r"\Z").removesuffix("$")
        if isinstance(entry, URLResolver):
            yield from _route_regexes(entry, prefix + regex)
        else:
            yield prefix + regex


@lru_cache(maxsize=4)
def _secret_segments(urlconf: str) -> re.Pattern | None:
    """One regex matching, in any text, the part of an address up to a secret parameter
    (group `before`) and the rest of that path segment (group `secret`)."""
    prefixes = set()
    for regex in _route_regexes(get_resolver(urlconf)):
        starts = [m for m in _NAMED_GROUP.finditer(regex) if m[1] in SECRET_PARAMETERS]
        if starts:
            # Everything before the first secret; other named groups become plain ones.
            prefixes.add(_NAMED_GROUP.sub("(?:", regex[: starts[0].start()]))
    if not prefixes:
        return None
    alternatives = "|".join(sorted(prefixes, key=len, reverse=True))
    return re.compile(f"(?P<before>/(?:{alternatives}))(?P<secret>{_SEGMENT})")


def redact(text: str) -> str:
    """`text` with the secret segment of every address in it replaced by REDACTED."""
    if "/" not in text or not apps.ready:  # no address, or no URL patterns to read yet
        return text
    pattern = _secret_segments(settings.ROOT_URLCONF)
    return text if pattern is None else pattern.sub(_keep_before, text)


def _keep_before(match: re.Match) -> str:
    # A function, not a template: re expands a template at every call, several times slower.
    return match["before"] + REDACTED


class RedactSecrets(logging.Filter):
    """Rewrites a record's message, and its traceback, with redact(); drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: the handler reports it as it always does
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class GunicornLogger(Logger):
    """gunicorn's logger with RedactSecrets on its error and access logs' handlers: the
    access log's request line and Referer carry full addresses."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.addFilter(RedactSecrets())
