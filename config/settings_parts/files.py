"""Files: where uploads, documents, records and exports are kept, and how large a request or
an upload may be."""

from config.settings_parts.environment import VAR_DIR, env

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

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ROSTER_MAX_BYTES = env.int("ROSTER_MAX_BYTES", default=5 * 1024 * 1024)
# The largest request body Rakor reads (core.http.RequestTooLargeMiddleware): twice its
# largest upload, so that a file a little too large still gets its form's own message, and
# anything larger is refused before it is read.
REQUEST_MAX_BYTES = 2 * max(DOCUMENT_MAX_BYTES, ROSTER_MAX_BYTES, DATA_UPLOAD_MAX_MEMORY_SIZE)
