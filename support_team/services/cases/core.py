"""The case itself: opening (or joining) it, its lead, tier, needs and team, closing and
reopening. Shared by the plan and record services: `lock` (the one way a change starts) and
`record` (the one way it ends: a new version, a history row, a chronology line)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schoolwell import permissions
from schoolwell.models import School, Student, User
from support_team.models import Case, CaseMember, TimelineEntry
from support_team.selectors import team_members
from support_team.services import timeline_add


def case_link(case: Case) -> str:
    return reverse("support_team:case", args=[case.pk])


def lock(case: Case | int, *, by: User, open_only: bool = True) -> Case:
    """The case row, locked for this change. Refuses anyone outside the school's support
    team, and any change to a closed case (reopen it first)."""
    pk = case if isinstance(case, int) else case.pk
    # of=("self",): lock the case only, never the student or school rows joined in.
    locked = (
        Case.objects.select_for_update(of=("self",))
        .select_related("student", "school", "lead")
        .get(pk=pk)
    )
    if not permissions.can_work_on_case(by, locked):
        raise ValidationError(_("Only members of the school's support team work on cases."))
    if open_only and not locked.is_open:
        raise ValidationError(_("This case is closed. Reopen it to change it."))
    return locked


def record(case: Case, *, by: User, title: str, categories: Iterable[str] = ()) -> Case:
    """End a change: a new case version (and so a history row) and a chronology line that
    says what kind of thing happened, never what was written."""
    case.version += 1
    case.full_clean()
    case.save()
    timeline_add(
        student=case.student,
        school=case.school,
        source=TimelineEntry.Source.CASE,
        title=title,
        categories=categories,
        actor=by,
        link=case_link(case),
    )
    return case


def require_team_members(case: Case, people: Iterable[User], message: str) -> None:
    """Everyone named must be on the school's support team now (active, not left)."""
    team = {u.pk for u in team_members(school_id=case.school_id)}
    if any(person.pk not in team for person in people):
        raise ValidationError(message)


@transaction.atomic
def case_open_or_join(
    *,
    school: School,
    student: Student,
    by: User,
    lead: User | None = None,
    tier: int | None = None,
    needs: Iterable = (),
) -> tuple[Case, bool]:
    """The student's open case at this school, or a new one led by `lead` (default: `by`).
    A student has at most one open case per school (a constraint); joining adds `by` to the
    team and the needs to the case (`tier` unset: universal). Returns (case, created)."""
    lead = lead or by
    for person in {lead, by}:
        if not permissions.is_team_at(person, school.pk):
            raise ValidationError(_("Only members of the school's support team work on cases."))
    case = (
        Case.objects.select_for_update()
        .filter(school=school, student=student, status=Case.Status.OPEN)
        .first()
    )
    created = case is None
    if case is None:
        case = Case(
            school=school,
            student=student,
            lead=lead,
            tier=Case.Tier.UNIVERSAL if tier is None else tier,
            opened_at=timezone.now(),
            opened_by=by,
        )
        case.full_clean()
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            # Someone opened it a moment ago: join theirs.
            case = Case.objects.select_for_update().get(
                school=school, student=student, status=Case.Status.OPEN
            )
            created = False
    for person in {case.lead, by}:
        CaseMember.objects.get_or_create(case=case, user=person, defaults={"added_by": by})
    needs = list(needs)
    if needs:
        case.needs.add(*needs)
    if not created:
        case.version += 1
        case.save(update_fields=["version"])
    timeline_add(
        student=student,
        school=school,
        source=TimelineEntry.Source.CASE,
        title=_("Case opened") if created else _("Joined the open case"),
        categories=[n.slug for n in needs],
        actor=by,
        link=case_link(case),
    )
    return case, created


@transaction.atomic
def case_update(
    *,
    case: Case,
    by: User,
    tier: int | None = None,
    needs: Iterable | None = None,
    lead: User | None = None,
) -> Case:
    """Change the tier, the needs or the lead. Any member of the school's team may change
    the tier and needs; only the lead or the safeguarding lead hands the case to another
    lead, who must be on the school's team and joins the case. Nothing given, or nothing
    different, changes nothing."""
    case = lock(case, by=by)
    titles, categories = [], []
    if tier is not None and tier != case.tier:
        case.tier = tier
        titles.append(_("Tier of support changed to %(tier)s") % {"tier": case.get_tier_display()})
    if lead is not None and lead.pk != case.lead_id:
        if not permissions.can_change_case_lead(by, case):
            raise ValidationError(
                _("Only the case lead or the safeguarding lead can hand the case over.")
            )
        require_team_members(case, [lead], _("The new lead must be on the school's team."))
        case.lead = lead
        CaseMember.objects.get_or_create(case=case, user=lead, defaults={"added_by": by})
        titles.append(_("Case lead changed"))
    if needs is not None:
        needs = list(needs)
        if {n.pk for n in needs} != set(case.needs.values_list("pk", flat=True)):
            case.needs.set(needs)
            categories = [n.slug for n in needs]
            titles.append(_("Needs updated"))
    if not titles:
        return case
    return record(case, by=by, title="; ".join(titles), categories=categories)


@transaction.atomic
def case_member_add(*, case: Case, user: User, by: User) -> CaseMember:
    """Put someone from the school's support team on the case. The lead or the safeguarding
    lead adds anyone; everyone else may add only themselves (join)."""
    case = lock(case, by=by)
    if user.pk != by.pk and not permissions.can_manage_case_team(by, case):
        raise ValidationError(
            _("Only the case lead or the safeguarding lead adds other people to the case.")
        )
    require_team_members(case, [user], _("Only members of the school's support team can join."))
    if case.memberships.filter(user=user).exists():
        raise ValidationError(_("%(name)s is already on this case.") % {"name": user})
    member = CaseMember(case=case, user=user, added_by=by)
    member.full_clean()
    member.save()
    record(case, by=by, title=_("Team member added to the case"))
    return member


@transaction.atomic
def case_member_remove(*, case: Case, user: User, by: User) -> Case:
    """Take someone off the case (the history keeps that they were on it). The lead stays
    until the case is handed over; others may leave themselves; the lead or safeguarding lead
    may take anyone else off."""
    case = lock(case, by=by)
    if user.pk == case.lead_id:
        raise ValidationError(_("Hand the case to a new lead before taking the lead off it."))
    if user.pk != by.pk and not permissions.can_manage_case_team(by, case):
        raise ValidationError(
            _("Only the case lead or the safeguarding lead takes other people off the case.")
        )
    member = case.memberships.filter(user=user).first()
    if member is None:
        raise ValidationError(_("%(name)s is not on this case.") % {"name": user})
    member.delete()
    return record(case, by=by, title=_("Team member left the case"))


@transaction.atomic
def case_close(*, case: Case, by: User, summary: str, cancel_open_follow_ups: bool = False) -> Case:
    """Close the case with a summary (required), by the lead or the safeguarding lead.

    Open follow-ups must not be silently forgotten: closing is refused while any is open,
    unless the closer explicitly cancels them (`cancel_open_follow_ups`). A cancelled
    follow-up is deleted; its history row keeps what it was and who cancelled it, and the
    caseloads stop counting it. Interventions keep the status they had."""
    case = lock(case, by=by)
    if not permissions.can_close_case(by, case):
        raise ValidationError(_("Only the case lead or the safeguarding lead can close the case."))
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError(_("Write a closing summary: what was done and where things stand."))
    still_open = list(case.follow_ups.filter(done_at__isnull=True))
    if still_open and not cancel_open_follow_ups:
        raise ValidationError(
            ngettext(
                "%(count)d follow-up is still open. Mark it done, or confirm that it is no "
                "longer needed.",
                "%(count)d follow-ups are still open. Mark them done, or confirm that they "
                "are no longer needed.",
                len(still_open),
            )
            % {"count": len(still_open)}
        )
    for follow_up in still_open:
        follow_up.delete()
    case.status = Case.Status.CLOSED
    case.closed_at, case.closed_by, case.closing_summary = timezone.now(), by, summary
    title = _("Case closed")
    if still_open:
        title = ngettext(
            "Case closed; %(count)d open follow-up cancelled",
            "Case closed; %(count)d open follow-ups cancelled",
            len(still_open),
        ) % {"count": len(still_open)}
    return record(case, by=by, title=title)


@transaction.atomic
def case_reopen(*, case: Case, by: User) -> Case:
    """Reopen a closed case (the lead or the safeguarding lead), unless the student has
    another open case at the school by now: then work continues there."""
    case = lock(case, by=by, open_only=False)
    if case.is_open:
        return case
    if not permissions.can_close_case(by, case):
        raise ValidationError(_("Only the case lead or the safeguarding lead can reopen the case."))
    if Case.objects.filter(
        school_id=case.school_id, student_id=case.student_id, status=Case.Status.OPEN
    ).exists():
        raise ValidationError(_("This student already has an open case at this school."))
    case.status = Case.Status.OPEN
    # The summary and who closed it stay in the case's history.
    case.closed_at, case.closed_by, case.closing_summary = None, None, ""
    return record(case, by=by, title=_("Case reopened"))
