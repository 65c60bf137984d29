"""Every write that matters about a meeting's outputs, one function per use case.

actions.py: follow-up actions, their progress links and carrying them into a follow-up meeting;
action_reminders.py: the reminders before and after an action's due date, from Celery beat;
minutes.py: the minutes: writing, revisions, review links, approval, correction;
distribution.py: sending approved minutes with their PDF, from a Celery task after the request;
decisions.py: the decisions of a meeting, numbered per meeting;
documents.py: materials, photos and other files of a meeting, and which of them a person sees.
"""

from .action_reminders import send_action_reminders
from .actions import (
    ActionClosed,
    ActionError,
    ActionInvalid,
    CarryRefused,
    StatusChangeRefused,
    action_for_secret,
    add_action,
    cancel_action,
    carry_open_actions,
    carry_targets,
    is_overdue,
    progress_url,
    record_progress,
    send_progress_link,
    update_action,
)
from .decisions import add_decision, delete_decision, update_decision
from .distribution import (
    DISTRIBUTION_BATCH_SIZE,
    MinutesPdfFailed,
    distribute_minutes,
    distribution_member_ids,
    write_distribution,
)
from .documents import (
    DocumentRefused,
    delete_document,
    documents_for,
    max_document_bytes,
    upload_document,
)
from .minutes import (
    MinutesError,
    MinutesInvalid,
    MinutesLocked,
    MinutesNotAllowed,
    MinutesStateError,
    ReviewClosed,
    add_review_comment,
    approve_minutes,
    can_approve_minutes,
    can_write_minutes,
    minutes_content,
    review_link_for_secret,
    review_url,
    save_minutes,
    send_for_review,
    start_correction,
    start_minutes,
)

__all__ = [
    "DISTRIBUTION_BATCH_SIZE",
    "ActionClosed",
    "ActionError",
    "ActionInvalid",
    "CarryRefused",
    "DocumentRefused",
    "MinutesError",
    "MinutesInvalid",
    "MinutesLocked",
    "MinutesNotAllowed",
    "MinutesPdfFailed",
    "MinutesStateError",
    "ReviewClosed",
    "StatusChangeRefused",
    "action_for_secret",
    "add_action",
    "add_decision",
    "add_review_comment",
    "approve_minutes",
    "can_approve_minutes",
    "can_write_minutes",
    "cancel_action",
    "carry_open_actions",
    "carry_targets",
    "delete_decision",
    "delete_document",
    "distribute_minutes",
    "distribution_member_ids",
    "documents_for",
    "is_overdue",
    "max_document_bytes",
    "minutes_content",
    "progress_url",
    "record_progress",
    "review_link_for_secret",
    "review_url",
    "save_minutes",
    "send_action_reminders",
    "send_for_review",
    "send_progress_link",
    "start_correction",
    "start_minutes",
    "update_action",
    "update_decision",
    "upload_document",
    "write_distribution",
]
