"""A case with one note at each confidentiality level, and the readers who sit at each level:
shared by the tests that follow a note's body to every place it can surface
(tests/support_team/test_note_levels_everywhere.py, tests/transfers/test_note_levels.py).

Every body carries a sentinel and one ordinary word (SEARCH_WORD) a search could match. The
notes are written by the school's safeguarding lead, who reads every level anyway, so "an
author reads what they wrote" never lets a reader under test see more than their level."""

from types import SimpleNamespace

from schoolwell.models import Discipline, Role
from support_team.models import Note
from support_team.services.cases import case_open_or_join, note_add
from tests.factories import enrolled_student, member

SEARCH_WORD = "marmalade"
BODIES = {
    Note.Level.TEAM: f"NOTE-SENTINEL-TEAM-4kq9 said {SEARCH_WORD} at breakfast",
    Note.Level.HEALTH: f"NOTE-SENTINEL-HEALTH-4kq9 inhaler and {SEARCH_WORD}",
    Note.Level.LEAD: f"NOTE-SENTINEL-LEAD-4kq9 disclosure about {SEARCH_WORD}",
}
MARK = "NOTE-SENTINEL"  # in every body, in nothing else
PLACEHOLDER = {
    Note.Level.HEALTH: "A health-only note, not shown at your level.",
    Note.Level.LEAD: "A lead-only note, not shown at your level.",
}
# Who reads which level. "lead" is the school's safeguarding lead; "case_lead" is a social
# worker leading the case (only at the sending school: a packet has no case at the other end).
CAN_READ = {
    "social_worker": {"team"},
    "nurse": {"team", "health"},
    "case_lead": {"team", "lead"},
    "lead": {"team", "health", "lead"},
}
SCHOOL_READERS = ("social_worker", "nurse", "lead")
CASE_READERS = (*SCHOOL_READERS, "case_lead")


def school_team(school) -> SimpleNamespace:
    """A social worker (team level), a nurse (health-only) and the safeguarding lead."""
    return SimpleNamespace(
        social_worker=member(Role.SUPPORT, school=school, discipline=Discipline.SOCIAL_WORKER),
        nurse=member(Role.SUPPORT, school=school, discipline=Discipline.NURSE),
        lead=member(Role.SAFEGUARDING_LEAD, school=school),
    )


def note_world(school, **student_kwargs) -> SimpleNamespace:
    """The school's readers, a student with a case led by `case_lead`, one note per level."""
    w = school_team(school)
    w.school = school
    w.case_lead = member(Role.SUPPORT, school=school, discipline=Discipline.SOCIAL_WORKER)
    w.student = enrolled_student(school, **student_kwargs)
    w.case, _created = case_open_or_join(school=school, student=w.student, by=w.case_lead)
    w.notes = {
        level: note_add(case=w.case, by=w.lead, level=level, body=body)
        for level, body in BODIES.items()
    }
    return w


def assert_shown_at_level(text: str, readable: set[str], *, placeholders: bool = True) -> None:
    """Each body is in `text` exactly when its level is readable; a body left out is
    replaced by its placeholder (the reader learns a note exists, nothing of what it says)."""
    for level, body in BODIES.items():
        assert (body in text) is (level in readable), (level, readable)
        if placeholders and level in PLACEHOLDER:
            assert (PLACEHOLDER[level] in text) is (level not in readable), (level, readable)
    if not readable:
        assert MARK not in text
