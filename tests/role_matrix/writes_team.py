"""The write matrix's queue and case routes (see tests/role_matrix/writes.py)."""

from django.core.cache import cache

from support_team.models import Intake
from support_team.selectors import presence_key, routable_services
from support_team.services import intake_claim
from support_team.services.cases import case_close
from tests.role_matrix.expect import SL, Write, expect, refused, today, url
from tests.role_matrix.roles import TEAM


def claimed(c) -> None:
    """Held by the acting team member (school A), or by the school's own lead (school B)."""
    holder = c.user if c.own and c.role in TEAM else c.w.lead
    intake_claim(intake=Intake.objects.get(pk=c.w.intake.pk), by=holder)


def held_by_lead(c) -> None:
    intake_claim(intake=Intake.objects.get(pk=c.w.intake.pk), by=c.w.lead)


def closed(c) -> None:
    case = type(c.w.case).objects.get(pk=c.w.case.pk)
    case_close(case=case, by=c.w.lead, summary="Done", cancel_open_follow_ups=True)


def present(c) -> bool:
    return c.user is not None and c.user.pk in (cache.get(presence_key(c.w.intake.pk)) or {})


TEAM_WRITES = expect(TEAM)
# Another school's goal, member or follow-up under this school's case: not found.
NOT_ITS = refused(404, TEAM)
INTAKE = {
    "support_team:claim": Write(url("support_team:claim", "intake"), TEAM_WRITES, "intake"),
    "support_team:release": Write(
        url("support_team:release", "intake"), TEAM_WRITES, "intake", prepare=claimed
    ),
    "support_team:assign": Write(
        url("support_team:assign", "intake"),
        TEAM_WRITES,
        "intake",
        body=lambda c: {"to": c.b.spare.pk},
        mixed=refused(400, TEAM),
    ),
    "support_team:set_urgency": Write(
        url("support_team:set_urgency", "intake"),
        TEAM_WRITES,
        "intake",
        body=lambda c: {"urgency": Intake.Urgency.HIGH},
    ),
    "support_team:to_case": Write(
        url("support_team:to_case", "intake"),
        TEAM_WRITES,
        "intake",
        body=lambda c: {"tier": 1, "needs": [c.b.category.pk]},
    ),
    "support_team:route": Write(
        url("support_team:route", "intake"),
        TEAM_WRITES,
        "intake",
        body=lambda c: {"service": routable_services().first().pk},
    ),
    "support_team:escalate": Write(url("support_team:escalate", "intake"), TEAM_WRITES, "intake"),
    # Once someone else has it, only they or the safeguarding lead decide.
    "support_team:close (someone else has it)": Write(
        url("support_team:close", "intake"),
        expect(TEAM, SL),
        "intake",
        body=lambda c: {"reason": "no_action", "note": ""},
        prepare=held_by_lead,
    ),
    "support_team:close": Write(
        url("support_team:close", "intake"),
        TEAM_WRITES,
        "intake",
        body=lambda c: {"reason": "no_action", "note": ""},
    ),
    # Presence lives in the cache, not in the database.
    "support_team:presence": Write(
        url("support_team:presence", "intake"), TEAM_WRITES, None, wrote=present
    ),
}

# The case is led by a social worker who is none of the acting users: the safeguarding lead
# may do what only the lead may, the rest of the team may not.
# Refused on the case page: the page again (400) with the reason beside the form or button.
LEAD_ONLY = expect(TEAM, SL, refused=400)
LEAD_ONLY_FORM = LEAD_ONLY


def iv(c, **fields) -> dict:
    return {f"iv{c.b.intervention.pk}-{k}": v for k, v in fields.items()}


CASE = {
    "support_team:case_update": Write(
        url("support_team:case_update", "case"),
        TEAM_WRITES,
        "case",
        body=lambda c: {"tier": 2, "needs": [c.b.category.pk], "lead": c.b.lead.pk},
        mixed=refused(400, SL),  # only the safeguarding lead's form has the lead field
    ),
    "support_team:case_member_add": Write(
        url("support_team:case_member_add", "case"),
        LEAD_ONLY_FORM,
        "casemember",
        body=lambda c: {"user": c.b.spare.pk},
        mixed=refused(400, SL),
    ),
    "support_team:case_member_join": Write(
        url("support_team:case_member_join", "case"), TEAM_WRITES, "casemember"
    ),
    "support_team:case_member_remove": Write(
        url("support_team:case_member_remove", "case", "helper"),
        LEAD_ONLY,
        "casemember",
        mixed=NOT_ITS,
    ),
    "support_team:case_goal_add": Write(
        url("support_team:case_goal_add", "case"),
        TEAM_WRITES,
        "goal",
        body=lambda c: {"description": "Eat breakfast"},
    ),
    "support_team:case_goal_update": Write(
        url("support_team:case_goal_update", "case", "goal"),
        TEAM_WRITES,
        "goal",
        body=lambda c: {"status": "met"},
        mixed=NOT_ITS,
    ),
    "support_team:case_intervention_add": Write(
        url("support_team:case_intervention_add", "case"),
        TEAM_WRITES,
        "intervention",
        body=lambda c: {
            "goal": c.b.goal.pk,
            "owner": c.b.lead.pk,
            "kind": "check_in",
            "description": "Lunch club",
            "start_date": today(),
            "frequency": "weekly",
            "review_date": today(),
            "status": "planned",
        },
        mixed=refused(400, TEAM),
    ),
    "support_team:case_intervention_update": Write(
        url("support_team:case_intervention_update", "case", "intervention"),
        TEAM_WRITES,
        "intervention",
        body=lambda c: iv(
            c,
            status="active",
            frequency="weekly",
            review_date=today(),
            outcome_notes="Going well",
            owner=c.b.lead.pk,
        ),
        mixed=NOT_ITS,
    ),
    "support_team:case_note_add": Write(
        url("support_team:case_note_add", "case"),
        TEAM_WRITES,
        "note",
        body=lambda c: {"level": "team", "body": "Spoke to the family", "goal": c.b.goal.pk},
        mixed=refused(400, TEAM),
    ),
    # Notes above the writer's level are refused: health-only for the health disciplines,
    # lead-only for the case lead (nobody here) and the safeguarding lead.
    "support_team:case_note_add (health only)": Write(
        url("support_team:case_note_add", "case"),
        expect(TEAM, {"nurse", "psychologist", "counselor", "safeguarding_lead"}, refused=400),
        "note",
        body=lambda c: {"level": "health", "body": "Medication changed", "goal": ""},
    ),
    "support_team:case_note_add (lead only)": Write(
        url("support_team:case_note_add", "case"),
        expect(TEAM, SL, refused=400),
        "note",
        body=lambda c: {"level": "lead", "body": "Disclosure", "goal": ""},
    ),
    "support_team:case_meeting_add": Write(
        url("support_team:case_meeting_add", "case"),
        TEAM_WRITES,
        "meeting",
        body=lambda c: {
            "held_on": today(),
            "summary": "Reviewed the plan",
            "attendees": [c.b.helper.pk],
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
        mixed=refused(400, TEAM),
    ),
    "support_team:case_follow_up_add": Write(
        url("support_team:case_follow_up_add", "case"),
        TEAM_WRITES,
        "followup",
        body=lambda c: {"title": "Write to the GP", "assignee": c.b.lead.pk, "due_on": today()},
        mixed=refused(400, TEAM),
    ),
    "support_team:case_follow_up_done": Write(
        url("support_team:case_follow_up_done", "case", "follow_up"),
        TEAM_WRITES,
        "followup",
        mixed=NOT_ITS,
    ),
    # The follow-up is the lead's: only they or the safeguarding lead call it off.
    "support_team:case_follow_up_cancel": Write(
        url("support_team:case_follow_up_cancel", "case", "follow_up"),
        LEAD_ONLY,
        "followup",
        mixed=NOT_ITS,
    ),
    "support_team:case_close": Write(
        url("support_team:case_close", "case"),
        LEAD_ONLY_FORM,
        "case",
        body=lambda c: {"summary": "Attending again", "cancel_open_follow_ups": "on"},
    ),
    "support_team:case_reopen": Write(
        url("support_team:case_reopen", "case"), LEAD_ONLY, "case", prepare=closed
    ),
}
