"""Deny by default, proved: every URL pattern and websocket route against every role.

Each of the project's own routes must have an entry in ROUTES; third-party route groups
(allauth, the Django admin, Wagtail) are covered by the prefix they are mounted at. A new
route with no expectation fails test_every_route_has_an_expectation.
"""

import datetime
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from concerns.models import Category, ConcernImport
from concerns.services import concern_create
from schoolwell.models import Discipline, Role, RosterImport
from schoolwell.routing import websocket_urlpatterns
from self_report import demo as self_report_demo
from self_report.models import SelfReport
from support_team.services import intake_open
from support_team.services.cases import case_open_or_join
from tests.factories import SchoolFactory, enrolled_student, member

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


# The case page's POST-only section routes: (name, the objects in their URL after the case).
CASE_ACTIONS = {
    "case_update": (),
    "case_member_add": (),
    "case_member_join": (),
    "case_member_remove": ("lead",),
    "case_goal_add": (),
    "case_goal_update": ("goal",),
    "case_intervention_add": (),
    "case_intervention_update": ("intervention",),
    "case_note_add": (),
    "case_meeting_add": (),
    "case_follow_up_add": (),
    "case_follow_up_done": ("follow_up",),
    "case_follow_up_cancel": ("follow_up",),
    "case_close": (),
    "case_reopen": (),
}

# name -> (how to build the URL for this user's own school, expected status per role)
ROUTES = {
    "home": (lambda ctx: reverse("home"), home_expectation()),
    "healthz": (lambda ctx: reverse("healthz"), dict.fromkeys(ROLES, 200)),
    "support_team:queue": (lambda ctx: reverse("support_team:queue"), expect(TEAM)),
    "support_team:caseload": (lambda ctx: reverse("support_team:caseload"), expect(TEAM)),
    "roster_import": (lambda ctx: reverse("roster_import"), expect(ROSTER)),
    "roster_import_detail": (
        lambda ctx: reverse("roster_import_detail", args=[ctx["own_import"].pk]),
        expect(ROSTER),
    ),
    "concerns:new": (lambda ctx: reverse("concerns:new"), expect(CONCERN)),
    "concerns:student_search": (
        lambda ctx: reverse("concerns:student_search") + "?q=Le",
        expect(CONCERN),
    ),
    "concerns:mine": (lambda ctx: reverse("concerns:mine"), expect(CONCERN)),
    # Another teacher's concern at the same school: the team sees it, a teacher does not.
    "concerns:detail": (
        lambda ctx: reverse("concerns:detail", args=[ctx["concern"].pk]),
        expect(TEAM) | {"teacher": 404},
    ),
    "concerns:urgent": (
        lambda ctx: reverse("concerns:urgent", args=[ctx["concern"].pk]),
        expect(TEAM) | {"teacher": 404},
    ),
    "concerns:observe": (
        lambda ctx: reverse("concerns:observe", args=[ctx["concern"].pk]),
        dict.fromkeys(ROLES, 405),  # POST only
    ),
    "support_team:queue_row": (
        lambda ctx: reverse("support_team:queue_row", args=[ctx["intake"].pk]),
        expect(TEAM),
    ),
    "support_team:claim": (
        lambda ctx: reverse("support_team:claim", args=[ctx["intake"].pk]),
        dict.fromkeys(ROLES, 405),  # POST only
    ),
    "support_team:release": (
        lambda ctx: reverse("support_team:release", args=[ctx["intake"].pk]),
        dict.fromkeys(ROLES, 405),  # POST only
    ),
    "support_team:intake": (
        lambda ctx: reverse("support_team:intake", args=[ctx["intake"].pk]),
        expect(TEAM),
    ),
    # Triage actions and the intake page's presence heartbeat.
    **{
        f"support_team:{name}": (
            lambda ctx, name=name: reverse(f"support_team:{name}", args=[ctx["intake"].pk]),
            dict.fromkeys(ROLES, 405),  # POST only
        )
        for name in ("assign", "set_urgency", "to_case", "route", "escalate", "close", "presence")
    },
    "support_team:student": (
        lambda ctx: reverse("support_team:student", args=[ctx["student"].pk]),
        expect(TEAM),
    ),
    "support_team:case": (
        lambda ctx: reverse("support_team:case", args=[ctx["case"].pk]),
        expect(TEAM),
    ),
    "support_team:cases": (lambda ctx: reverse("support_team:cases"), expect(TEAM)),
    # One note of the case at each confidentiality level (the case is led by a safeguarding
    # lead, so no other role is its lead): a note above the reader's level is not found.
    "support_team:case_note": (lambda ctx: case_note_url(ctx, "team"), expect(TEAM)),
    "support_team:case_note (health only)": (
        lambda ctx: case_note_url(ctx, "health"),
        expect(TEAM) | {"social_worker": 404, "team_administrator": 404},
    ),
    "support_team:case_note (lead only)": (
        lambda ctx: case_note_url(ctx, "lead"),
        expect(TEAM) | dict.fromkeys(TEAM - {"safeguarding_lead"}, 404),
    ),
    **{
        f"support_team:{name}": (
            lambda ctx, name=name: reverse(
                f"support_team:{name}", args=case_action_args(ctx, name)
            ),
            dict.fromkeys(ROLES, 405),  # POST only
        )
        for name in CASE_ACTIONS
    },
    "concerns:import": (lambda ctx: reverse("concerns:import"), expect(LEGACY_IMPORT)),
    "concerns:import_template_xlsx": (
        lambda ctx: reverse("concerns:import_template_xlsx"),
        expect(LEGACY_IMPORT),
    ),
    "concerns:import_template_csv": (
        lambda ctx: reverse("concerns:import_template_csv"),
        expect(LEGACY_IMPORT),
    ),
    "concerns:import_detail": (
        lambda ctx: reverse(
            "concerns:import_detail", args=[getattr(ctx.get("own_concern_import"), "pk", 999999)]
        ),
        expect(LEGACY_IMPORT),
    ),
    "self_report:home": (lambda ctx: reverse("self_report:home"), expect({"student"}, ok=302)),
    "self_report:done": (
        lambda ctx: reverse(
            "self_report:done", args=[ctx.get("own_report", ctx["other_report"]).pk]
        ),
        expect({"student"}),
    ),
    # The team's side of a check-in (another student's, at this school): the school's team
    # alone reads it, every answer and the student's own words.
    **{
        f"self_report:{name}": (
            lambda ctx, name=name: reverse(f"self_report:{name}", args=[ctx["other_report"].pk]),
            expect(TEAM),
        )
        for name in ("checkin", "checkin_panel")
    },
    # District trends: the page does not exist (404) for anyone without a trends role.
    "trends:dashboard": (lambda ctx: reverse("trends:dashboard"), expect(TRENDS, other=404)),
    "trends:csv": (lambda ctx: reverse("trends:csv", args=["month"]), expect(TRENDS, other=404)),
    # Token-authenticated for BI tools: a session (any role) is not a token.
    "trends:api": (lambda ctx: reverse("trends:api"), dict.fromkeys(ROLES, 401)),
    # Community links: the directory and referral panels for the team, the portal for partners.
    "community_links:directory": (lambda ctx: reverse("community_links:directory"), expect(TEAM)),
    "community_links:resource": (
        lambda ctx: reverse("community_links:resource", args=[ctx["partner_resource"].pk]),
        expect(TEAM),
    ),
    "community_links:case_referrals": (
        lambda ctx: reverse("community_links:case_referrals", args=[ctx["case"].pk]),
        expect(TEAM),
    ),
    "community_links:referral_new": (
        lambda ctx: reverse("community_links:referral_new", args=[ctx["case"].pk]),
        expect(TEAM),
    ),
    "community_links:caseload_referrals": (
        lambda ctx: reverse("community_links:caseload_referrals"),
        expect(TEAM),
    ),
    "community_links:referral_status": (
        lambda ctx: reverse("community_links:referral_status", args=[ctx["referral"].pk]),
        dict.fromkeys(ROLES, 405),  # POST only
    ),
    "community_links:referral_link": (
        lambda ctx: reverse("community_links:referral_link", args=[ctx["referral"].pk]),
        dict.fromkeys(ROLES, 405),  # POST only
    ),
    "partners:home": (lambda ctx: reverse("partners:home"), expect({"partner"})),
    "partners:referral": (
        lambda ctx: reverse("partners:referral", args=[ctx["referral"].pk]),
        expect({"partner"}),
    ),
    # The signed link is the partner's key: whoever holds it reads that one referral.
    "partners:link": (
        lambda ctx: reverse("partners:link", args=[ctx["referral_token"]]),
        dict.fromkeys(ROLES, 200),
    ),
    "partners:resources": (lambda ctx: reverse("partners:resources"), expect({"partner"})),
    "partners:resource_edit": (
        lambda ctx: reverse("partners:resource_edit", args=[ctx["partner_resource"].pk]),
        expect({"partner"}),
    ),
    # Transfer packets: the school's team; a packet of this school (a draft with a sealed
    # file kept), and POST-only actions.
    "transfers:list": (lambda ctx: reverse("transfers:list"), expect(TEAM)),
    "transfers:import": (lambda ctx: reverse("transfers:import"), expect(TEAM)),
    "transfers:detail": (
        lambda ctx: reverse("transfers:detail", args=[ctx["packet"].pk]),
        expect(TEAM),
    ),
    "transfers:pdf": (lambda ctx: reverse("transfers:pdf", args=[ctx["packet"].pk]), expect(TEAM)),
    "transfers:export_file": (
        lambda ctx: reverse("transfers:export_file", args=[ctx["packet"].pk]),
        expect(TEAM),
    ),
    # Only a packet imported from another district has a receipt: this one answers 404.
    "transfers:receipt_file": (
        lambda ctx: reverse("transfers:receipt_file", args=[ctx["packet"].pk]),
        expect(TEAM, ok=404),
    ),
    **{
        f"transfers:{name}": (
            lambda ctx, name=name: reverse(f"transfers:{name}", args=[ctx["packet"].pk]),
            dict.fromkeys(ROLES, 405),  # POST only
        )
        for name in (
            "review",
            "notes",
            "approve",
            "send",
            "accept",
            "acknowledge",
            "export",
            "confirm",
            "discard",
        )
    },
    # The team records that one of its students has left (a form page).
    "transfers:left": (
        lambda ctx: reverse("transfers:left", args=[ctx["student"].pk]),
        expect(TEAM),
    ),
    "transfers:start": (
        lambda ctx: reverse("transfers:start", args=[ctx["school"].pk, ctx["student"].pk]),
        dict.fromkeys(ROLES, 405),  # POST only
    ),
    "transfers:receipt_import": (
        lambda ctx: reverse("transfers:receipt_import"),
        dict.fromkeys(ROLES, 405),  # POST only
    ),
    "wagtail_serve": (lambda ctx: "/no-such-page/", dict.fromkeys(ROLES, 404)),
    "wagtail_frontend_login": (lambda ctx: "/_util/login/", dict.fromkeys(ROLES, 302)),
}
# Objects of another school (or another administrator) answer 404 to those who may use the page.
FOREIGN_OBJECT_ROUTES = {
    "support_team:queue_row": lambda ctx: reverse(
        "support_team:queue_row", args=[ctx["other_intake"].pk]
    ),
    "support_team:intake": lambda ctx: reverse(
        "support_team:intake", args=[ctx["other_intake"].pk]
    ),
    "self_report:done": lambda ctx: reverse("self_report:done", args=[ctx["other_report"].pk]),
    "self_report:checkin": lambda ctx: reverse(
        "self_report:checkin", args=[ctx["other_school_report"].pk]
    ),
    "self_report:checkin_panel": lambda ctx: reverse(
        "self_report:checkin_panel", args=[ctx["other_school_report"].pk]
    ),
    "concerns:detail": lambda ctx: reverse("concerns:detail", args=[ctx["other_concern"].pk]),
    "concerns:urgent": lambda ctx: reverse("concerns:urgent", args=[ctx["other_concern"].pk]),
    "support_team:student": lambda ctx: reverse(
        "support_team:student", args=[ctx["other_student"].pk]
    ),
    "roster_import_detail": lambda ctx: reverse(
        "roster_import_detail", args=[ctx["other_import"].pk]
    ),
    "support_team:case": lambda ctx: reverse("support_team:case", args=[ctx["other_case"].pk]),
    "support_team:case_note": lambda ctx: case_note_url(ctx, "team", case="other_case"),
    "concerns:import_detail": lambda ctx: reverse(
        "concerns:import_detail", args=[ctx["other_concern_import"].pk]
    ),
    # A directory entry of another district.
    "community_links:resource": lambda ctx: reverse(
        "community_links:resource", args=[ctx["far_resource"].pk]
    ),
    "community_links:case_referrals": lambda ctx: reverse(
        "community_links:case_referrals", args=[ctx["other_case"].pk]
    ),
    "community_links:referral_new": lambda ctx: reverse(
        "community_links:referral_new", args=[ctx["other_case"].pk]
    ),
    # For a partner, "another school's object" is a referral to another organisation.
    "partners:referral": lambda ctx: reverse("partners:referral", args=[ctx["other_referral"].pk]),
    "partners:resource_edit": lambda ctx: reverse(
        "partners:resource_edit", args=[ctx["other_resource"].pk]
    ),
    "transfers:detail": lambda ctx: reverse("transfers:detail", args=[ctx["other_packet"].pk]),
    "transfers:pdf": lambda ctx: reverse("transfers:pdf", args=[ctx["other_packet"].pk]),
    "transfers:left": lambda ctx: reverse("transfers:left", args=[ctx["other_student"].pk]),
    "transfers:export_file": lambda ctx: reverse(
        "transfers:export_file", args=[ctx["other_packet"].pk]
    ),
}
# Wagtail pages: served by the catch-all route, decided by the page type.
PAGES = {"/self-report/": expect({"student"})}
# Third-party groups: a representative URL each, and who gets in.
PREFIXES = {
    "accounts/": (
        "/accounts/login/",
        dict.fromkeys(ROLES, 200) | {r: 302 for r in ROLES if r != "anonymous"},
    ),
    "i18n/": ("/i18n/setlang/", dict.fromkeys(ROLES, 302)),
    "admin/": ("/admin/", dict.fromkeys(ROLES, 403) | {"anonymous": LOGIN}),
    # No role edits content: a signed-in person is told so (403), not looped to sign-in.
    "cms/": ("/cms/", dict.fromkeys(ROLES, 403) | {"anonymous": LOGIN}),
    "_util/authenticate_with_password/": (
        "/_util/authenticate_with_password/1/1/",
        dict.fromkeys(ROLES, 404),
    ),
    "documents/": ("/documents/1/missing.pdf", dict.fromkeys(ROLES, 404)),
}
WEBSOCKET_ROUTES = {"ws/team/queue/": {role: role in TEAM for role in ROLES}}


def iter_patterns(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from iter_patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield (
                prefix + str(pattern.pattern),
                f"{namespace}{pattern.name}" if pattern.name else None,
            )


def shadowed_by_covered_route(route: str) -> bool:
    """A third-party route we replaced with our own earlier pattern (same literal path)."""
    if "<" in route or "^" in route:
        return False
    return resolve("/" + route).view_name in ROUTES


def test_every_route_has_an_expectation():
    missing = []
    for route, name in iter_patterns(get_resolver().url_patterns):
        if any(route.startswith(prefix) for prefix in PREFIXES):
            continue
        if name in ROUTES or shadowed_by_covered_route(route):
            continue
        missing.append((route, name))
    assert missing == [], f"routes with no role-matrix expectation: {missing}"


def test_every_websocket_route_has_an_expectation():
    routes = [str(p.pattern) for p in websocket_urlpatterns]
    assert sorted(routes) == sorted(WEBSOCKET_ROUTES)


@pytest.fixture
def context(db):
    return build_context()


def build_context() -> dict:
    """One school with an object of every kind, and a second school of the same district
    whose objects must stay out of reach."""
    school = SchoolFactory()
    other_school = SchoolFactory(district=school.district)
    other_admin = member(Role.SCHOOL_ADMIN, school=other_school)
    student = enrolled_student(school)
    other_student = enrolled_student(other_school)
    self_report_demo.ensure_page()
    lead = member(Role.SAFEGUARDING_LEAD, school=school)
    other_lead = member(Role.SAFEGUARDING_LEAD, school=other_school)
    case = case_open_or_join(school=school, student=student, by=lead)[0]
    other_case = case_open_or_join(school=other_school, student=other_student, by=other_lead)[0]
    return {
        "case": case,
        "other_case": other_case,
        **community_links_context(case, lead, other_case, other_lead),
        "packet": transfer_packet(school, student, lead),
        "other_packet": transfer_packet(other_school, other_student, other_lead),
        "intake": intake_open(school=school, student=student, source="staff_note", summary="x"),
        "other_intake": intake_open(
            school=other_school, student=other_student, source="staff_note", summary="x"
        ),
        "other_report": report_by(
            enrolled_student(school, user=member(Role.STUDENT, school=school))
        ),
        "other_school_report": report_by(other_student),
        "school": school,
        "student": student,
        "other_student": other_student,
        "concern": concern_by(member(Role.TEACHER, school=school), school, student),
        "other_concern": concern_by(
            member(Role.TEACHER, school=other_school), other_school, other_student
        ),
        "other_import": RosterImport.objects.create(
            source_name="other.zip", started_by=other_admin
        ),
        "other_concern_import": ConcernImport.objects.create(
            started_by=other_admin, school=other_school, file_name="other.csv"
        ),
    }


def transfer_packet(school, student, lead):
    """A draft packet of the school, with a sealed file kept as if it had been exported."""
    from support_team.transfers.services import packet_draft

    packet = packet_draft(student=student, school=school, by=lead)
    packet.export_file = b"sealed"
    packet.save()
    return packet


def community_links_context(case, lead, other_case, other_lead) -> dict:
    """A referral from this school to the partner's organisation, and one from the other
    school to another organisation (out of the partner's reach)."""
    from community_links.models import Organization, Resource
    from community_links.services.referrals import referral_link_token, referral_send

    def refer(case, by, org_name):
        org = Organization.objects.create(name=org_name)
        resource = Resource.objects.create(organization=org, name=f"{org_name} service")
        (referral,) = referral_send(
            case=case, resources=[resource], by=by, consent_by="family", consent_name="A parent"
        )
        return resource, referral

    partner_resource, referral = refer(case, lead, PARTNER_ORG)
    other_resource, other_referral = refer(other_case, other_lead, "Another organisation")
    far_resource = Resource.objects.create(
        organization=other_resource.organization,
        name="Another district's service",
        district=SchoolFactory().district,
    )
    return {
        "far_resource": far_resource,
        "partner_resource": partner_resource,
        "referral": referral,
        "referral_token": referral_link_token(referral),
        "other_resource": other_resource,
        "other_referral": other_referral,
    }


def concern_by(teacher, school, student):
    concern, _created = concern_create(
        reporter=teacher,
        school=school,
        student=student,
        categories=[Category.objects.get(slug="attendance")],
        severity="low",
        narrative="Absent often",
        observed_on=datetime.date(2026, 1, 5),
        idempotency_key=uuid.uuid4(),
    )
    return concern


def report_by(student):
    return SelfReport.objects.create(
        student=student,
        school=student.enrollments.get().school,
        language="en",
        wellbeing=3,
        submitted_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC),
    )


def check(client, url: str, expected, role: str) -> None:
    response = client.get(url)
    # The Django admin and Wagtail send people to their own login first, which hands over to
    # allauth (or refuses a signed-in user without rights, 403): follow that one hop.
    if response.status_code == 302 and response["Location"].startswith(
        ("/admin/login/", "/cms/login/")
    ):
        response = client.get(response["Location"])
    if expected == LOGIN:
        assert response.status_code == 302, (role, url, response.status_code)
        assert "/accounts/login/" in response["Location"], (role, url, response["Location"])
    else:
        assert response.status_code == expected, (role, url, response.status_code)


def sign_in(client, context: dict, role: str):
    """A user of this role at the context's school, signed in, with their own imports and
    self-report in the context (those are per person)."""
    user = make_user(role, context["school"])
    if user is not None:
        client.force_login(user)
    context["own_import"] = RosterImport.objects.create(source_name="own.zip", started_by=user)
    if role == "student":
        context["own_report"] = report_by(user.student)
    if role in LEGACY_IMPORT:
        context["own_concern_import"] = ConcernImport.objects.create(
            started_by=user, school=context["school"], file_name="own.csv"
        )
    return user


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, context, role):
    sign_in(client, context, role)
    for name, (build, expectations) in ROUTES.items():
        check(client, build(context), expectations[role], role)
    for _prefix, (url, expectations) in PREFIXES.items():
        check(client, url, expectations[role], role)
    for url, expectations in PAGES.items():
        check(client, url, expectations[role], role)


@pytest.mark.parametrize("role", ROLES)
def test_objects_of_another_school_are_not_found(client, context, role):
    user = make_user(role, context["school"])
    if user is not None:
        client.force_login(user)
    for name, build in FOREIGN_OBJECT_ROUTES.items():
        allowed = ROUTES[name][1][role]
        response = client.get(build(context))
        if allowed == 200:
            assert response.status_code == 404, (role, name)
        else:
            assert response.status_code in (302, 403, 404), (role, name, response.status_code)


@pytest.mark.parametrize("role", sorted(set(ROLES) - {"anonymous", "student"}))
def test_staff_without_mfa_reach_no_staff_page(client, context, role):
    user = make_user(role, context["school"], mfa=False)
    client.force_login(user)
    context["own_import"] = RosterImport.objects.create(source_name="own.zip", started_by=user)
    if role in LEGACY_IMPORT:
        context["own_concern_import"] = ConcernImport.objects.create(
            started_by=user, school=context["school"], file_name="own.csv"
        )
    for name, (build, _expectations) in ROUTES.items():
        if name in ("healthz",):
            continue
        response = client.get(build(context))
        assert response.status_code == 302, (role, name, response.status_code)
        assert response["Location"] == reverse("mfa_activate_totp"), (role, name)
    for url in ("/admin/", "/cms/"):
        response = client.get(url)
        assert response["Location"] == reverse("mfa_activate_totp"), (role, url)


@pytest.mark.parametrize("role", ROLES)
def test_websocket_routes_admit_only_their_roles(context, role):
    from asgiref.sync import async_to_sync
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator
    from django.contrib.auth.models import AnonymousUser

    from tests.support_team.sockets import queue_socket

    user = make_user(role, context["school"]) or AnonymousUser()

    async def attempt(communicator: WebsocketCommunicator) -> bool:
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    for path, expectations in WEBSOCKET_ROUTES.items():
        # Signed in, with a session: a socket follows its session (schoolwell/live_sessions.py)
        communicator = queue_socket(user, app=URLRouter(websocket_urlpatterns), path="/" + path)
        assert async_to_sync(attempt)(communicator) is expectations[role], (role, path)


def case_note_url(ctx: dict, level: str, *, case: str = "case") -> str:
    """A note at this level on the context's case, written by the case's lead (made once)."""
    from support_team.services.cases import note_add

    key = f"{case}_note_{level}"
    if key not in ctx:
        the_case = ctx[case]
        ctx[key] = note_add(case=the_case, by=the_case.lead, level=level, body=f"{level} note")
    return reverse("support_team:case_note", args=[ctx[case].pk, ctx[key].pk])


def case_action_args(ctx: dict, name: str) -> list[int]:
    """The case, then the goal / intervention / follow-up / member a case action names."""
    import datetime

    from support_team.services.cases import follow_up_add, goal_add, intervention_add

    case = ctx["case"]
    if "case_plan" not in ctx:
        goal = goal_add(case=case, by=case.lead, description="Attend every day")
        today = datetime.date.today()
        ctx["case_plan"] = {
            "lead": case.lead,
            "goal": goal,
            "intervention": intervention_add(
                goal=goal,
                by=case.lead,
                kind="check_in",
                owner=case.lead,
                start_date=today,
                frequency="daily",
                review_date=today,
            ),
            "follow_up": follow_up_add(
                case=case, by=case.lead, title="Call home", assignee=case.lead, due_on=today
            ),
        }
    return [case.pk] + [ctx["case_plan"][part].pk for part in CASE_ACTIONS[name]]
