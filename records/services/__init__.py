"""Every write that matters about official records, one function per use case.

freezing.py: freezing a document (render once, sign, store with version and hash; a correction
supersedes the version before) and finding the current version;
audit.py: the audit trail of changes to records (record_change, called by every service that
changes a record, inside its transaction);
bundles.py: the SPJ bundle asked for from the meeting page, built by Celery, expiring.

The interface other apps code against (RECORDS_CONTRACT.md): Stamp, Rendered,
freeze_document, latest_frozen, record_change.
"""

from .audit import record_change
from .bundles import build_bundle, record_download, request_bundle, sweep_bundles
from .freezing import (
    NotAPdf,
    ReasonRequired,
    RecordsError,
    Rendered,
    Stamp,
    freeze_document,
    latest_frozen,
)

__all__ = [
    "NotAPdf",
    "ReasonRequired",
    "RecordsError",
    "Rendered",
    "Stamp",
    "build_bundle",
    "freeze_document",
    "latest_frozen",
    "record_change",
    "record_download",
    "request_bundle",
    "sweep_bundles",
]
