"""The roles of the role matrix (tests/test_role_matrix.py, tests/test_role_matrix_writes.py),
the groups of them a page is for, a user of each role, and a page's expectation per role."""

from schoolwell.models import Discipline, Role
from tests.factories import enrolled_student, member

ROLES = (
    "anonymous",
    "student",
    "teacher",
    "social_worker",
    "counselor",
    "psychologist",
    "nurse",
    "team_administrator",
    "safeguarding_lead",
    "school_admin",
    "partner",
    "district_analyst",
    "district_admin",
)
CONCERN = {"teacher"} | {
    "social_worker",
    "counselor",
    "psychologist",
    "nurse",
    "team_administrator",
    "safeguarding_lead",
}
TEAM = {
    "social_worker",
    "counselor",
    "psychologist",
    "nurse",
    "team_administrator",
    "safeguarding_lead",
}
ROSTER = {"school_admin", "district_admin"}
LEGACY_IMPORT = {"safeguarding_lead", "school_admin", "district_admin"}
TRENDS = {"district_analyst", "district_admin", "safeguarding_lead", "school_admin"}
LOGIN = "login"  # a redirect to the sign-in page


def make_user(role: str, school, *, mfa: bool = True):
    disciplines = {
        "social_worker": Discipline.SOCIAL_WORKER,
        "counselor": Discipline.COUNSELOR,
        "psychologist": Discipline.PSYCHOLOGIST,
        "nurse": Discipline.NURSE,
        "team_administrator": Discipline.ADMINISTRATOR,
    }
    if role == "anonymous":
        return None
    if role in disciplines:
        return member(Role.SUPPORT, school=school, discipline=disciplines[role], mfa=mfa)
    if role == "student":
        user = member(Role.STUDENT, school=school)
        enrolled_student(school, user=user)
        return user
    user = member(role, school=school, mfa=mfa)
    if role == "partner":
        # Community links: the partner answers for the context's partner organisation.
        from community_links.models import Organization, PartnerStaff

        for org in Organization.objects.filter(name=PARTNER_ORG):
            PartnerStaff.objects.create(user=user, organization=org)
    return user


PARTNER_ORG = "Role matrix food bank"


def expect(allowed: set[str], *, ok: int = 200, other: int = 403) -> dict[str, object]:
    return {
        role: LOGIN if role == "anonymous" else (ok if role in allowed else other) for role in ROLES
    }


def home_expectation() -> dict[str, object]:
    result = expect(set(ROLES) - {"anonymous"})
    for role in TEAM | ROSTER | {"teacher", "student", "partner"}:
        result[role] = 302
    return result
