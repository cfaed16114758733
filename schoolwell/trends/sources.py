"""What each table counts (tally.Part): which records, the row and column each falls in, and
where the nightly summary keeps them. The live grouping and the summary's columns are named
together here, so a figure read from the summary is the same figure counted live.

A tag names the kind of record: the same records are the same figure (and get the same
adjustment, cellkey.py) in every table that counts them.
"""

from django.db.models import Case, F, Q, Value, When

from schoolwell.trends import rollup, selectors
from schoolwell.trends.models import ConcernMonth, IntakeMonth, RequestMonth
from schoolwell.trends.scope import Scope
from schoolwell.trends.tally import Part

SUMMARY_ROW = {"month": "month", "school": "school_id", "grade": "grade"}


def concerns(scope: Scope, by: str) -> Part:
    """Concerns by month, school or grade. The summary does not keep which categories a
    concern had together, so with a category filter they are counted live."""
    row = {
        "month": rollup.month_of("created_at"),
        "school": F("school_id"),
        "grade": F("student__grade"),
    }[by]
    return Part(
        tag="concerns",
        records=selectors.concerns,
        row={"t_row": row},
        name="concerns",
        summary=None if scope.category_ids else ConcernMonth,
        summary_filter={"category__isnull": True},
        summary_row=SUMMARY_ROW[by],
        only_rows=by != "month",
    )


def requests(by: str) -> Part:
    """Students' requests by month, school or grade (they carry no category)."""
    row = {
        "month": rollup.month_of("report__submitted_at"),
        "school": F("report__school_id"),
        "grade": F("report__student__grade"),
    }[by]
    return Part(
        tag="requests",
        records=selectors.student_requests,
        row={"t_row": row},
        name="requests",
        student="report__student_id",
        summary=RequestMonth,
        summary_row=SUMMARY_ROW[by],
        only_rows=by != "month",
    )


def mentions(scope: Scope) -> Part:
    summary = {"category__isnull": False}
    if scope.category_ids:
        summary["category_id__in"] = scope.category_ids
    return Part(
        tag="mentions",
        records=selectors.mentions,
        row={"t_row": F("category_id")},
        name="concerns",
        student="concern__student_id",
        summary=ConcernMonth,
        summary_filter=summary,
        summary_row="category_id",
        only_rows=True,
    )


def triage() -> Part:
    """Intakes by month of opening: triaged within target, late, or waiting."""
    return Part(
        tag="intakes",
        records=selectors.intakes,
        row={"t_row": rollup.month_of("opened_at")},
        column=rollup.TRIAGE,
        summary=IntakeMonth,
        summary_row="month",
        summary_column="triage",
    )


def asked() -> Part:
    """Students who asked for a service on the self-report page, by service."""
    return Part(
        tag="requests",
        records=lambda scope: selectors.student_requests(scope).filter(
            kind="service", service__isnull=False
        ),
        row={"t_row": F("service__translation_key")},
        name="asked",
        student="report__student_id",
        summary=RequestMonth,
        summary_filter={"service_key__isnull": False},
        summary_row="service_key",
        only_rows=True,
    )


def routed() -> Part:
    """Intakes the team routed to a school service, by service."""
    return Part(
        tag="intakes",
        records=lambda scope: selectors.intakes(scope).filter(routed_service__isnull=False),
        row={"t_row": F("routed_service__translation_key")},
        name="routed",
        summary=IntakeMonth,
        summary_filter={"routed_key__isnull": False},
        summary_row="routed_key",
        only_rows=True,
    )


def needs() -> Part:
    """Needs raised (intakes from concerns and students' requests) per school, by outcome."""
    return Part(
        tag="intakes",
        records=lambda scope: selectors.intakes(scope).filter(source__in=rollup.NEED_SOURCES),
        row={"t_row": F("school_id")},
        column=rollup.OUTCOME,
        summary=IntakeMonth,
        summary_filter={"source__in": rollup.NEED_SOURCES},
        summary_row="school_id",
        summary_column="outcome",
        only_rows=True,
    )


def interventions() -> Part:
    return Part(
        tag="interventions",
        records=selectors.interventions,
        row={"t_row": F("kind")},
        column=F("status"),
        student="goal__case__student_id",
        only_rows=True,
    )


def referrals() -> Part:
    return Part(
        tag="referrals",
        records=selectors.referrals,
        row={"t_row": F("school_id")},
        column=Case(
            When(status="got_help", then=Value("got_help")),
            When(Q(status__in=selectors.REFERRAL_OPEN), then=Value("open")),
            default=Value("other"),
        ),
        only_rows=True,
    )


def tiers() -> Part:
    return Part(
        tag="cases",
        records=selectors.open_cases,
        row={"t_row": F("school_id")},
        column=F("tier"),
        only_rows=True,
    )


def caseload() -> Part:
    """Open cases per team member (school, member) and tier; a case with two members counts
    for each of them, its student once in a total."""
    return Part(
        tag="caseload",
        records=selectors.case_members,
        row={"t_row": F("case__school_id"), "t_row2": F("user_id")},
        column=F("case__tier"),
        student="case__student_id",
    )
