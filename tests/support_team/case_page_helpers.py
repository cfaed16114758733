"""The case page's test helpers: its URLs, and a case filled with `size` of everything the
page shows (tests/support_team/test_case_page*.py, tests/e2e/test_case_errors.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from schoolwell.models import Category
from support_team.models import Intake, Intervention, Note
from support_team.services import intake_open
from support_team.services.cases import (
    MeetingAction,
    case_member_add,
    case_update,
    follow_up_add,
    goal_add,
    intervention_add,
    meeting_record,
    note_add,
)

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def url(name, *args):
    return reverse(f"support_team:{name}", args=args)


def fill(w, case, *, size: int) -> None:
    """A case with `size` of everything the page shows."""
    people = [w.lead, w.nurse, w.counselor, w.psychologist, w.team_admin][: max(1, size)]
    for person in people[1:]:
        case_member_add(case=case, user=person, by=w.lead)
    case_update(case=case, by=w.lead, needs=Category.objects.all()[:size])
    for g in range(size):
        goal = goal_add(case=case, by=w.lead, description=f"Goal {g}")
        for i in range(size):
            intervention_add(
                goal=goal,
                by=w.lead,
                kind=Intervention.Kind.MENTORING,
                owner=people[i % len(people)],
                start_date=TODAY,
                frequency=Intervention.Frequency.WEEKLY,
                review_date=TODAY + DAY,
            )
    for n in range(size):
        note_add(case=case, by=w.lead, level=Note.Level.TEAM, body=f"Team note {n}")
        note_add(case=case, by=w.nurse, level=Note.Level.HEALTH, body=f"Health note {n}")
        note_add(case=case, by=w.lead, level=Note.Level.LEAD, body=f"Lead note {n}", goal=goal)
        meeting_record(
            case=case,
            by=w.lead,
            held_on=TODAY,
            attendees=people,
            summary=f"Meeting {n}",
            actions=[MeetingAction(f"Action {n}", w.nurse, TODAY + DAY)],
        )
        follow_up_add(case=case, by=w.lead, title=f"Call {n}", assignee=w.lead, due_on=TODAY - DAY)
        intake = intake_open(
            school=case.school, student=case.student, source="staff_note", summary=f"Item {n}"
        )
        Intake.objects.filter(pk=intake.pk).update(case=case)
