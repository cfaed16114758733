"""Writes of cases, split by sub-domain: the case itself (core), its plan (plan) and what is
written down on it (records). Every change locks the case row, keeps its history, bumps the
case version and lands on the student's chronology."""

from support_team.services.cases.core import (
    case_close,
    case_member_add,
    case_member_remove,
    case_open_or_join,
    case_reopen,
    case_update,
)
from support_team.services.cases.plan import (
    goal_add,
    goal_update,
    intervention_add,
    intervention_update,
)
from support_team.services.cases.records import (
    MeetingAction,
    follow_up_add,
    follow_up_cancel,
    follow_up_complete,
    meeting_record,
    note_add,
)

__all__ = [
    "MeetingAction",
    "case_close",
    "case_member_add",
    "case_member_remove",
    "case_open_or_join",
    "case_reopen",
    "case_update",
    "follow_up_add",
    "follow_up_cancel",
    "follow_up_complete",
    "goal_add",
    "goal_update",
    "intervention_add",
    "intervention_update",
    "meeting_record",
    "note_add",
]
