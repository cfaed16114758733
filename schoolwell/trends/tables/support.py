"""What the team delivered: interventions, community referrals, open cases by tier and per
team member, and the needs raised against those met."""

from django.utils.translation import gettext as _

from schoolwell.trends import frames, selectors, sources, tally
from schoolwell.trends.frames import Derived, PublishedTable
from schoolwell.trends.scope import Scope
from schoolwell.trends.suppression import shown

TIER_SHAPE = {1: 80, 2: 15, 3: 5}  # the usual multi-tiered shape, per cent of cases


def support_delivered(scope: Scope, context: dict) -> PublishedTable:
    Intervention = selectors.model("support_team.Intervention")
    statuses = dict(Intervention.Status.choices)
    kinds = dict(Intervention.Kind.choices)
    grid = tally.count(scope, kinds, statuses, [sources.interventions()], row_totals=True)
    return frames.publish(
        key="support",
        title=_("Support delivered: interventions by kind"),
        description=_("Interventions in students' plans that started during the period."),
        row_header=_("Intervention"),
        grid=grid,
        row_labels=kinds,
        column_labels=statuses,
        threshold=scope.threshold,
        chart="stack",
        total_label=_("All interventions"),
        row_totals=True,
        row_total_label=_("Started"),
    )


def referrals(scope: Scope, context: dict) -> PublishedTable | None:
    if selectors.referrals(scope) is None:
        return None
    columns = ["got_help", "other", "open"]
    grid = tally.count(scope, context["schools"], columns, [sources.referrals()], row_totals=True)
    return frames.publish(
        key="referrals",
        title=_("Community referrals sent and completed, by school"),
        description=_(
            "Referrals to community partners sent during the period, by what the partner "
            "reported. Got-help rate: referrals where the family got help, out of those "
            "that reached an outcome."
        ),
        row_header=_("School"),
        grid=grid,
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
    grid = tally.count(scope, context["schools"], tier_keys, [sources.tiers()], row_totals=True)
    return frames.publish(
        key="tiers",
        title=_("Open cases by tier of support, against 80/15/5"),
        description=_(
            "Cases open now. In a healthy system most students are supported at tier 1 "
            "(about 80%), fewer at tier 2 (15%) and few at tier 3 (5%)."
        ),
        row_header=_("School"),
        grid=grid,
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
    working = selectors.case_members(scope).values_list("case__school_id", "user_id").distinct()
    for key in working.order_by():
        members.setdefault(tuple(key), _("Team member"))
    grid = tally.count(
        scope, list(members), list(TIER_SHAPE), [sources.caseload()], row_totals=True
    )

    def published_total(key) -> int:
        return shown(grid.at(key, tally.TOTAL), scope.threshold)[1] or 0

    # Busiest first within each school, by the published figures (hidden ones last, as they
    # came): an order by the true counts would rank the caseloads the table hides.
    grid.rows = sorted(
        members, key=lambda k: (context["schools"].get(k[0], ""), -published_total(k))
    )
    labels, seen = {}, {}
    for key in grid.rows:
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
        grid=grid,
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
    grid = tally.count(scope, context["schools"], columns, [sources.needs()], row_totals=True)
    return frames.publish(
        key="needs",
        title=_("Needs raised and met, by school"),
        description=_(
            "Needs raised: items from teachers' concerns and students' requests that "
            "entered the queue during the period. Met: routed to a school service, taken "
            "into a case or referred to a community partner."
        ),
        row_header=_("School"),
        grid=grid,
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
