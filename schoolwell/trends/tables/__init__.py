"""The dashboard's tables, one function each: sources -> tally.count() -> frames.publish().
Every title, definition and label is written in activity.py (what students and teachers
raised, and how fast the team answered) and support.py (what the team delivered), once, for
the page, the CSV and the JSON alike."""

from collections.abc import Callable

from schoolwell.trends import selectors
from schoolwell.trends.frames import PublishedTable
from schoolwell.trends.scope import Scope
from schoolwell.trends.tables import activity, support
from schoolwell.trends.tables.support import TIER_SHAPE

__all__ = ["TABLES", "TIER_SHAPE", "build", "context_for", "grade_order"]

TABLES: dict[str, Callable] = {
    "month": activity.by_month,
    "category": activity.by_category,
    "school": activity.by_school,
    "grade": activity.by_grade,
    "triage": activity.time_to_triage,
    "services": activity.services,
    "support": support.support_delivered,
    "referrals": support.referrals,
    "caseload": support.caseloads,
    "tiers": support.tiers,
    "needs": support.unmet_needs,
}


def _labels(scope: Scope):
    School = selectors.model("schoolwell.School")
    Category = selectors.model("schoolwell.Category")
    schools = dict(
        School.objects.filter(id__in=scope.school_ids).order_by("name").values_list("id", "name")
    )
    categories = Category.objects.order_by("order", "name")
    if scope.category_ids:
        categories = categories.filter(id__in=scope.category_ids)
    else:
        categories = categories.filter(active=True)
    return schools, dict(categories.values_list("id", "name"))


def context_for(scope: Scope) -> dict:
    """What several tables share, read once: names, grades, the denominators."""
    schools, categories = _labels(scope)
    Service = selectors.model("schoolwell.Service")
    by_grade = selectors.enrolled(scope, "grade")
    grades = scope.grades or tuple(sorted(by_grade, key=grade_order))
    return {
        "schools": schools,
        "categories": categories,
        "grades": list(grades),
        "by_grade": by_grade,
        "enrolled": selectors.enrolled(scope),
        "service_keys": list(
            Service.objects.filter(active=True).values_list("translation_key", flat=True)
        ),
    }


GRADE_ORDER = ["PK", "KG", *[f"{n:02d}" for n in range(1, 14)]]


def grade_order(grade: str | None) -> tuple:
    return (0, GRADE_ORDER.index(grade)) if grade in GRADE_ORDER else (1, grade or "")


def build(scope: Scope, keys=None) -> list[PublishedTable]:
    context = context_for(scope)
    tables = [TABLES[k](scope, context) for k in (keys or TABLES)]
    return [t for t in tables if t is not None]
