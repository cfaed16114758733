"""Read-only querysets for the trends dashboard: the records each table counts, within the
schools of a Scope (which schools those are was decided in schoolwell.permissions). They are
grouped in SQL (tally.py, sources.py): no student row ever reaches Python.

Date range: concerns by created_at, student requests by the report's submitted_at, intakes
by opened_at, referrals by sent_at, interventions by start_date. Grade is the student's
current grade. Caseloads and tiers are the cases open now (the date range does not apply).
"""

import dataclasses
import datetime
from collections.abc import Iterable

from django.apps import apps
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from wagtail.models import Locale

from schoolwell.trends.scope import Scope


def model(label: str):
    app_label, name = label.split(".")
    return apps.get_model(app_label, name)


def _live(scope: Scope, field: str) -> Q:
    """The days of the range the nightly summary does not cover: two index ranges, so the
    database reads only those rows."""
    if scope.rolled is None:
        return Q(**{f"{field}__gte": scope.since, f"{field}__lt": scope.until})
    first, after = scope.live_bounds()
    days = Q(pk__in=[])
    if scope.since < first:
        days |= Q(**{f"{field}__gte": scope.since, f"{field}__lt": first})
    if after < scope.until:
        days |= Q(**{f"{field}__gte": after, f"{field}__lt": scope.until})
    return days


def all_live(scope: Scope) -> Scope:
    return dataclasses.replace(scope, rolled=None)


# --- concerns and student requests ------------------------------------------------------------


def concerns(scope: Scope) -> QuerySet:
    Concern = model("concerns.Concern")
    qs = Concern.objects.filter(_live(scope, "created_at"), school_id__in=scope.school_ids)
    if scope.grades:
        qs = qs.filter(student__grade__in=scope.grades)
    if scope.category_ids:
        through = Concern.categories.through.objects.filter(
            concern_id=OuterRef("pk"), category_id__in=scope.category_ids
        )
        qs = qs.filter(Exists(through))
    return qs


def mentions(scope: Scope) -> QuerySet:
    """Concern-category pairs: a concern about two things is a mention in each category."""
    Concern = model("concerns.Concern")
    qs = Concern.categories.through.objects.filter(
        _live(scope, "concern__created_at"), concern__school_id__in=scope.school_ids
    )
    if scope.grades:
        qs = qs.filter(concern__student__grade__in=scope.grades)
    if scope.category_ids:
        qs = qs.filter(category_id__in=scope.category_ids)
    return qs


def student_requests(scope: Scope) -> QuerySet:
    """What students asked for (each request opens its own intake). They carry no category,
    so the category filter does not apply to them."""
    Request = model("self_report.SelfReportRequest")
    qs = Request.objects.filter(
        _live(scope, "report__submitted_at"), report__school_id__in=scope.school_ids
    )
    if scope.grades:
        qs = qs.filter(report__student__grade__in=scope.grades)
    return qs


# --- enrolment: the denominators of "per 100 students" ----------------------------------------


def enrollments(scope: Scope, start: datetime.date, end: datetime.date) -> QuerySet:
    """Enrolments at the scope's schools that overlap [start, end]."""
    Enrollment = model("schoolwell.Enrollment")
    qs = Enrollment.objects.filter(school_id__in=scope.school_ids).filter(
        Q(start_date__isnull=True) | Q(start_date__lte=end),
        Q(end_date__isnull=True) | Q(end_date__gte=start),
    )
    if scope.grades:
        qs = qs.filter(student__grade__in=scope.grades)
    return qs


def enrolled(scope: Scope, by: str | None = None) -> dict:
    """Distinct students enrolled during the range, overall (key None) or per school/grade."""
    qs = enrollments(scope, scope.start, scope.end).order_by()
    if by is None:
        return {None: qs.aggregate(n=Count("student", distinct=True))["n"]}
    field = {"school": "school_id", "grade": "student__grade"}[by]
    rows = qs.values(key=F(field)).annotate(n=Count("student", distinct=True))
    return {row["key"]: row["n"] for row in rows}


def enrolled_by_month(scope: Scope) -> dict[datetime.date, int]:
    """Students enrolled during each month of the range, in one query."""
    months = scope.months()
    qs = enrollments(scope, scope.start, scope.end).order_by()
    counts = {}
    for month in months:
        end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        overlap = (Q(start_date__isnull=True) | Q(start_date__lte=end)) & (
            Q(end_date__isnull=True) | Q(end_date__gte=month)
        )
        counts[f"m{month:%Y%m}"] = Count("student", distinct=True, filter=overlap)
    if not counts:
        return {}
    result = qs.aggregate(**counts)
    return {month: result[f"m{month:%Y%m}"] for month in months}


# --- time to triage -----------------------------------------------------------------------------


def intakes(scope: Scope) -> QuerySet:
    Intake = model("support_team.Intake")
    qs = Intake.objects.filter(_live(scope, "opened_at"), school_id__in=scope.school_ids)
    if scope.grades:
        qs = qs.filter(student__grade__in=scope.grades)
    return qs


# --- services, support delivered, unmet needs ---------------------------------------------------


def service_names(keys: Iterable) -> dict:
    Service = model("schoolwell.Service")
    names: dict = {}
    # The default locale's name wins; any translation names a service it lacks.
    rows = Service.objects.filter(translation_key__in=list(keys)).order_by("-locale_id")
    default = Locale.get_default().pk if Locale.objects.exists() else None
    for key, name, locale in rows.values_list("translation_key", "name", "locale_id"):
        if key not in names or locale == default:
            names[key] = name
    return names


def interventions(scope: Scope) -> QuerySet:
    """Support the team delivered: interventions started in the range."""
    Intervention = model("support_team.Intervention")
    qs = Intervention.objects.filter(
        goal__case__school_id__in=scope.school_ids,
        start_date__gte=scope.start,
        start_date__lte=scope.end,
    )
    if scope.grades:
        qs = qs.filter(goal__case__student__grade__in=scope.grades)
    if scope.category_ids:
        qs = qs.filter(_case_has_need("goal__case_id", scope.category_ids))
    return qs


def _case_has_need(case_field: str, category_ids: tuple[int, ...]) -> Exists:
    Case = model("support_team.Case")
    return Exists(
        Case.needs.through.objects.filter(
            case_id=OuterRef(case_field), category_id__in=category_ids
        )
    )


# --- referrals ----------------------------------------------------------------------------------

REFERRAL_OPEN = ("sent", "needs_client_action", "accepted")


def referrals(scope: Scope) -> QuerySet | None:
    """Referrals sent in the range; None if referrals are not installed."""
    try:
        Referral = model("community_links.Referral")
    except LookupError:
        return None
    qs = Referral.objects.filter(
        school_id__in=scope.school_ids, sent_at__gte=scope.since, sent_at__lt=scope.until
    )
    if scope.grades:
        qs = qs.filter(student__grade__in=scope.grades)
    if scope.category_ids:
        qs = qs.filter(need_id__in=scope.category_ids)
    return qs


# --- caseloads and tiers (cases open now) -------------------------------------------------------


def open_cases(scope: Scope) -> QuerySet:
    """Cases open now (the date range does not apply)."""
    Case = model("support_team.Case")
    qs = Case.objects.filter(school_id__in=scope.school_ids, status="open")
    if scope.grades:
        qs = qs.filter(student__grade__in=scope.grades)
    if scope.category_ids:
        qs = qs.filter(_case_has_need("pk", scope.category_ids))
    return qs


def case_members(scope: Scope) -> QuerySet:
    """Who works on each open case (lead or member). Member ids stay in the server: the
    caseload table turns them into anonymous labels."""
    return model("support_team.CaseMember").objects.filter(case__in=open_cases(scope))


def team_members(scope: Scope) -> list[dict]:
    """Everyone on the schools' teams (with no open case too): their discipline, per school."""
    Membership = model("schoolwell.Membership")
    return list(
        Membership.objects.filter(
            school_id__in=scope.school_ids,
            role__in=["support", "safeguarding_lead"],
            active=True,
        )
        .order_by()
        .values(
            school_key=F("school_id"),
            member=F("user_id"),
            role_name=F("role"),
            kind=F("discipline"),
        )
    )
