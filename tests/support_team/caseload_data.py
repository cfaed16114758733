"""Building blocks for the caseload, digest and escalation tests: cases, follow-ups, plans and
claimed intakes made straight through the models, so these tests depend only on the fields
the caseload reads."""

import datetime

from django.utils import timezone

from support_team.models import Case, CaseMember, FollowUp, Goal, Intake, Intervention
from support_team.services import intake_claim, intake_open
from tests.factories import enrolled_student

# A Wednesday: "this week" runs to Sunday 18 January.
TODAY = datetime.date(2026, 1, 14)
# 09:00 in the project's time zone (America/Chicago).
NOW = datetime.datetime(2026, 1, 14, 15, 0, tzinfo=datetime.UTC)


def open_case(school, lead, *, tier=Case.Tier.UNIVERSAL, members=(), student=None, **student_kw):
    student = student or enrolled_student(school, **student_kw)
    case = Case.objects.create(
        school=school, student=student, lead=lead, tier=tier, opened_at=timezone.now()
    )
    for person in {lead, *members}:
        CaseMember.objects.create(case=case, user=person)
    return case


def follow_up(case, assignee, due_on, *, done=False, title="Call home"):
    return FollowUp.objects.create(
        case=case,
        assignee=assignee,
        due_on=due_on,
        title=title,
        done_at=timezone.now() if done else None,
    )


def intervention(case, owner, review_date, *, status=Intervention.Status.ACTIVE):
    goal = Goal.objects.create(case=case, description="Attend every day")
    return Intervention.objects.create(
        goal=goal,
        kind=Intervention.Kind.CHECK_IN,
        owner=owner,
        start_date=review_date - datetime.timedelta(days=30),
        frequency=Intervention.Frequency.WEEKLY,
        review_date=review_date,
        status=status,
    )


def claimed_intake(school, user, *, student=None, urgency=Intake.Urgency.NORMAL, **student_kw):
    student = student or enrolled_student(school, **student_kw)
    intake = intake_open(
        school=school, student=student, source="staff_note", summary="x", urgency=urgency
    )
    return intake_claim(intake=intake, by=user)
