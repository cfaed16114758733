"""The read matrix's expectations: every URL pattern of the project with how to build its URL
for a user's own school and the status each role gets, the objects of another school, the
Wagtail pages, the third-party route groups and the websocket routes.

Each of the project's own routes must have an entry in ROUTES; third-party route groups
(allauth, the Django admin, Wagtail) are covered by the prefix they are mounted at."""

import time

from django.urls import reverse

from tests.role_matrix.roles import (
    CONCERN,
    LEGACY_IMPORT,
    LOGIN,
    ROLES,
    ROSTER,
    TEAM,
    TRENDS,
    expect,
    home_expectation,
)

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
    # Image renditions, public as Wagtail's media is; nothing else (tests/schoolwell/test_media.py).
    "media": (lambda ctx: reverse("media", args=["images/missing.png"]), dict.fromkeys(ROLES, 404)),
    "support_team:queue": (lambda ctx: reverse("support_team:queue"), expect(TEAM)),
    "support_team:caseload": (lambda ctx: reverse("support_team:caseload"), expect(TEAM)),
    "roster_import": (lambda ctx: reverse("roster_import"), expect(ROSTER)),
    "roster_import_detail": (
        lambda ctx: reverse("roster_import_detail", args=[ctx["own_import"].pk]),
        expect(ROSTER),
    ),
    # A district administrator's sign-in settings, for their own district.
    "sso:provider": (lambda ctx: reverse("sso:provider"), expect({"district_admin"})),
    "sso:accounts": (lambda ctx: reverse("sso:accounts"), expect({"district_admin"})),
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
    # What changed since a read: nothing of another school's is named (test_queue_changes).
    "support_team:queue_changes": (
        lambda ctx: reverse("support_team:queue_changes") + f"?since={time.time()}",
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
    # Another district's sign-in settings.
    **{
        name: lambda ctx, name=name: reverse(name) + f"?district={ctx['far_resource'].district_id}"
        for name in ("sso:provider", "sso:accounts")
    },
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
