"""Every staff form, posted through its real view by a signed-in member with MFA, with
hypothesis-made malformed input: NUL bytes, huge and odd text, wrong types, out-of-range
numbers and dates, another school's ids, missing fields and repeated keys. The page never
answers with a server error; a refused post writes nothing; another school's rows never
change. Each example is rolled back, so each starts from the same world (see engine.py)."""

from collections import Counter

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from community_links.models import Referral
from concerns.models import Concern
from schoolwell.models import Role
from support_team.models import Case, CloseReason, Goal, Intake, Intervention, Note
from support_team.selectors import routable_services
from tests.factories import member
from tests.fuzz.engine import (
    BOUNDED,
    GARBAGE,
    MISSING,
    NEAR_DATES,
    Field,
    broken,
    exercise,
    pairs,
    values,
)
from tests.fuzz.world import school_world

TEXT = values(["Seen at lunch", 'Said: "it\'s fine"', "ñ 😞"])
DATES = Field(NEAR_DATES.map(str), broken(GARBAGE))
FLAG = Field(
    st.sampled_from([MISSING, "on"]), st.sampled_from(["off", "", "0", "\x00", "x" * 9000])
)


def ids(*objects):
    return [o.pk for o in objects]


def choices(enum):
    return [c for c in enum.values]


def concern_fields(w, other):
    return {
        "student": values(ids(w.student, other.student)),
        "categories": values(ids(*w.categories.values())),
        "severity": values(choices(Concern.Severity)),
        "narrative": TEXT,
        "observed_on": DATES,
        "observed_place": TEXT,
        "immediate_risk": FLAG,
        "idempotency_key": Field(st.uuids().map(str), broken(GARBAGE)),
    }


def team(w, other):
    return ids(w.lead, w.social_worker, w.nurse, w.teacher, other.lead)


def intervention_fields(w, other):
    return {
        "goal": values(ids(w.goal, other.goal)),
        "owner": values(team(w, other)),
        "kind": values(choices(Intervention.Kind)),
        "description": TEXT,
        "start_date": DATES,
        "frequency": values(choices(Intervention.Frequency)),
        "review_date": DATES,
        "status": values(choices(Intervention.Status)),
    }


def intervention_update_fields(w, other):
    """The update form of one intervention on the case page carries its prefix."""
    fields = {
        k: v for k, v in intervention_fields(w, other).items() if k not in ("goal", "start_date")
    }
    fields["outcome_notes"] = TEXT
    return {f"iv{w.intervention.pk}-{name}": field for name, field in fields.items()}


def meeting_fields(w, other):
    action = {
        "actions-TOTAL_FORMS": values(["0", "1", "2", "1000"]),
        "actions-INITIAL_FORMS": values(["0"]),
        "actions-MAX_NUM_FORMS": values(["10"]),
        "actions-0-title": TEXT,
        "actions-0-assignee": values(team(w, other)),
        "actions-0-due_on": DATES,
        "actions-1-title": TEXT,
    }
    return {
        "held_on": DATES,
        "attendees": values(team(w, other)),
        "other_attendees": TEXT,
        "summary": TEXT,
        "decisions": TEXT,
        **action,
    }


def referral_fields(w, other):
    return {
        "resources": values(ids(w.resource, other.resource)),
        "need": values(ids(*w.categories.values())),
        "consent_by": values(["family", "student", "nobody"]),
        "consent_name": TEXT,
        "share_name": FLAG,
        "share_need": FLAG,
        "share_contact": FLAG,
        "contact_route": TEXT,
        "contacts_family": FLAG,
        "do_not_contact_checked": FLAG,
        "share_note": FLAG,
        "note": TEXT,
    }


def case_url(name, more=lambda w: {}):
    return lambda w: reverse(f"support_team:{name}", kwargs={"pk": w.case.pk, **more(w)})


# (who posts, method, url, fields)
ROUTES = {
    "concern-new": ("teacher", "POST", lambda w: reverse("concerns:new"), concern_fields),
    "observation": (
        "teacher",
        "POST",
        lambda w: reverse("concerns:observe", args=[w.concern.pk]),
        lambda w, o: {"text": TEXT},
    ),
    "triage-assign": (
        "safeguarding_lead",
        "POST",
        lambda w: reverse("support_team:assign", args=[w.intake.pk]),
        lambda w, o: {"to": values(team(w, o))},
    ),
    "triage-urgency": (
        "safeguarding_lead",
        "POST",
        lambda w: reverse("support_team:set_urgency", args=[w.intake.pk]),
        lambda w, o: {"urgency": values(choices(Intake.Urgency))},
    ),
    "triage-to-case": (
        "safeguarding_lead",
        "POST",
        lambda w: reverse("support_team:to_case", args=[w.intake.pk]),
        lambda w, o: {
            "tier": values(choices(Case.Tier)),
            "needs": values(ids(*w.categories.values())),
        },
    ),
    "triage-route": (
        "safeguarding_lead",
        "POST",
        lambda w: reverse("support_team:route", args=[w.intake.pk]),
        lambda w, o: {"service": values(list(routable_services().values_list("pk", flat=True)))},
    ),
    "triage-escalate": (
        "safeguarding_lead",
        "POST",
        lambda w: reverse("support_team:escalate", args=[w.intake.pk]),
        lambda w, o: {"reason": TEXT},
    ),
    "triage-close": (
        "safeguarding_lead",
        "POST",
        lambda w: reverse("support_team:close", args=[w.intake.pk]),
        lambda w, o: {"reason": values(choices(CloseReason)), "note": TEXT},
    ),
    "case-update": (
        "lead",
        "POST",
        case_url("case_update"),
        lambda w, o: {
            "tier": values(choices(Case.Tier)),
            "needs": values(ids(*w.categories.values())),
            "lead": values(team(w, o)),
        },
    ),
    "case-member-add": (
        "lead",
        "POST",
        case_url("case_member_add"),
        lambda w, o: {"user": values(team(w, o))},
    ),
    "case-goal-add": (
        "lead",
        "POST",
        case_url("case_goal_add"),
        lambda w, o: {"description": TEXT},
    ),
    "case-goal-update": (
        "lead",
        "POST",
        case_url("case_goal_update", more=lambda w: {"goal_pk": w.goal.pk}),
        lambda w, o: {"status": values(choices(Goal.Status))},
    ),
    "case-intervention-add": (
        "lead",
        "POST",
        case_url("case_intervention_add"),
        intervention_fields,
    ),
    "case-intervention-update": (
        "lead",
        "POST",
        case_url("case_intervention_update", more=lambda w: {"intervention_pk": w.intervention.pk}),
        intervention_update_fields,
    ),
    "case-note-add": (
        "lead",
        "POST",
        case_url("case_note_add"),
        lambda w, o: {
            "body": TEXT,
            "level": values(choices(Note.Level)),
            "goal": values(ids(w.goal, o.goal)),
        },
    ),
    "case-meeting-add": ("lead", "POST", case_url("case_meeting_add"), meeting_fields),
    "case-follow-up-add": (
        "lead",
        "POST",
        case_url("case_follow_up_add"),
        lambda w, o: {"title": TEXT, "due_on": DATES, "assignee": values(team(w, o))},
    ),
    "case-follow-up-done": (
        "lead",
        "POST",
        case_url("case_follow_up_done", more=lambda w: {"follow_up_pk": w.follow_up.pk}),
        lambda w, o: {"note": TEXT},
    ),
    "case-close": (
        "lead",
        "POST",
        case_url("case_close"),
        lambda w, o: {"summary": TEXT, "cancel_open_follow_ups": FLAG},
    ),
    "referral-send": (
        "lead",
        "POST",
        lambda w: reverse("community_links:referral_new", args=[w.case.pk]),
        referral_fields,
    ),
    "referral-status-team": (
        "lead",
        "POST",
        lambda w: reverse("community_links:referral_status", args=[w.referral.pk]),
        lambda w, o: {"status": values(choices(Referral.Status)), "note": TEXT},
    ),
    "referral-status-partner": (
        "partner",
        "POST",
        lambda w: reverse("partners:referral", args=[w.referral.pk]),
        lambda w, o: {"status": values(choices(Referral.Status)), "note": TEXT},
    ),
    "concern-student-search": (
        "teacher",
        "GET",
        lambda w: reverse("concerns:new"),
        lambda w, o: {"student": values(ids(w.student, o.student)), "q": TEXT},
    ),
    "directory-search": (
        "lead",
        "GET",
        lambda w: reverse("community_links:directory"),
        lambda w, o: {
            "need": values(ids(*w.categories.values())),
            "language": values(["en", "es", "zz"]),
            "age": values(["0", "12", "120", "121", "-1"]),
            "grade": values(["07", "K", "13"]),
            "open_now": FLAG,
            "near": values(["school", "postcode", "home"]),
            "postcode": values(["95814", "00000"]),
            "within_km": values(["1", "5.5", "0", "-3", "1e308"]),
            "q": TEXT,
            "case": values(ids(w.case, o.case)),
        },
    ),
    "queue-filter": (
        "safeguarding_lead",
        "GET",
        lambda w: reverse("support_team:queue"),
        lambda w, o: {
            "school": values([w.school.pk, o.school.pk]),
            "urgency": values(choices(Intake.Urgency)),
            "source": values(choices(Intake.Source)),
            "unclaimed": FLAG,
            "partial": values(["rows"]),
        },
    ),
    "case-list-filter": (
        "lead",
        "GET",
        lambda w: reverse("support_team:cases"),
        lambda w, o: {
            "scope": values(["mine", "school", "all"]),
            "tier": values(choices(Case.Tier)),
            "status": values(choices(Case.Status)),
            "page": values(["1", "2", "0", "-1", "last"]),
        },
    ),
    "trends-filter": (
        "analyst",
        "GET",
        lambda w: reverse("trends:dashboard"),
        lambda w, o: {
            "start": DATES,
            "end": DATES,
            "school": values([w.school.pk, o.school.pk]),
            "grade": values(["07", "K", "13"]),
            "category": values(ids(*w.categories.values())),
        },
    ),
}


def foreign_rows(other):
    """The other school's objects a crafted id could reach."""

    def rows():
        return [
            list(model.objects.filter(pk=obj.pk).values())
            for model, obj in (
                (Case, other.case),
                (Intake, other.intake),
                (Concern, other.concern),
                (Goal, other.goal),
                (Intervention, other.intervention),
                (Referral, other.referral),
            )
        ] + [sorted(other.case.members.values_list("id", flat=True))]

    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("route", list(ROUTES))
def test_no_malformed_post_is_a_server_error_or_a_partial_write(client, school_a, school_b, route):
    who, method, url_of, fields_of = ROUTES[route]
    w, other = school_world(school_a), school_world(school_b)
    w.analyst = member(Role.DISTRICT_ANALYST, district=school_a.district)
    client.force_login(getattr(w, who))
    url, fields = url_of(w), fields_of(w, other)
    seen = Counter()

    @BOUNDED
    @given(pairs(fields))
    def post(body):
        status, was_refused = exercise(client, method, url, body, foreign_rows(other))
        seen[(status, "refused" if was_refused else "done")] += 1

    post()
    print(f"\n{route}: {dict(seen)}")
    assert seen.total() >= 10


@pytest.mark.django_db
@pytest.mark.parametrize("student", ["0" * 5000, "9" * 40, "²", "١٢"])
def test_a_concern_naming_an_unparsable_student_id_is_refused_not_a_server_error(
    client, teacher_a, student
):
    """Found by the fuzzer: the page looked the chosen student up with any str.isdigit()
    value, and "²", a 40-digit or a 5,000-digit id was a 500."""
    client.force_login(teacher_a)
    response = client.post(reverse("concerns:new"), {"student": student, "narrative": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["student"]
    assert not Concern.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["concerns:new", "concerns:student_search"])
def test_a_student_search_of_a_huge_word_finds_nothing_rather_than_a_server_error(
    client, teacher_a, student_a, url
):
    """Found by the fuzzer: a 60,000-character search word made SQLite refuse the LIKE
    pattern ("pattern too complex"), a 500."""
    client.force_login(teacher_a)
    response = client.get(reverse(url), {"q": "ab" * 30_000})
    assert response.status_code == 200
    assert student_a.sis_id not in response.content.decode()
