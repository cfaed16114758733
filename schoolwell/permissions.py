"""THE access module. Every decision about who may see or do what is made here, by role,
school and (later) confidentiality level; views, consumers and selectors ask, never decide.

- predicates answer "may this user use this kind of page at all?" (a no is a 403);
- scoped querysets return only the rows in the user's scope;
- accessors fetch one object for this user and raise Http404 outside their scope, so "not
  found" and "not yours" look the same and ids cannot be probed.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from schoolwell.models import Discipline, Enrollment, Membership, Role, School, Student

if TYPE_CHECKING:
    from schoolwell.models import User

STAFF_ROLES = frozenset(Role) - {Role.STUDENT}
TEAM_ROLES = frozenset({Role.SUPPORT, Role.SAFEGUARDING_LEAD})
CONCERN_ROLES = frozenset({Role.TEACHER, Role.SUPPORT, Role.SAFEGUARDING_LEAD})
ROSTER_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN})
LEGACY_IMPORT_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.SAFEGUARDING_LEAD, Role.DISTRICT_ADMIN})
# Who may read a health-only case note, besides the safeguarding lead.
HEALTH_DISCIPLINES = frozenset({Discipline.NURSE, Discipline.PSYCHOLOGIST, Discipline.COUNSELOR})


# --- who the user is ------------------------------------------------------------------------


def memberships(user: "User") -> list[Membership]:
    """The user's active memberships, read once per request and cached on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_schoolwell_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, active=True).select_related("school", "district")
        )
        user._schoolwell_memberships = cached
    return cached


def roles(user: "User") -> set[str]:
    return {m.role for m in memberships(user)}


def has_role(user: "User", allowed: Iterable[str]) -> bool:
    return bool(roles(user) & set(allowed))


def is_staff_member(user: "User") -> bool:
    """Staff are everyone who is not only a student, plus Django/Wagtail admin users."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.is_superuser or has_role(user, STAFF_ROLES)


def requires_mfa(user: "User") -> bool:
    return is_staff_member(user)


def school_ids(user: "User", allowed: Iterable[str]) -> set[int]:
    """Schools where the user holds one of the allowed roles; district roles cover every
    school of their district."""
    allowed = set(allowed)
    ids: set[int] = set()
    district_ids = set()
    for m in memberships(user):
        if m.role not in allowed:
            continue
        if m.school_id:
            ids.add(m.school_id)
        elif m.district_id:
            district_ids.add(m.district_id)
    if district_ids:
        ids |= set(School.objects.filter(district_id__in=district_ids).values_list("id", flat=True))
    return ids


# --- predicates (route level) ---------------------------------------------------------------


def is_student(user: "User") -> bool:
    return has_role(user, {Role.STUDENT})


def student_record(user: "User") -> Student | None:
    """The Student a student account belongs to (their own record, nobody else's)."""
    if not is_student(user):
        return None
    return Student.objects.filter(user=user, active=True).first()


def can_self_report(user: "User") -> bool:
    return is_student(user)


def can_log_concern(user: "User") -> bool:
    return has_role(user, CONCERN_ROLES)


def can_use_queue(user: "User") -> bool:
    return has_role(user, TEAM_ROLES)


def queue_school_ids(user: "User") -> set[int]:
    """The schools whose live queue this user may listen to: team roles, signed in with
    their second step set up (the socket is a staff page like any other)."""
    from allauth.mfa.utils import is_mfa_enabled

    if not getattr(user, "is_authenticated", False) or not can_use_queue(user):
        return set()
    if requires_mfa(user) and not is_mfa_enabled(user):
        return set()
    return school_ids(user, TEAM_ROLES)


def is_safeguarding_lead_at(user: "User", school_id: int) -> bool:
    return school_id in school_ids(user, {Role.SAFEGUARDING_LEAD})


def disciplines_at(user: "User", school_id: int) -> set[str]:
    return {m.discipline for m in memberships(user) if m.school_id == school_id and m.discipline}


def note_levels(user: "User", case) -> set[str]:
    """The confidentiality levels of this case's notes the user may read (and write):
    team notes for the school's team; health-only for nurses, psychologists and counselors;
    lead-only for the case lead. The safeguarding lead sees everything at their school."""
    Note = apps.get_model("support_team", "Note")
    if not is_team_at(user, case.school_id):
        return set()
    levels = {Note.Level.TEAM}
    lead = is_safeguarding_lead_at(user, case.school_id)
    if lead or disciplines_at(user, case.school_id) & HEALTH_DISCIPLINES:
        levels.add(Note.Level.HEALTH)
    if lead or case.lead_id == user.pk:
        levels.add(Note.Level.LEAD)
    return levels


def can_close_case(user: "User", case) -> bool:
    """The case lead closes a case, or the school's safeguarding lead."""
    return case.lead_id == user.pk or is_safeguarding_lead_at(user, case.school_id)


def can_import_concerns(user: "User") -> bool:
    return has_role(user, LEGACY_IMPORT_ROLES)


def can_import_roster(user: "User") -> bool:
    return user.is_superuser or has_role(user, ROSTER_ROLES)


def home_for(user: "User") -> str | None:
    """The URL name where this person works, or None to show the role-aware home page.
    Each app adds its destination here as it lands (teacher, student, district, partner)."""
    r = roles(user)
    if r & TEAM_ROLES:
        return "support_team:queue"
    if Role.TEACHER in r:
        return "concerns:new"
    if Role.STUDENT in r:
        return "self_report:home"
    if r & ROSTER_ROLES and not r - ROSTER_ROLES:
        return "roster_import"
    return None


def require(predicate: Callable[["User"], bool]) -> Callable:
    """View decorator: sign-in first, then the predicate; a no is 403 (the page exists, it is
    just not for this role). Objects are then fetched through the accessors below."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- scoped querysets -----------------------------------------------------------------------


def schools_for(user: "User", allowed: Iterable[str] = frozenset(Role)) -> QuerySet[School]:
    return School.objects.filter(id__in=school_ids(user, allowed))


def students_for(user: "User", allowed: Iterable[str] = TEAM_ROLES) -> QuerySet[Student]:
    """Students currently enrolled at a school where the user holds an allowed role."""
    ids = school_ids(user, allowed)
    # EXISTS rather than a join + DISTINCT: the planner can then walk the name index and stop
    # at the first page of matches (5-10x faster student search over 60,000 students).
    return Student.objects.filter(
        Exists(
            Enrollment.objects.filter(
                student=OuterRef("pk"), school_id__in=ids, end_date__isnull=True
            )
        )
    )


def intakes_for(user: "User") -> QuerySet:
    Intake = apps.get_model("support_team", "Intake")
    return Intake.objects.filter(school_id__in=school_ids(user, TEAM_ROLES))


def cases_for(user: "User") -> QuerySet:
    """Cases at the schools where the user is on the team (any member of the school's team
    may open the case; what they read inside it depends on note_levels)."""
    Case = apps.get_model("support_team", "Case")
    return Case.objects.filter(school_id__in=school_ids(user, TEAM_ROLES))


def notes_for(user: "User", case) -> QuerySet:
    """The case's notes this user may read: their levels, and what they wrote themselves."""
    return case.notes.filter(Q(level__in=note_levels(user, case)) | Q(author_id=user.pk))


def concern_students_for(user: "User") -> QuerySet[Student]:
    """Whom a concern may be about: students enrolled now at the reporter's school."""
    return students_for(user, CONCERN_ROLES)


def concerns_for(user: "User") -> QuerySet:
    """A reporter's own concerns, and every concern at a school where the user is on the
    team. Nobody else's: a teacher never sees another teacher's concern."""
    Concern = apps.get_model("concerns", "Concern")
    if not getattr(user, "is_authenticated", False):
        return Concern.objects.none()
    return Concern.objects.filter(
        Q(reporter=user, school_id__in=school_ids(user, CONCERN_ROLES))
        | Q(school_id__in=school_ids(user, TEAM_ROLES))
    )


def can_add_observation(user: "User", concern) -> bool:
    """Only the person who logged a concern adds later observations to it."""
    return concern.reporter_id is not None and concern.reporter_id == user.pk


def is_team_at(user: "User", school_id: int) -> bool:
    return school_id in school_ids(user, TEAM_ROLES)


def concern_imports_for(user: "User") -> QuerySet:
    ConcernImport = apps.get_model("concerns", "ConcernImport")
    return ConcernImport.objects.filter(
        started_by=user, school_id__in=school_ids(user, LEGACY_IMPORT_ROLES)
    )


def roster_imports_for(user: "User") -> QuerySet:
    RosterImport = apps.get_model("schoolwell", "RosterImport")
    if user.is_superuser:
        return RosterImport.objects.all()
    if not has_role(user, ROSTER_ROLES):
        return RosterImport.objects.none()
    return RosterImport.objects.filter(Q(started_by=user))


# --- accessors (404 outside scope) ----------------------------------------------------------


def get_for_user_or_404(queryset: QuerySet, **lookup: Any) -> Model:
    return get_object_or_404(queryset, **lookup)


def get_student_or_404(user: "User", pk: int) -> Student:
    return get_for_user_or_404(students_for(user), pk=pk)


def own_self_reports(user: "User") -> QuerySet:
    """A student's own self-reports; staff reach self-reports only through the team's views."""
    SelfReport = apps.get_model("self_report", "SelfReport")
    student = student_record(user)
    if student is None:
        return SelfReport.objects.none()
    return SelfReport.objects.filter(student=student)


def get_concern_or_404(user: "User", pk: int):
    return get_for_user_or_404(concerns_for(user).select_related("student", "school"), pk=pk)


def get_intake_or_404(user: "User", pk: int):
    return get_for_user_or_404(intakes_for(user).select_related("student", "school"), pk=pk)


def get_case_or_404(user: "User", pk: int):
    return get_for_user_or_404(cases_for(user).select_related("student", "school", "lead"), pk=pk)
