"""The team records that a student has left its school (the day, and where they went) without
waiting for the roster: the enrollment ends as the roster would end it, with its history
row, and the sending team can start the transfer packet at once."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schoolwell import permissions
from schoolwell.models import Enrollment, School, Student, User
from support_team.models import TimelineEntry
from support_team.services import timeline_add

# Kept in English in the record, like the roster's own exit reasons; the page shows it as is.
EXIT_REASON = "Moved to {destination}"


def current_enrollments(*, user: User, student: Student):
    """The student's open enrollments at the schools where the user is on the team: the
    only ones this user may end."""
    return Enrollment.objects.filter(
        student=student,
        end_date__isnull=True,
        school_id__in=permissions.school_ids(user, permissions.TEAM_ROLES),
    ).select_related("school")


@transaction.atomic
def student_left(
    *, student: Student, school: School, by: User, left_on: date, destination: str
) -> Enrollment:
    """End the student's enrollment at `school` on `left_on`, naming where they went. Only
    the school's team records it; the day is never in the future (as for the roster) nor
    before the enrollment began. The change keeps its history and reaches the chronology."""
    if not permissions.is_team_at(by, school.pk):
        raise PermissionDenied
    enrollment = (
        Enrollment.objects.select_for_update()
        .filter(student=student, school=school, end_date__isnull=True)
        .first()
    )
    if enrollment is None:
        raise ValidationError(_("The student is not enrolled at this school now."))
    destination = " ".join(destination.split())
    if not destination:
        raise ValidationError(_("Say which school or district the student went to."))
    if left_on > timezone.localdate():
        raise ValidationError(_("The day the student left cannot be in the future."))
    if enrollment.start_date and left_on < enrollment.start_date:
        raise ValidationError(_("The day the student left is before they were enrolled here."))
    enrollment.end_date = left_on
    enrollment.exit_reason = EXIT_REASON.format(destination=destination)[:200]
    enrollment.full_clean()
    enrollment._change_reason = "Recorded by the support team"
    enrollment.save()
    timeline_add(
        student=student,
        school=school,
        source=TimelineEntry.Source.TRANSFER,
        title=_("Left the school on %(day)s: %(destination)s")
        % {"day": date_format(left_on, "j M Y"), "destination": destination},
        actor=by,
        link=reverse("transfers:list") + "#departed",
    )
    return enrollment


def departure(packet) -> Enrollment | None:
    """How the student left the packet's sending school (the day and, when the team
    recorded it, where to): the latest ended enrollment there."""
    if packet.from_school_id is None:
        return None
    return (
        Enrollment.objects.filter(
            student_id=packet.student_id, school_id=packet.from_school_id, end_date__isnull=False
        )
        .select_related("school")
        .order_by("-end_date", "-pk")
        .first()
    )


def destinations(schools) -> list[str]:
    """Names offered while typing where the student went: the other schools of the same
    districts (anything else may be typed: a school or district elsewhere)."""
    districts = {school.district_id for school in schools}
    return list(
        School.objects.filter(district_id__in=districts)
        .exclude(pk__in=[school.pk for school in schools])
        .order_by("name")
        .values_list("name", flat=True)[:300]
    )
