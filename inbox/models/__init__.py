"""The inbox's models, by stage: posts (and what brought them), triage, and the work on a post."""

from .digest import DigestSent
from .posts import Author, CsvImport, Person, Post, WebhookDelivery, YouTubePollState
from .reports import (
    DailyRollup,
    FeedbackRollup,
    MonthlyFeedbackRollup,
    MonthlyRollup,
    MonthlyTermRollup,
    OwnContentRollup,
    RollupDay,
    TermRollup,
)
from .triage import TriageDecision, TriageLabel, TriageModel
from .work import Activity, Forward, InboxSettings, Note, OutboxMessage, ReplyApproval, SavedReply

__all__ = [
    "Activity",
    "Author",
    "CsvImport",
    "DailyRollup",
    "DigestSent",
    "FeedbackRollup",
    "Forward",
    "InboxSettings",
    "MonthlyFeedbackRollup",
    "MonthlyRollup",
    "MonthlyTermRollup",
    "Note",
    "OutboxMessage",
    "OwnContentRollup",
    "Person",
    "Post",
    "ReplyApproval",
    "RollupDay",
    "SavedReply",
    "TermRollup",
    "TriageDecision",
    "TriageLabel",
    "TriageModel",
    "WebhookDelivery",
    "YouTubePollState",
]
