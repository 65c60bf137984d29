from django.urls import path

app_name = "outputs"
urlpatterns: list = []

# Follow-up actions: the organizers' page per meeting, the tracker across meetings, and the
# responsible person's progress link (outputs/action_views.py, outputs/tracker_views.py).
from . import action_views, tracker_views  # noqa: E402

urlpatterns += [
    path("meetings/<int:pk>/actions/", action_views.meeting_actions, name="meeting_actions"),
    path("meetings/<int:pk>/actions/carry/", action_views.actions_carry, name="actions_carry"),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/edit/",
        action_views.action_edit,
        name="action_edit",
    ),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/cancel/",
        action_views.action_cancel,
        name="action_cancel",
    ),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/send-link/",
        action_views.action_send_link,
        name="action_send_link",
    ),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/progress/",
        action_views.action_record_progress,
        name="action_record_progress",
    ),
    path("actions/", tracker_views.tracker, name="action_tracker"),
    path(
        "actions/export.<str:file_format>",
        tracker_views.tracker_export,
        name="action_tracker_export",
    ),
    path("actions/p/<str:secret>/", action_views.action_progress, name="action_progress"),
]

# The minutes and the activity report as files, for organizers (outputs/export_views.py).
from . import export_views  # noqa: E402

urlpatterns += [
    path("meetings/<int:pk>/minutes.pdf", export_views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/minutes.docx", export_views.minutes_docx, name="minutes_docx"),
    path("meetings/<int:pk>/report.pdf", export_views.report_pdf, name="report_pdf"),
]

# Minutes: the editor, review, approval, distribution (outputs/minutes_views.py); decisions
# inline on the editor and searched across meetings (outputs/decision_views.py).
from . import decision_views, minutes_views  # noqa: E402

urlpatterns += [
    path("meetings/<int:pk>/minutes/", minutes_views.minutes_editor, name="minutes"),
    path("meetings/<int:pk>/minutes/start/", minutes_views.minutes_start, name="minutes_start"),
    path("meetings/<int:pk>/minutes/save/", minutes_views.minutes_save, name="minutes_save"),
    path(
        "meetings/<int:pk>/minutes/preview/", minutes_views.minutes_preview, name="minutes_preview"
    ),
    path("meetings/<int:pk>/minutes/review/", minutes_views.minutes_review, name="minutes_review"),
    path(
        "meetings/<int:pk>/minutes/approve/", minutes_views.minutes_approve, name="minutes_approve"
    ),
    path(
        "meetings/<int:pk>/minutes/correct/", minutes_views.minutes_correct, name="minutes_correct"
    ),
    path(
        "meetings/<int:pk>/minutes/distribute/",
        minutes_views.minutes_distribute,
        name="minutes_distribute",
    ),
    path(
        "meetings/<int:pk>/minutes/revisions/",
        minutes_views.minutes_revisions,
        name="minutes_revisions",
    ),
    path("meetings/<int:pk>/minutes/diff/", minutes_views.minutes_diff, name="minutes_diff"),
    path("review/<str:secret>/", minutes_views.review, name="review"),
    path("meetings/<int:pk>/decisions/add/", decision_views.decision_add, name="decision_add"),
    path(
        "meetings/<int:pk>/decisions/<int:decision_pk>/edit/",
        decision_views.decision_edit,
        name="decision_edit",
    ),
    path(
        "meetings/<int:pk>/decisions/<int:decision_pk>/delete/",
        decision_views.decision_delete,
        name="decision_delete",
    ),
    path("decisions/", decision_views.decision_search, name="decision_search"),
]

# Documents: upload by organizers and speakers, downloads checked per person
# (outputs/document_views.py).
from . import document_views  # noqa: E402

urlpatterns += [
    path(
        "meetings/<int:pk>/documents/", document_views.meeting_documents, name="meeting_documents"
    ),
    path(
        "documents/<int:pk>/download/", document_views.document_download, name="document_download"
    ),
    path("documents/<int:pk>/delete/", document_views.document_delete, name="document_delete"),
    path(
        "a/<str:secret>/documents/<int:pk>/",
        document_views.answer_document_download,
        name="answer_document_download",
    ),
]

# The laporan kegiatan: narrative, finalising, its versions (outputs/report_views.py).
from . import report_views  # noqa: E402

urlpatterns += [
    path("meetings/<int:pk>/report/", report_views.report, name="report"),
    path("meetings/<int:pk>/report/final/", report_views.report_finalise, name="report_finalise"),
]
