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
from django.http import Http404, HttpRequest, HttpResponse
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


def team_balance_school_ids(user: "User") -> set[int]:
    """Schools whose whole team's caseload balance the user sees on the caseload page: where
    they are the safeguarding lead. Everyone else sees only their own caseload."""
    return school_ids(user, {Role.SAFEGUARDING_LEAD})


def disciplines_at(user: "User", school_id: int) -> set[str]:
    return {m.discipline for m in memberships(user) if m.school_id == school_id and m.discipline}


# --- case note confidentiality ----------------------------------------------------------
# A note's level is decided here, once, wherever its body can surface: the case page, the
# note's URL, a transfer packet's page, PDF and sealed file, and the importer at the other
# end. Below the level a reader is told a note exists, never shown its text (callers show
# the placeholder; they never rebuild this rule).


def note_levels_at(
    user: "User", school_id: int | None, *, case_lead_id: int | None = None
) -> set[str]:
    """The note levels this user reads at a school: team notes for the school's team;
    health-only for its nurses, psychologists and counselors; lead-only for the case lead;
    the school's safeguarding lead reads every level. Nobody else reads any (superusers
    and administrators included: holding the admin is not being on the team)."""
    Level = apps.get_model("support_team", "Note").Level
    if school_id is None or not is_team_at(user, school_id):
        return set()
    levels = {Level.TEAM.value}
    lead = is_safeguarding_lead_at(user, school_id)
    if lead or disciplines_at(user, school_id) & HEALTH_DISCIPLINES:
        levels.add(Level.HEALTH.value)
    if lead or (case_lead_id is not None and case_lead_id == user.pk):
        levels.add(Level.LEAD.value)
    return levels


def note_levels(user: "User", case) -> set[str]:
    """The levels of this case's notes the user may read (and write)."""
    return note_levels_at(user, case.school_id, case_lead_id=case.lead_id)


def may_read_note(levels: Iterable[str], level: object, *, own: bool = False) -> bool:
    """Whether a reader holding `levels` reads the body of a note at `level` (an author
    always reads what they wrote). An unknown level reads as above everyone's."""
    return own or level in set(levels)


def packet_note_reader(user: "User", packet) -> Callable[[dict], bool]:
    """Whether this user reads the body of each note a packet carries ({"ref", "level",
    ...}). At the receiving school, by their own levels there: the packet has no case there
    yet, so lead-only is its safeguarding lead's. At the sending school, as on the case page
    of the note it copies (that case's lead, the author). Someone on both teams: either."""
    here = note_levels_at(user, packet.to_school_id) if is_packet_receiver(user, packet) else set()
    # ref -> (the reader's levels on the note's own case, its level there, wrote it)
    sent: dict[str, tuple[set[str], str, bool]] = {}
    if is_packet_sender(user, packet):
        Note = apps.get_model("support_team", "Note")
        for note in Note.objects.filter(
            case__school_id=packet.from_school_id, case__student_id=packet.student_id
        ).select_related("case"):
            sent[f"note:{note.pk}"] = (
                note_levels(user, note.case),
                note.level,
                note.author_id == user.pk,
            )

    def reads(note: dict) -> bool:
        if may_read_note(here, note.get("level")):
            return True
        levels, level, own = sent.get(note.get("ref"), (set(), None, False))
        # The copy's level and the note's own must both be within reach.
        return may_read_note(levels, level, own=own) and may_read_note(
            levels, note.get("level"), own=own
        )

    return reads


def sealed_pdf_reads(note: dict) -> bool:
    """The PDF inside a sealed file is read by whoever opens the file at the other district,
    before any SchoolWell there knows who they are: team notes only. Health-only and
    lead-only bodies travel in the file's JSON with their level, for the importing
    SchoolWell to show each of its readers at theirs (packet_note_reader)."""
    Level = apps.get_model("support_team", "Note").Level
    return may_read_note({Level.TEAM.value}, note.get("level"))


def can_close_case(user: "User", case) -> bool:
    """The case lead closes a case, or the school's safeguarding lead."""
    return case.lead_id == user.pk or is_safeguarding_lead_at(user, case.school_id)


def can_work_on_case(user: "User", case) -> bool:
    """Anyone on the school's support team may change the tier and needs, add to the plan,
    write notes (at their levels), record meetings and follow-ups: the case belongs to the
    school's team, not to its lead."""
    return is_team_at(user, case.school_id)


def can_change_case_lead(user: "User", case) -> bool:
    """Handing the case to someone else is for the lead or the school's safeguarding lead."""
    return can_close_case(user, case)


def can_manage_case_team(user: "User", case) -> bool:
    """The lead or the school's safeguarding lead adds and removes others on the case; any
    team member may join or leave it themselves (the services allow that part)."""
    return can_close_case(user, case)


def can_cancel_follow_up(user: "User", follow_up, case) -> bool:
    """A follow-up is called off by the person it is assigned to, or by the case lead or the
    school's safeguarding lead; anyone on the team may mark one done."""
    return follow_up.assignee_id == user.pk or can_close_case(user, case)


def can_import_concerns(user: "User") -> bool:
    return has_role(user, LEGACY_IMPORT_ROLES)


def can_import_roster(user: "User") -> bool:
    return user.is_superuser or has_role(user, ROSTER_ROLES)


def roster_scope_ids(user: "User") -> tuple[set[int], set[int]] | None:
    """What a roster import run by this user may change: None for the whole site (a
    superuser), else (district ids, school ids): a district administrator's districts, a
    school administrator's schools. Someone with neither governs nothing."""
    if user.is_superuser and user.is_active:
        return None
    districts = {m.district_id for m in memberships(user) if m.role == Role.DISTRICT_ADMIN}
    schools = {m.school_id for m in memberships(user) if m.role == Role.SCHOOL_ADMIN}
    return {d for d in districts if d}, {s for s in schools if s}


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
    if Role.PARTNER in r:
        return "partners:home"
    if r & ROSTER_ROLES and not r - ROSTER_ROLES:
        return "roster_import"
    return None


def require(predicate: Callable[["User"], bool], *, not_found: bool = False) -> Callable:
    """View decorator: sign-in first, then the predicate; a no is 403 (the page exists, it is
    just not for this role), or 404 with not_found=True. Objects are then fetched through the
    accessors below."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise Http404 if not_found else PermissionDenied
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


def can_act_on_intake(user: "User", intake) -> bool:
    """Who may make a triage decision on an intake (assign, urgency, case, route, escalate,
    close): a member of the school's team when nobody has it or they have it themselves;
    once someone else has it, only that person or the school's safeguarding lead."""
    if not is_team_at(user, intake.school_id):
        return False
    if intake.claimed_by_id in (None, user.pk):
        return True
    return is_safeguarding_lead_at(user, intake.school_id)


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


def checkins_for(user: "User") -> QuerySet:
    """Students' check-ins, read whole (every answer and their own words) by the support
    team of the school each was sent to, and by nobody else: not teachers, partners,
    analysts or administrators, not another school's team."""
    SelfReport = apps.get_model("self_report", "SelfReport")
    return SelfReport.objects.filter(school_id__in=school_ids(user, TEAM_ROLES))


def get_checkin_or_404(user: "User", pk: int):
    return get_for_user_or_404(checkins_for(user).select_related("student", "school"), pk=pk)


def get_concern_or_404(user: "User", pk: int):
    return get_for_user_or_404(concerns_for(user).select_related("student", "school"), pk=pk)


def get_intake_or_404(user: "User", pk: int):
    return get_for_user_or_404(intakes_for(user).select_related("student", "school"), pk=pk)


def get_case_or_404(user: "User", pk: int):
    return get_for_user_or_404(cases_for(user).select_related("student", "school", "lead"), pk=pk)


def get_case_note_or_404(user: "User", case, pk: int):
    """One note of a case the user already reached, only at a level they may read: a note
    above their level answers 404 like a note that does not exist."""
    return get_for_user_or_404(notes_for(user, case).select_related("author", "goal"), pk=pk)


# --- transfer packets -----------------------------------------------------------------------
# The sending school's team sees the packets it builds; the receiving school's team sees a
# packet once it has been delivered to them. Nobody else, and the answer is 404 either way.
TRANSFER_DEPARTED_DAYS = 60


def can_use_transfers(user: "User") -> bool:
    return has_role(user, TEAM_ROLES)


def transfer_packets_for(user: "User") -> QuerySet:
    TransferPacket = apps.get_model("support_team", "TransferPacket")
    ids = school_ids(user, TEAM_ROLES)
    return TransferPacket.objects.filter(
        Q(from_school_id__in=ids)
        | Q(to_school_id__in=ids, delivered_at__isnull=False)
        # An imported packet waiting for confirmation belongs to the school importing it.
        | Q(to_school_id__in=ids, status="held")
    )


def get_transfer_packet_or_404(user: "User", pk: int):
    return get_for_user_or_404(
        transfer_packets_for(user).select_related("student", "from_school", "to_school", "peer"),
        pk=pk,
    )


def is_packet_sender(user: "User", packet) -> bool:
    return packet.from_school_id is not None and is_team_at(user, packet.from_school_id)


def is_packet_receiver(user: "User", packet) -> bool:
    return packet.to_school_id is not None and is_team_at(user, packet.to_school_id)


def can_approve_packet(user: "User", packet) -> bool:
    """The sending school's safeguarding lead approves, and alone adds case notes."""
    return packet.from_school_id is not None and is_safeguarding_lead_at(
        user, packet.from_school_id
    )


def can_acknowledge_packet(user: "User", packet) -> bool:
    """The receiving school's safeguarding lead acknowledges receipt."""
    return packet.to_school_id is not None and is_safeguarding_lead_at(user, packet.to_school_id)


def departed_enrollments_for(user: "User") -> QuerySet[Enrollment]:
    """Enrollments at the user's team schools that ended in the last TRANSFER_DEPARTED_DAYS
    days: the students a packet may be started for."""
    from datetime import timedelta

    from django.utils import timezone

    since = timezone.localdate() - timedelta(days=TRANSFER_DEPARTED_DAYS)
    return Enrollment.objects.filter(
        school_id__in=school_ids(user, TEAM_ROLES), end_date__gte=since
    )


def get_transfer_student_or_404(user: "User", student_pk: int, school_pk: int) -> Student:
    """A student a packet may be drafted for at this school: enrolled there now or before,
    and the user on that school's team (a team may start before the roster catches up)."""
    if school_pk not in school_ids(user, TEAM_ROLES):
        raise Http404
    return get_for_user_or_404(
        Student.objects.filter(
            Exists(Enrollment.objects.filter(student=OuterRef("pk"), school_id=school_pk))
        ),
        pk=student_pk,
    )


# --- district trends ------------------------------------------------------------------------

# District staff see every school of their district; a school's safeguarding lead and its
# administrator (its leadership) see their own school. Everyone else: the page does not exist.
TRENDS_ROLES = frozenset(
    {Role.DISTRICT_ANALYST, Role.DISTRICT_ADMIN, Role.SAFEGUARDING_LEAD, Role.SCHOOL_ADMIN}
)


def trends_school_ids(user: "User") -> set[int]:
    """The schools whose (suppressed, aggregate) trends this user may see."""
    return school_ids(user, TRENDS_ROLES)


def can_view_trends(user: "User") -> bool:
    return bool(trends_school_ids(user))


def require_or_404(predicate: Callable[["User"], bool]) -> Callable:
    """Like require(), but a no is a 404: for pages whose existence is itself not for
    everyone (the district trends answer 404 to teachers, students and the team)."""
    return require(predicate, not_found=True)


# --- community links ------------------------------------------------------------------------
# The directory is for the school teams; referrals are read by the team of the referring
# school and, for their own organisation only, by partner staff of the same district.
# Partners never reach a case, a note or a student record: only the referral's minimum.


def can_search_resources(user: "User") -> bool:
    return has_role(user, TEAM_ROLES)


def is_partner(user: "User") -> bool:
    return has_role(user, {Role.PARTNER})


def partner_organization_ids(user: "User") -> set[int]:
    """Organisations this partner account answers for (community_links.PartnerStaff)."""
    if not is_partner(user):
        return set()
    cached = getattr(user, "_schoolwell_partner_orgs", None)
    if cached is None:
        PartnerStaff = apps.get_model("community_links", "PartnerStaff")
        cached = set(
            PartnerStaff.objects.filter(user=user).values_list("organization_id", flat=True)
        )
        user._schoolwell_partner_orgs = cached
    return cached


def partner_district_ids(user: "User") -> set[int]:
    return {m.district_id for m in memberships(user) if m.role == Role.PARTNER and m.district_id}


def referrals_for(user: "User") -> QuerySet:
    """Referrals made at a school where the user is on the team."""
    Referral = apps.get_model("community_links", "Referral")
    return Referral.objects.filter(school_id__in=school_ids(user, TEAM_ROLES))


def partner_referrals_for(user: "User") -> QuerySet:
    """Referrals addressed to the partner's own organisation, from schools of its district."""
    Referral = apps.get_model("community_links", "Referral")
    orgs = partner_organization_ids(user)
    if not orgs:
        return Referral.objects.none()
    return Referral.objects.filter(
        resource__organization_id__in=orgs, school__district_id__in=partner_district_ids(user)
    )


def resources_for(user: "User") -> QuerySet:
    """Published directory entries a team member may read: those of the districts of the
    schools where they are on the team, and the entries shared by every district."""
    Resource = apps.get_model("community_links", "Resource")
    if not can_search_resources(user):
        return Resource.objects.none()
    districts = School.objects.filter(id__in=school_ids(user, TEAM_ROLES)).values("district_id")
    return Resource.objects.filter(live=True).filter(
        Q(district__isnull=True) | Q(district_id__in=districts)
    )


def get_resource_or_404(user: "User", pk: int):
    return get_for_user_or_404(resources_for(user).select_related("organization"), pk=pk)


def partner_resources_for(user: "User") -> QuerySet:
    """The directory entries a partner may propose changes to: their organisation's."""
    Resource = apps.get_model("community_links", "Resource")
    return Resource.objects.filter(organization_id__in=partner_organization_ids(user))


def can_refer(user: "User", case) -> bool:
    return case.is_open and is_team_at(user, case.school_id)


def get_referral_or_404(user: "User", pk: int):
    return get_for_user_or_404(
        referrals_for(user).select_related("case", "resource__organization", "student"), pk=pk
    )


def get_partner_referral_or_404(user: "User", pk: int):
    return get_for_user_or_404(
        partner_referrals_for(user).select_related("resource__organization", "student", "need"),
        pk=pk,
    )


def get_partner_resource_or_404(user: "User", pk: int):
    return get_for_user_or_404(partner_resources_for(user).select_related("organization"), pk=pk)
