"""Writes of cases: opening (or joining) the student's case, and the work done in it. Every
change keeps its history, lands on the student's chronology and bumps the case version."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell import permissions
from schoolwell.models import School, Student, User
from support_team.models import Case, CaseMember, TimelineEntry
from support_team.services import timeline_add


def _case_link(case: Case) -> str:
    return reverse("support_team:case", args=[case.pk])


@transaction.atomic
def case_open_or_join(
    *,
    school: School,
    student: Student,
    by: User,
    lead: User | None = None,
    tier: int = Case.Tier.UNIVERSAL,
    needs: Iterable = (),
) -> tuple[Case, bool]:
    """The student's open case at this school, or a new one led by `lead` (default: `by`).
    A student has at most one open case per school (a constraint); joining adds `by` to the
    team and the needs to the case. Returns (case, created)."""
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
    if created:
        case = Case(
            school=school,
            student=student,
            lead=lead,
            tier=tier,
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
        link=_case_link(case),
    )
    return case, created
