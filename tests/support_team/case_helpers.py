"""A case at school A with the people who work on it: shared by the case tests."""

from types import SimpleNamespace

from schoolwell.models import Discipline, Role
from support_team.services.cases import case_open_or_join
from tests.factories import enrolled_student, member


def case_world(school) -> SimpleNamespace:
    """A case led by a social worker, the rest of a school team, a teacher and the school's
    safeguarding lead."""
    people = SimpleNamespace(
        lead=member(Role.SUPPORT, school=school, discipline=Discipline.SOCIAL_WORKER),
        social_worker=member(Role.SUPPORT, school=school, discipline=Discipline.SOCIAL_WORKER),
        nurse=member(Role.SUPPORT, school=school, discipline=Discipline.NURSE),
        counselor=member(Role.SUPPORT, school=school, discipline=Discipline.COUNSELOR),
        psychologist=member(Role.SUPPORT, school=school, discipline=Discipline.PSYCHOLOGIST),
        team_admin=member(Role.SUPPORT, school=school, discipline=Discipline.ADMINISTRATOR),
        safeguarding_lead=member(Role.SAFEGUARDING_LEAD, school=school),
        teacher=member(Role.TEACHER, school=school),
    )
    people.student = enrolled_student(school)
    people.case, _created = case_open_or_join(school=school, student=people.student, by=people.lead)
    return people
