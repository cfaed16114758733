"""The dashboard's tables, one function each: selectors -> frames.publish(). Every title,
definition and label is written here, once, for the page, the CSV and the JSON alike."""

import datetime
from collections.abc import Callable

from django.utils.translation import gettext as _

from schoolwell.trends import frames, percentiles, selectors
from schoolwell.trends.frames import Derived, PublishedTable
from schoolwell.trends.scope import Scope

TIER_SHAPE = {1: 80, 2: 15, 3: 5}  # the usual multi-tiered shape, per cent of cases


def _labels(scope: Scope):
    School = selectors.model("schoolwell.School")
    Category = selectors.model("concerns.Category")
    schools = dict(
        School.objects.filter(id__in=scope.school_ids).order_by("name").values_list("id", "name")
    )
    categories = Category.objects.order_by("order", "name")
    if scope.category_ids:
        categories = categories.filter(id__in=scope.category_ids)
    else:
        categories = categories.filter(active=True)
    return schools, dict(categories.values_list("id", "name"))


def by_month(scope: Scope, context: dict) -> PublishedTable:
    months = scope.months()
    records = [
        {
            "key": r["key"].date() if hasattr(r["key"], "date") else r["key"],
            "column": c,
            "n": r["n"],
        }
        for c, rows in (
            ("concerns", selectors.concern_counts(scope, "month")),
            ("requests", selectors.request_counts(scope, "month")),
        )
        for r in rows
    ]
    enrolled = selectors.enrolled_by_month(scope)
    enrolled[None] = context["enrolled"][None]
    return frames.publish(
        key="month",
        title=_("Concerns and student requests per 100 students, by month"),
        description=_(
            "Teachers' concerns and students' own requests for help in each month, per 100 "
            "students enrolled during that month."
        ),
        row_header=_("Month"),
        counts=frames.grid(records, months, ["concerns", "requests"]),
        row_labels={m: m.strftime("%Y-%m") for m in months},
        column_labels={"concerns": _("Concerns"), "requests": _("Student requests")},
        threshold=scope.threshold,
        chart="line",
        total_label=_("Whole period"),
        derived=[
            Derived(_("Concerns per 100 students"), frames.per_100("concerns", enrolled)),
            Derived(_("Requests per 100 students"), frames.per_100("requests", enrolled)),
        ],
    )


def _by_group(scope: Scope, context: dict, by: str) -> PublishedTable:
    if by == "school":
        keys, labels = list(context["schools"]), context["schools"]
    else:
        keys = context["grades"]
        labels = {g: g or _("No grade recorded") for g in keys}
    records = [
        {"key": r["key"], "column": c, "n": r["n"]}
        for c, rows in (
            ("concerns", selectors.concern_counts(scope, by)),
            ("requests", selectors.request_counts(scope, by)),
        )
        for r in rows
        if r["key"] in labels
    ]
    enrolled = dict(context["by_grade"]) if by == "grade" else selectors.enrolled(scope, by)
    enrolled[None] = context["enrolled"][None]
    header = _("School") if by == "school" else _("Grade")
    return frames.publish(
        key=by,
        title=_("Concerns and student requests per 100 students, by %(group)s")
        % {"group": header.lower()},
        description=_(
            "Per 100 students enrolled at any time during the period. Grade is the "
            "student's grade now."
        ),
        row_header=header,
        counts=frames.grid(records, keys, ["concerns", "requests"]),
        row_labels=labels,
        column_labels={"concerns": _("Concerns"), "requests": _("Student requests")},
        threshold=scope.threshold,
        chart="bar",
        total_label=_("All"),
        derived=[
            Derived(_("Concerns per 100 students"), frames.per_100("concerns", enrolled)),
            Derived(_("Requests per 100 students"), frames.per_100("requests", enrolled)),
        ],
    )


def by_school(scope: Scope, context: dict) -> PublishedTable:
    return _by_group(scope, context, "school")


def by_grade(scope: Scope, context: dict) -> PublishedTable:
    return _by_group(scope, context, "grade")


def by_category(scope: Scope, context: dict) -> PublishedTable:
    categories = context["categories"]
    records = [
        {"key": r["key"], "column": "concerns", "n": r["n"]}
        for r in selectors.concern_category_counts(scope)
        if r["key"] in categories
    ]
    enrolled = {None: context["enrolled"][None]}
    return frames.publish(
        key="category",
        title=_("Concerns per 100 students, by category"),
        description=_(
            "A concern about several things counts once in each of its categories, so the "
            "total counts category mentions, not concerns."
        ),
        row_header=_("Category"),
        counts=frames.grid(records, list(categories), ["concerns"]),
        row_labels=categories,
        column_labels={"concerns": _("Concerns")},
        threshold=scope.threshold,
        chart="hbar",
        total_label=_("All category mentions"),
        derived=[
            Derived(
                _("Per 100 students"),
                lambda values, key: frames.per_100("concerns", enrolled)(values, None),
            )
        ],
    )


def _hours(delta: datetime.timedelta | None) -> float | None:
    return None if delta is None else delta.total_seconds() / 3600


def time_to_triage(scope: Scope, context: dict) -> PublishedTable:
    months = scope.months()
    columns = ["within", "late", "waiting"]
    rows = [
        {**r, "key": r["key"].date() if hasattr(r["key"], "date") else r["key"]}
        for r in selectors.triage_counts(scope)
    ]
    waits = {
        (k.date() if hasattr(k, "date") else k): v
        for k, v in percentiles.triage_percentiles(scope).items()
    }
    threshold = scope.threshold

    def percentile(fraction: float) -> Callable:
        def compute(values: dict, key) -> float | None:
            triaged = [values.get("within"), values.get("late")]
            if key is None or triaged == [0, 0]:
                return frames.NOT_APPLICABLE
            # A percentile of fewer than `threshold` waits (or of hidden counts) says too much.
            if None in triaged or sum(triaged) < threshold:
                return None
            return _hours(waits.get(key, {}).get(fraction))

        return compute

    return frames.publish(
        key="triage",
        title=_("Time from intake to triage, by month"),
        description=_(
            "Items that entered a school's queue each month: triaged within their target "
            "time (urgent: one hour; others: two school days), triaged later, or not yet "
            "triaged; and the median and 90th percentile wait in hours."
        ),
        row_header=_("Month"),
        counts=frames.wide(rows, months, columns),
        row_labels={m: m.strftime("%Y-%m") for m in months},
        column_labels={
            "within": _("Triaged within target"),
            "late": _("Triaged after target"),
            "waiting": _("Not yet triaged"),
        },
        threshold=threshold,
        chart="triage",
        total_label=_("Whole period"),
        row_totals=True,
        row_total_label=_("Items opened"),
        derived=[
            Derived(
                _("Within target (%)"), frames.share("within", ["within", "late"]), 0, suffix="%"
            ),
            Derived(_("Median wait (hours)"), percentile(0.5)),
            Derived(_("90th percentile wait (hours)"), percentile(0.9)),
        ],
        notes=[
            _(
                "Waits are counted in whole minutes. Percentiles are interpolated between "
                "the two nearest waits, as PERCENTILE_CONT does, and computed in the database."
            )
        ],
    )


def services(scope: Scope, context: dict) -> PublishedTable:
    rows = selectors.service_counts(scope)
    names = selectors.service_names({r["key"] for r in rows} | set(context["service_keys"]))
    keys = sorted(names, key=lambda k: names[k])
    return frames.publish(
        key="services",
        title=_("Services students asked for, and services delivered"),
        description=_(
            "Asked for: a student ticked the service on the self-report page. Delivered: "
            "the team routed an item from the queue to that school service."
        ),
        row_header=_("Service"),
        counts=frames.grid(rows, keys, ["asked", "routed"]),
        row_labels=names,
        column_labels={"asked": _("Asked for"), "routed": _("Delivered (routed by the team)")},
        threshold=scope.threshold,
        chart="bar",
        total_label=_("All services"),
    )


def support_delivered(scope: Scope, context: dict) -> PublishedTable:
    Intervention = selectors.model("support_team.Intervention")
    statuses = dict(Intervention.Status.choices)
    kinds = dict(Intervention.Kind.choices)
    return frames.publish(
        key="support",
        title=_("Support delivered: interventions by kind"),
        description=_("Interventions in students' plans that started during the period."),
        row_header=_("Intervention"),
        counts=frames.grid(selectors.intervention_counts(scope), kinds, statuses),
        row_labels=kinds,
        column_labels=statuses,
        threshold=scope.threshold,
        chart="stack",
        total_label=_("All interventions"),
        row_totals=True,
        row_total_label=_("Started"),
    )


def referrals(scope: Scope, context: dict) -> PublishedTable | None:
    rows = selectors.referral_counts(scope)
    if rows is None:
        return None
    columns = ["got_help", "other", "open"]
    return frames.publish(
        key="referrals",
        title=_("Community referrals sent and completed, by school"),
        description=_(
            "Referrals to community partners sent during the period, by what the partner "
            "reported. Got-help rate: referrals where the family got help, out of those "
            "that reached an outcome."
        ),
        row_header=_("School"),
        counts=frames.wide(rows, context["schools"], columns),
        row_labels=context["schools"],
        column_labels={
            "got_help": _("Got help"),
            "other": _("Closed without help"),
            "open": _("Still open"),
        },
        threshold=scope.threshold,
        chart="stack",
        total_label=_("All schools"),
        row_totals=True,
        row_total_label=_("Sent"),
        derived=[
            Derived(
                _("Got-help rate (%)"),
                frames.share("got_help", ["got_help", "other"]),
                0,
                suffix="%",
            )
        ],
    )


def tiers(scope: Scope, context: dict) -> PublishedTable:
    tier_keys = list(TIER_SHAPE)
    return frames.publish(
        key="tiers",
        title=_("Open cases by tier of support, against 80/15/5"),
        description=_(
            "Cases open now. In a healthy system most students are supported at tier 1 "
            "(about 80%), fewer at tier 2 (15%) and few at tier 3 (5%)."
        ),
        row_header=_("School"),
        counts=frames.grid(selectors.tier_counts(scope), context["schools"], tier_keys),
        row_labels=context["schools"],
        column_labels={t: _("Tier %(tier)s") % {"tier": t} for t in tier_keys},
        threshold=scope.threshold,
        chart="tiers",
        total_label=_("All schools"),
        row_totals=True,
        row_total_label=_("Open cases"),
        derived=[
            Derived(
                _("Tier %(tier)s (%% of cases; usual %(shape)s%%)") % {"tier": t, "shape": s},
                frames.share(t),
                0,
                suffix="%",
            )
            for t, s in TIER_SHAPE.items()
        ],
    )


def caseloads(scope: Scope, context: dict) -> PublishedTable:
    """Open cases per team member. Staff are shown by school, discipline and a number, never
    by name or id: a tiny caseload at a small school could otherwise point at a student."""
    from schoolwell.models import Discipline, Role

    disciplines = dict(Discipline.choices)
    members: dict[tuple, str] = {}
    for m in sorted(selectors.team_members(scope), key=lambda m: m["role_name"] != "support"):
        kind = (
            disciplines.get(m["kind"])
            if m["role_name"] == "support"
            else Role.SAFEGUARDING_LEAD.label
        )
        members.setdefault((m["school_key"], m["member"]), str(kind or _("Team member")))
    rows = [
        {"key": (r["school_key"], r["member"]), "column": r["column"], "n": r["n"]}
        for r in selectors.caseload_counts(scope)
    ]
    for r in rows:
        members.setdefault(r["key"], _("Team member"))
    counts = frames.grid(rows, list(members), list(TIER_SHAPE))
    # Busiest first within each school; numbered per school and discipline.
    order = sorted(
        members,
        key=lambda k: (context["schools"].get(k[0], ""), -int(counts.loc[[k]].sum(axis=1).iloc[0])),
    )
    labels, seen = {}, {}
    for key in order:
        school = context["schools"].get(key[0], "")
        seen[(school, members[key])] = seen.get((school, members[key]), 0) + 1
        labels[key] = f"{school} · {members[key]} {seen[(school, members[key])]}"
    return frames.publish(
        key="caseload",
        title=_("Caseload per team member"),
        description=_(
            "Open cases each team member works on (as lead or member), by tier. Team "
            "members are numbered, not named."
        ),
        row_header=_("Team member"),
        counts=counts.reindex(order),
        row_labels=labels,
        column_labels={t: _("Tier %(tier)s") % {"tier": t} for t in TIER_SHAPE},
        threshold=scope.threshold,
        chart="stack",
        total_label=_("All team members"),
        row_totals=True,
        row_total_label=_("Open cases"),
        notes=[_("A case with several team members counts once for each of them.")],
    )


def unmet_needs(scope: Scope, context: dict) -> PublishedTable:
    columns = ["delivered", "closed", "waiting"]
    return frames.publish(
        key="needs",
        title=_("Needs raised and met, by school"),
        description=_(
            "Needs raised: items from teachers' concerns and students' requests that "
            "entered the queue during the period. Met: routed to a school service, taken "
            "into a case or referred to a community partner."
        ),
        row_header=_("School"),
        counts=frames.wide(selectors.need_outcomes(scope), context["schools"], columns),
        row_labels=context["schools"],
        column_labels={
            "delivered": _("Met (service, case or referral)"),
            "closed": _("Closed without a service"),
            "waiting": _("Still waiting"),
        },
        threshold=scope.threshold,
        chart="stack",
        total_label=_("All schools"),
        row_totals=True,
        row_total_label=_("Needs raised"),
        derived=[Derived(_("Met (%)"), frames.share("delivered"), 0, suffix="%")],
    )


TABLES: dict[str, Callable] = {
    "month": by_month,
    "category": by_category,
    "school": by_school,
    "grade": by_grade,
    "triage": time_to_triage,
    "services": services,
    "support": support_delivered,
    "referrals": referrals,
    "caseload": caseloads,
    "tiers": tiers,
    "needs": unmet_needs,
}


def context_for(scope: Scope) -> dict:
    """What several tables share, read once: names, grades, the denominators."""
    schools, categories = _labels(scope)
    Service = selectors.model("self_report.Service")
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
