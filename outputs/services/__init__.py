"""Every write that matters about a meeting's outputs, one function per use case.

actions.py: follow-up actions (action_rules.py: their statuses, errors and dates;
action_links.py: their progress links; action_carry.py: carrying them into a follow-up meeting);
action_reminders.py: the reminders before and after an action's due date, from Celery beat;
minutes.py: writing the minutes and their revisions; minutes_review.py: review links and
comments; minutes_approval.py: approval and correction; minutes_rules.py: who may, in which
state, and the errors;
distribution.py: sending approved minutes with their PDF, from a Celery task after the request;
decisions.py: the decisions of a meeting, numbered per meeting;
documents.py: materials, photos and other files of a meeting, and which of them a person sees.
"""

from .action_carry import carry_open_actions, carry_targets
from .action_links import action_for_secret, progress_url, send_progress_link
from .action_reminders import send_action_reminders
from .action_rules import (
    ActionClosed,
    ActionError,
    ActionInvalid,
    CarryRefused,
    StatusChangeRefused,
    is_overdue,
)
from .actions import add_action, cancel_action, record_progress, update_action
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
from .minutes import minutes_content, save_minutes, start_minutes
from .minutes_approval import approve_minutes, start_correction
from .minutes_review import add_review_comment, review_link_for_secret, review_url, send_for_review
from .minutes_rules import (
    MinutesError,
    MinutesInvalid,
    MinutesLocked,
    MinutesNotAllowed,
    MinutesStateError,
    ReviewClosed,
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
