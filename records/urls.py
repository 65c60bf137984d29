from django.urls import path

from .views import audit, bundles, documents, verify

app_name = "records"
urlpatterns: list = []

# The public verification page printed on every frozen document (records/views/verify.py).
urlpatterns += [
    path("v/<str:code>", verify.verify, name="verify"),
]

# A meeting's official records, for its organizers (records/views/documents.py, audit.py).
urlpatterns += [
    path("meetings/<int:pk>/records/", documents.meeting_records, name="meeting_records"),
    path(
        "meetings/<int:pk>/records/<int:document_pk>.<str:file_format>",
        documents.document_download,
        name="document_download",
    ),
    path("meetings/<int:pk>/records/audit/", audit.meeting_audit, name="meeting_audit"),
]

# The SPJ bundle (records/views/bundles.py).
urlpatterns += [
    path("meetings/<int:pk>/records/spj/", bundles.bundle_request, name="bundle_request"),
    path("meetings/<int:pk>/records/spj/list/", bundles.bundle_list, name="bundle_list"),
    path(
        "meetings/<int:pk>/records/spj/<int:bundle_pk>.zip",
        bundles.bundle_download,
        name="bundle_download",
    ),
]
