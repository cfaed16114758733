"""The plan of a case: goals, and the interventions that work towards each goal."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schoolwell.models import User
from support_team.models import Case, Goal, Intervention
from support_team.services.cases.core import lock, record, require_team_members


def _check_dates(start_date: date, review_date: date) -> None:
    if review_date < start_date:
        raise ValidationError({"review_date": _("The review date cannot be before the start.")})


@transaction.atomic
def goal_add(*, case: Case, by: User, description: str) -> Goal:
    """Add a goal to the plan (any member of the school's team, on an open case)."""
    case = lock(case, by=by)
    goal = Goal(case=case, description=(description or "").strip(), created_by=by)
    goal.full_clean()
    goal.save()
    record(case, by=by, title=_("Goal added to the plan"))
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, by: User, status: str, description: str | None = None) -> Goal:
    """Record where a goal stands (met, partly met, ...) and, optionally, reword it."""
    case = lock(goal.case_id, by=by)
    goal = Goal.objects.select_for_update().get(pk=goal.pk, case=case)
    changed = status != goal.status
    goal.status = status
    if description is not None and description.strip() != goal.description:
        goal.description = description.strip()
        changed = True
    if not changed:
        return goal
    goal.full_clean()
    goal.save()
    record(
        case,
        by=by,
        title=_("Goal marked: %(status)s") % {"status": goal.get_status_display()},
    )
    return goal


@transaction.atomic
def intervention_add(
    *,
    goal: Goal,
    by: User,
    kind: str,
    owner: User,
    start_date: date,
    frequency: str,
    review_date: date,
    description: str = "",
    status: str = Intervention.Status.PLANNED,
) -> Intervention:
    """Add an intervention under a goal. Its owner must be on the school's support team; the
    review (or due) date cannot come before the start."""
    case = lock(goal.case_id, by=by)
    goal = Goal.objects.get(pk=goal.pk, case=case)
    require_team_members(
        case, [owner], _("The owner of an intervention must be on the school's support team.")
    )
    _check_dates(start_date, review_date)
    intervention = Intervention(
        goal=goal,
        kind=kind,
        description=(description or "").strip(),
        owner=owner,
        start_date=start_date,
        frequency=frequency,
        review_date=review_date,
        status=status,
    )
    intervention.full_clean()
    intervention.save()
    record(
        case,
        by=by,
        title=_("Intervention added: %(kind)s") % {"kind": intervention.get_kind_display()},
    )
    return intervention


@transaction.atomic
def intervention_update(
    *,
    intervention: Intervention,
    by: User,
    status: str | None = None,
    owner: User | None = None,
    frequency: str | None = None,
    review_date: date | None = None,
    outcome_notes: str | None = None,
    description: str | None = None,
) -> Intervention:
    """Change an intervention: status, owner (on the school's team), frequency, review date,
    outcome notes, description. Only what is given changes; nothing different, no change."""
    case = lock(intervention.goal.case_id, by=by)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk, goal__case=case)
    if owner is not None and owner.pk != intervention.owner_id:
        require_team_members(
            case, [owner], _("The owner of an intervention must be on the school's support team.")
        )
    changes = {
        "status": status,
        "owner": owner,
        "frequency": frequency,
        "review_date": review_date,
        "outcome_notes": None if outcome_notes is None else outcome_notes.strip(),
        "description": None if description is None else description.strip(),
    }
    changed = False
    for field, value in changes.items():
        if value is not None and value != getattr(intervention, field):
            setattr(intervention, field, value)
            changed = True
    if not changed:
        return intervention
    _check_dates(intervention.start_date, intervention.review_date)
    intervention.full_clean()
    intervention.save()
    record(
        case,
        by=by,
        title=_("Intervention updated: %(kind)s, %(status)s")
        % {"kind": intervention.get_kind_display(), "status": intervention.get_status_display()},
    )
    return intervention
