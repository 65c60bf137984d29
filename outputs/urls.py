from django.urls import path

from .views import actions, decisions, documents, exports, minutes, reports, tracker

app_name = "outputs"
urlpatterns: list = []

# Follow-up actions: the organizers' page per meeting, the tracker across meetings, and the
# responsible person's progress link (outputs/views/actions.py, outputs/views/tracker.py).
urlpatterns += [
    path("meetings/<int:pk>/actions/", actions.meeting_actions, name="meeting_actions"),
    path("meetings/<int:pk>/actions/carry/", actions.actions_carry, name="actions_carry"),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/edit/",
        actions.action_edit,
        name="action_edit",
    ),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/cancel/",
        actions.action_cancel,
        name="action_cancel",
    ),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/send-link/",
        actions.action_send_link,
        name="action_send_link",
    ),
    path(
        "meetings/<int:pk>/actions/<int:action_pk>/progress/",
        actions.action_record_progress,
        name="action_record_progress",
    ),
    path("actions/", tracker.tracker, name="action_tracker"),
    path(
        "actions/export.<str:file_format>",
        tracker.tracker_export,
        name="action_tracker_export",
    ),
    path("actions/p/<str:secret>/", actions.action_progress, name="action_progress"),
]

# The minutes and the activity report as files, for organizers (outputs/views/exports.py).
urlpatterns += [
    path("meetings/<int:pk>/minutes.pdf", exports.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/minutes.docx", exports.minutes_docx, name="minutes_docx"),
    path("meetings/<int:pk>/report.pdf", exports.report_pdf, name="report_pdf"),
]

# Minutes: the editor, review, approval, distribution (outputs/views/minutes.py); decisions
# inline on the editor and searched across meetings (outputs/views/decisions.py).
urlpatterns += [
    path("meetings/<int:pk>/minutes/", minutes.minutes_editor, name="minutes"),
    path("meetings/<int:pk>/minutes/start/", minutes.minutes_start, name="minutes_start"),
    path("meetings/<int:pk>/minutes/save/", minutes.minutes_save, name="minutes_save"),
    path("meetings/<int:pk>/minutes/preview/", minutes.minutes_preview, name="minutes_preview"),
    path("meetings/<int:pk>/minutes/review/", minutes.minutes_review, name="minutes_review"),
    path("meetings/<int:pk>/minutes/approve/", minutes.minutes_approve, name="minutes_approve"),
    path("meetings/<int:pk>/minutes/correct/", minutes.minutes_correct, name="minutes_correct"),
    path(
        "meetings/<int:pk>/minutes/distribute/",
        minutes.minutes_distribute,
        name="minutes_distribute",
    ),
    path(
        "meetings/<int:pk>/minutes/revisions/",
        minutes.minutes_revisions,
        name="minutes_revisions",
    ),
    path("meetings/<int:pk>/minutes/diff/", minutes.minutes_diff, name="minutes_diff"),
    path("review/<str:secret>/", minutes.review, name="review"),
    path("meetings/<int:pk>/decisions/add/", decisions.decision_add, name="decision_add"),
    path(
        "meetings/<int:pk>/decisions/<int:decision_pk>/edit/",
        decisions.decision_edit,
        name="decision_edit",
    ),
    path(
        "meetings/<int:pk>/decisions/<int:decision_pk>/delete/",
        decisions.decision_delete,
        name="decision_delete",
    ),
    path("decisions/", decisions.decision_search, name="decision_search"),
]

# Documents: upload by organizers and speakers, downloads checked per person
# (outputs/views/documents.py).
urlpatterns += [
    path("meetings/<int:pk>/documents/", documents.meeting_documents, name="meeting_documents"),
    path("documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path("documents/<int:pk>/delete/", documents.document_delete, name="document_delete"),
    path(
        "a/<str:secret>/documents/<int:pk>/",
        documents.answer_document_download,
        name="answer_document_download",
    ),
]

# The laporan kegiatan: narrative, finalising, its versions (outputs/views/reports.py).
urlpatterns += [
    path("meetings/<int:pk>/report/", reports.report, name="report"),
    path("meetings/<int:pk>/report/final/", reports.report_finalise, name="report_finalise"),
]
