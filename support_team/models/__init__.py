"""The hub's records, split by sub-domain: intake (the front door and the chronology) and
cases (plans, notes, meetings, follow-ups)."""

from support_team.models.cases import Case, CaseMember, FollowUp, Goal, Intervention, Meeting, Note
from support_team.models.digest import DigestSent
from support_team.models.intake import CloseReason, Intake, StatusSeen, TimelineEntry

__all__ = [
    "Case",
    "CaseMember",
    "CloseReason",
    "DigestSent",
    "FollowUp",
    "Goal",
    "Intake",
    "Intervention",
    "Meeting",
    "Note",
    "StatusSeen",
    "TimelineEntry",
]
