"""The role logic every app's access rules are made of: predicates over the Actor (who is
asking, schoolwell.actor) by role, school, discipline and note level. Views, consumers and
selectors ask, never decide. Each app's scoped querysets live beside its models
(`Model.objects.visible_to(actor)`) and are built from these predicates; the core's own
(schools, students) are here. Accessors answer 404 outside scope (schoolwell.access), so
"not found" and "not yours" look the same. No app model is named here."""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from schoolwell.access import reach
from schoolwell.actor import Actor, Who, as_actor
from schoolwell.models import (
    Discipline,
    Enrollment,
    Membership,
    NoteLevel,
    Role,
    RosterImport,
    School,
    Student,
)

STAFF_ROLES = frozenset(Role) - {Role.STUDENT}
TEAM_ROLES = frozenset({Role.SUPPORT, Role.SAFEGUARDING_LEAD})
CONCERN_ROLES = frozenset({Role.TEACHER, Role.SUPPORT, Role.SAFEGUARDING_LEAD})
ROSTER_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.DISTRICT_ADMIN})
LEGACY_IMPORT_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.SAFEGUARDING_LEAD, Role.DISTRICT_ADMIN})
# Who may read a health-only case note, besides the safeguarding lead.
HEALTH_DISCIPLINES = frozenset({Discipline.NURSE, Discipline.PSYCHOLOGIST, Discipline.COUNSELOR})


# --- who the user is ------------------------------------------------------------------------


def memberships(who: Who) -> tuple[Membership, ...]:
    """The active memberships, read once per request (schoolwell.actor)."""
    return as_actor(who).memberships


def roles(who: Who) -> frozenset[str]:
    return as_actor(who).roles


def has_role(who: Who, allowed: Iterable[str]) -> bool:
    return as_actor(who).has_role(allowed)


def is_staff_member(who: Who) -> bool:
    """Staff are everyone who is not only a student, plus Django/Wagtail admin users."""
    actor = as_actor(who)
    if not getattr(actor.user, "is_authenticated", False):
        return False
    return actor.user.is_staff or actor.user.is_superuser or actor.has_role(STAFF_ROLES)


def requires_mfa(who: Who) -> bool:
    return is_staff_member(who)


def school_ids(who: Who, allowed: Iterable[str]) -> frozenset[int]:
    """Schools where the actor holds one of the allowed roles; district roles cover every
    school of their district."""
    return as_actor(who).school_ids(allowed)


# --- predicates (route level) ---------------------------------------------------------------


def is_student(user: Who) -> bool:
    return has_role(user, {Role.STUDENT})


def student_record(user: Who) -> Student | None:
    """The Student a student account belongs to (their own record, nobody else's)."""
    if not is_student(user):
        return None
    return Student.objects.filter(user=as_actor(user).user.pk or 0, active=True).first()


def can_self_report(user: Who) -> bool:
    return is_student(user)


def can_log_concern(user: Who) -> bool:
    return has_role(user, CONCERN_ROLES)


def can_use_queue(user: Who) -> bool:
    return has_role(user, TEAM_ROLES)


def queue_school_ids(user: Who) -> frozenset[int]:
    """The schools whose live queue this user may listen to: team roles, signed in with
    their second step set up (the socket is a staff page like any other)."""
    from allauth.mfa.utils import is_mfa_enabled

    if not getattr(user, "is_authenticated", False) or not can_use_queue(user):
        return frozenset()
    if requires_mfa(user) and not is_mfa_enabled(as_actor(user).user):
        return frozenset()
    return school_ids(user, TEAM_ROLES)


def is_safeguarding_lead_at(user: Who, school_id: int) -> bool:
    return school_id in school_ids(user, {Role.SAFEGUARDING_LEAD})


def team_balance_school_ids(user: Who) -> frozenset[int]:
    """Schools whose whole team's caseload balance the user sees on the caseload page: where
    they are the safeguarding lead. Everyone else sees only their own caseload."""
    return school_ids(user, {Role.SAFEGUARDING_LEAD})


def disciplines_at(user: Who, school_id: int) -> frozenset[str]:
    return as_actor(user).disciplines_at(school_id)


# --- case note confidentiality ----------------------------------------------------------
# A note's level is decided here, once, wherever its body can surface: the case page, the
# note's URL, a transfer packet's page, PDF and sealed file, and the importer at the other
# end. Below the level a reader is told a note exists, never shown its text (callers show
# the placeholder; they never rebuild this rule).


def note_levels_at(
    user: Who, school_id: int | None, *, case_lead_id: int | None = None
) -> set[str]:
    """The note levels this user reads at a school: team notes for the school's team;
    health-only for its nurses, psychologists and counselors; lead-only for the case lead;
    the school's safeguarding lead reads every level. Nobody else reads any (superusers
    and administrators included: holding the admin is not being on the team)."""
    Level = NoteLevel
    if school_id is None or not is_team_at(user, school_id):
        return set()
    levels = {Level.TEAM.value}
    lead = is_safeguarding_lead_at(user, school_id)
    if lead or disciplines_at(user, school_id) & HEALTH_DISCIPLINES:
        levels.add(Level.HEALTH.value)
    if lead or (case_lead_id is not None and case_lead_id == user.pk):
        levels.add(Level.LEAD.value)
    return levels


def note_levels(user: Who, case) -> set[str]:
    """The levels of this case's notes the user may read (and write)."""
    return note_levels_at(user, case.school_id, case_lead_id=case.lead_id)


def may_read_note(levels: Iterable[str], level: object, *, own: bool = False) -> bool:
    """Whether a reader holding `levels` reads the body of a note at `level` (an author
    always reads what they wrote). An unknown level reads as above everyone's."""
    return own or level in set(levels)


def sealed_pdf_reads(note: dict) -> bool:
    """The PDF inside a sealed file is read by whoever opens the file at the other district,
    before any SchoolWell there knows who they are: team notes only. Health-only and
    lead-only bodies travel in the file's JSON with their level, for the importing
    SchoolWell to show each of its readers at theirs (packet_note_reader)."""
    return may_read_note({NoteLevel.TEAM.value}, note.get("level"))


def can_close_case(user: Who, case) -> bool:
    """The case lead closes a case, or the school's safeguarding lead."""
    return case.lead_id == user.pk or is_safeguarding_lead_at(user, case.school_id)


def can_work_on_case(user: Who, case) -> bool:
    """Anyone on the school's support team may change the tier and needs, add to the plan,
    write notes (at their levels), record meetings and follow-ups: the case belongs to the
    school's team, not to its lead."""
    return is_team_at(user, case.school_id)


def can_change_case_lead(user: Who, case) -> bool:
    """Handing the case to someone else is for the lead or the school's safeguarding lead."""
    return can_close_case(user, case)


def can_manage_case_team(user: Who, case) -> bool:
    """The lead or the school's safeguarding lead adds and removes others on the case; any
    team member may join or leave it themselves (the services allow that part)."""
    return can_close_case(user, case)


def can_remove_from_case(user: Who, case, member_id: int) -> bool:
    """The lead stays on their case; the lead or the safeguarding lead takes others off, and
    anyone may leave it themselves."""
    return member_id != case.lead_id and (member_id == user.pk or can_manage_case_team(user, case))


def can_cancel_follow_up(user: Who, follow_up, case) -> bool:
    """A follow-up is called off by the person it is assigned to, or by the case lead or the
    school's safeguarding lead; anyone on the team may mark one done."""
    return follow_up.assignee_id == user.pk or can_close_case(user, case)


def can_import_concerns(user: Who) -> bool:
    return has_role(user, LEGACY_IMPORT_ROLES)


def can_import_roster(user: Who) -> bool:
    return as_actor(user).is_superuser or has_role(user, ROSTER_ROLES)


def roster_scope_ids(user: Who) -> tuple[set[int], set[int]] | None:
    """What a roster import run by this user may change: None for the whole site (a superuser),
    else (district ids, school ids) of the districts and schools they administer."""
    if as_actor(user).is_superuser:
        return None
    districts = {m.district_id for m in memberships(user) if m.role == Role.DISTRICT_ADMIN}
    schools = {m.school_id for m in memberships(user) if m.role == Role.SCHOOL_ADMIN}
    return {d for d in districts if d}, {s for s in schools if s}


def sign_in_district_ids(user: Who) -> frozenset[int]:  # whose provider and switches they run
    return as_actor(user).district_ids(Role.DISTRICT_ADMIN)


def home_for(user: Who) -> str | None:
    """The URL name where this person works, or None to show the role-aware home page.
    Each app adds its destination here as it lands (teacher, student, district, partner)."""
    r = roles(user)
    if r & TEAM_ROLES:
        return "support_team:queue"
    if Role.TEACHER in r:
        return "concerns:new"
    if Role.STUDENT in r:
        return "self_report:home"
    if Role.PARTNER in r:
        return "partners:home"
    if r & ROSTER_ROLES and not r - ROSTER_ROLES:
        return "roster_import"
    return None


def require(predicate: Callable[[Who], bool], *, not_found: bool = False) -> Callable:
    """View decorator: sign-in first, then the predicate; a no is 403 (the page exists, it is
    just not for this role), or 404 with not_found=True. Objects are then fetched through the
    accessors below."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(Actor.of(request.user)):
                raise Http404 if not_found else PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- scoped querysets -----------------------------------------------------------------------


def schools_for(user: Who, allowed: Iterable[str] = frozenset(Role)) -> QuerySet[School]:
    return School.objects.filter(id__in=school_ids(user, allowed))


def students_for(user: Who, allowed: Iterable[str] = TEAM_ROLES) -> QuerySet[Student]:
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


def concern_students_for(user: Who) -> QuerySet[Student]:
    """Whom a concern may be about: students enrolled now at the reporter's school."""
    return students_for(user, CONCERN_ROLES)


def can_add_observation(user: Who, concern) -> bool:
    """Only the person who logged a concern adds later observations to it."""
    return concern.reporter_id is not None and concern.reporter_id == user.pk


def is_team_at(user: Who, school_id: int) -> bool:
    return school_id in school_ids(user, TEAM_ROLES)


def can_act_on_intake(user: Who, intake) -> bool:
    """Who may make a triage decision on an intake (assign, urgency, case, route, escalate,
    close): a member of the school's team when nobody has it or they have it themselves;
    once someone else has it, only that person or the school's safeguarding lead."""
    if not is_team_at(user, intake.school_id):
        return False
    if intake.claimed_by_id in (None, user.pk):
        return True
    return is_safeguarding_lead_at(user, intake.school_id)


def roster_imports_for(user: Who) -> QuerySet[RosterImport]:
    actor = as_actor(user)
    if actor.is_superuser:
        return RosterImport.objects.all()
    if not actor.has_role(ROSTER_ROLES):
        return RosterImport.objects.none()
    return RosterImport.objects.filter(started_by_id=actor.pk)


# --- accessors (404 outside scope) ----------------------------------------------------------


def get_student_or_404(
    user: Who, pk: int, *, read: str = "", only_if: Callable[[Student], bool] | None = None
) -> Student:
    """A student in the actor's team scope; `read` logs the read (schoolwell.access)."""
    return reach(students_for(user), pk, actor=as_actor(user), read=read, only_if=only_if)


# --- transfer packets -----------------------------------------------------------------------
# The sending school's team sees the packets it builds; the receiving school's team sees a
# packet once it has been delivered to them. Nobody else, and the answer is 404 either way.


def can_use_transfers(user: Who) -> bool:
    return has_role(user, TEAM_ROLES)


def is_packet_sender(user: Who, packet) -> bool:
    return packet.from_school_id is not None and is_team_at(user, packet.from_school_id)


def is_packet_receiver(user: Who, packet) -> bool:
    return packet.to_school_id is not None and is_team_at(user, packet.to_school_id)


def can_approve_packet(user: Who, packet) -> bool:
    """The sending school's safeguarding lead approves, and alone adds case notes."""
    return packet.from_school_id is not None and is_safeguarding_lead_at(
        user, packet.from_school_id
    )


def can_acknowledge_packet(user: Who, packet) -> bool:
    """The receiving school's safeguarding lead acknowledges receipt."""
    return packet.to_school_id is not None and is_safeguarding_lead_at(user, packet.to_school_id)


# --- district trends ------------------------------------------------------------------------

# District staff see every school of their district; a school's safeguarding lead and its
# administrator (its leadership) see their own school. Everyone else: the page does not exist.
TRENDS_ROLES = frozenset(
    {Role.DISTRICT_ANALYST, Role.DISTRICT_ADMIN, Role.SAFEGUARDING_LEAD, Role.SCHOOL_ADMIN}
)


def trends_school_ids(user: Who) -> frozenset[int]:
    """The schools whose (suppressed, aggregate) trends this user may see."""
    return school_ids(user, TRENDS_ROLES)


def can_view_trends(user: Who) -> bool:
    return bool(trends_school_ids(user))


def require_or_404(predicate: Callable[[Who], bool]) -> Callable:
    """Like require(), but a no is a 404: for pages whose existence is itself not for
    everyone (the district trends answer 404 to teachers, students and the team)."""
    return require(predicate, not_found=True)


# --- community links: the directory is for the school teams; referrals are read by the team
# of the referring school and, for their own organisation only, by partner staff of the same
# district. Partners never reach a case, a note or a student record: the referral's minimum.


def can_search_resources(user: Who) -> bool:
    return has_role(user, TEAM_ROLES)


def is_partner(user: Who) -> bool:
    return has_role(user, {Role.PARTNER})


def partner_district_ids(user: Who) -> frozenset[int]:
    return as_actor(user).district_ids(Role.PARTNER)


def can_refer(user: Who, case) -> bool:
    return case.is_open and is_team_at(user, case.school_id)
