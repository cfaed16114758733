"""What students and teachers raised, and how fast the team answered: concerns and requests by
month, school, grade and category, time to triage, and services asked for and delivered."""

import datetime
from collections.abc import Callable

from django.utils.translation import gettext as _

from schoolwell.trends import frames, percentiles, selectors, sources, tally
from schoolwell.trends.frames import Derived, PublishedTable
from schoolwell.trends.scope import Scope


def _activity(scope: Scope, by: str, rows: list) -> tally.Grid:
    parts = [sources.concerns(scope, by), sources.requests(by)]
    return tally.count(scope, rows, ["concerns", "requests"], parts)


def by_month(scope: Scope, context: dict) -> PublishedTable:
    months = scope.months()
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
        grid=_activity(scope, "month", months),
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
        grid=_activity(scope, by, keys),
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
    enrolled = {None: context["enrolled"][None]}
    grid = tally.count(scope, list(categories), ["concerns"], [sources.mentions(scope)])
    return frames.publish(
        key="category",
        title=_("Concerns per 100 students, by category"),
        description=_(
            "A concern about several things counts once in each of its categories, so the "
            "total counts category mentions, not concerns."
        ),
        row_header=_("Category"),
        grid=grid,
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
        grid=tally.count(scope, months, columns, [sources.triage()], row_totals=True),
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
    """Every service the district has offered is a row; one no longer offered only while it
    has figures in the period."""
    Service = selectors.model("schoolwell.Service")
    names = selectors.service_names(Service.objects.values_list("translation_key", flat=True))
    keys = sorted(names, key=lambda k: names[k])
    grid = tally.count(scope, keys, ["asked", "routed"], [sources.asked(), sources.routed()])
    active = set(context["service_keys"])
    grid.rows = [k for k in keys if k in active or grid.at(k, "asked").n or grid.at(k, "routed").n]
    return frames.publish(
        key="services",
        title=_("Services students asked for, and services delivered"),
        description=_(
            "Asked for: a student ticked the service on the self-report page. Delivered: "
            "the team routed an item from the queue to that school service."
        ),
        row_header=_("Service"),
        grid=grid,
        row_labels=names,
        column_labels={"asked": _("Asked for"), "routed": _("Delivered (routed by the team)")},
        threshold=scope.threshold,
        chart="bar",
        total_label=_("All services"),
    )
