"""Writes of the hub. intake_open() is the one front door: nothing else creates an Intake;
timeline_add() is the one way anything reaches a student's chronology. The decisions made
on an intake after it is picked up live in services.triage, the work on cases in
services.cases."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from schoolwell import calendar, realtime
from schoolwell.models import School, Student, User
from support_team import live_rows
from support_team.models import Intake, StatusSeen, TimelineEntry

URGENT_TARGET = timedelta(hours=1)
STANDARD_TARGET_SCHOOL_DAYS = 2


def target_time(*, school: School, urgency: int, opened_at: datetime) -> datetime:
    """Urgent: one hour. Anything else: two school days (weekends and the school's holidays
    do not count)."""
    if urgency == Intake.Urgency.URGENT:
        return opened_at + URGENT_TARGET
    return calendar.add_school_days(
        school=school, start=opened_at, days=STANDARD_TARGET_SCHOOL_DAYS
    )


def _publish(intake: Intake) -> None:
    """The school's queue screens hear of it after commit, with its rows rendered once."""
    realtime.broadcast_on_commit(realtime.queue_group(intake.school_id), live_rows.changed(intake))


@transaction.atomic
def intake_open(
    *,
    school: School,
    student: Student,
    source: str,
    summary: str,
    urgency: int = Intake.Urgency.NORMAL,
    source_id: str = "",
    opened_by: User | None = None,
) -> Intake:
    """Open an intake in the school's queue. The student must be enrolled at that school now;
    the queue hears of it only after the surrounding transaction commits, and an urgent one
    alerts the school's safeguarding leads at once."""
    if not student.enrollments.filter(school=school, end_date__isnull=True).exists():
        raise ValidationError({"student": _("This student is not enrolled at this school.")})
    opened_at = timezone.now()
    intake = Intake(
        school=school,
        student=student,
        source=source,
        source_id=source_id,
        summary=summary[:200],
        urgency=urgency,
        opened_by=opened_by,
        opened_at=opened_at,
        target_at=target_time(school=school, urgency=urgency, opened_at=opened_at),
    )
    intake.full_clean()
    intake.save()
    _publish(intake)
    if urgency == Intake.Urgency.URGENT:
        transaction.on_commit(lambda: safeguarding_alert(intake=intake))
    return intake


@transaction.atomic
def intake_add_information(*, intake: Intake) -> Intake:
    """New information about an intake (a teacher's later observation): the queue row
    changes, and a closed intake comes back to the queue so nobody misses it. The earlier
    closing is undone (its history keeps it); a link to a case stays, so whoever picks it
    up sees the case it belongs to."""
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    intake.version += 1
    if intake.status == Intake.Status.CLOSED:
        intake.status = Intake.Status.NEW
        intake.claimed_by = intake.claimed_at = intake.closed_at = None
        intake.closed_reason = intake.closed_note = ""
    intake.save()
    _publish(intake)
    return intake


def safeguarding_alert(*, intake: Intake, escalated: bool = False) -> int:
    """E-mail every safeguarding lead of the school: an urgent item has arrived, or (escalated)
    a team member has passed an item to them. The message names the school and links to the
    item; it never names the student or says what was written."""
    from support_team.selectors import safeguarding_leads

    recipients = [u.email for u in safeguarding_leads(school_id=intake.school_id) if u.email]
    if not recipients:
        return 0
    school_name = intake.school.name
    if escalated:
        link = f"{settings.SITE_URL}{reverse('support_team:intake', args=[intake.pk])}"
        subject = _("An item was escalated to you at %(school)s") % {"school": school_name}
        opening = _("A member of the support team at %(school)s has escalated an item to you.")
    else:
        link = f"{settings.SITE_URL}{reverse('support_team:queue')}#intake-{intake.pk}"
        subject = _("Urgent concern at %(school)s") % {"school": school_name}
        opening = _("An urgent concern has been raised at %(school)s and is waiting in the queue.")
    return send_mail(
        subject=subject,
        message=(opening % {"school": school_name})
        + "\n\n"
        + _(
            "Open it now: %(link)s\n\nThis message leaves out every detail on purpose; "
            "sign in to SchoolWell to see it."
        )
        % {"link": link},
        from_email=None,
        recipient_list=recipients,
    )


def reporter_status_mail(*, intake: Intake) -> int:
    """Tell the teacher who raised a concern that it is being looked at, or what became of it
    (followed up, passed on, reviewed): the date they raised it and the new status, nothing
    about the student, the case or who decided (the same words their status page shows)."""
    from support_team.selectors import reporter_label

    reporter = intake.opened_by
    if intake.source != Intake.Source.CONCERN or reporter is None or not reporter.email:
        return 0
    if not reporter.is_active:
        return 0
    raised = timezone.localtime(intake.opened_at).date()
    status = reporter_label(intake.status, intake.closed_reason)
    return send_mail(
        subject=_("Your concern from %(date)s: %(status)s") % {"date": raised, "status": status},
        message=_(
            "The concern you logged on %(date)s is now: %(status)s.\n\n"
            "See your concerns: %(link)s\n\nThis message leaves out every detail on purpose."
        )
        % {
            "date": raised,
            "status": status,
            "link": f"{settings.SITE_URL}{reverse('concerns:mine')}",
        },
        from_email=None,
        recipient_list=[reporter.email],
    )


def timeline_add(
    *,
    student: Student,
    school: School,
    source: str,
    title: str,
    at: datetime | None = None,
    categories: Iterable[str] = (),
    actor: User | None = None,
    link: str = "",
) -> TimelineEntry:
    """Add one line to the student's chronology (no narrative: the title says what kind of
    thing happened, the link leads to the record)."""
    slugs = sorted(set(categories))
    entry = TimelineEntry(
        student=student,
        school=school,
        source=source,
        title=title[:200],
        at=at or timezone.now(),
        categories=f",{','.join(slugs)}," if slugs else "",
        actor=actor,
        link=link,
    )
    entry.full_clean()
    entry.save()
    return entry


def status_seen_mark(*, user: User) -> None:
    """The person has just looked at their statuses."""
    StatusSeen.objects.update_or_create(user=user, defaults={"seen_at": timezone.now()})


class AlreadyClaimed(Exception):
    """Someone else picked the intake up first."""

    def __init__(self, intake: Intake):
        super().__init__(f"intake {intake.pk} is claimed by {intake.claimed_by_id}")
        self.intake = intake


def _change(
    intake: Intake, title: str, actor: User | None, *, before: str | None = None, link: str = ""
) -> Intake:
    """Save a state change: a new version, a history row, a chronology line (linking to the
    intake unless told otherwise), an event. `before` is the status the change started from:
    when given, the person who raised a teacher concern hears of the move (see
    reporter_status_mail)."""
    first_pickup = (
        before == Intake.Status.NEW
        and intake.status in (Intake.Status.CLAIMED, Intake.Status.TRIAGED)
        and not intake.history.exclude(status=Intake.Status.NEW).exists()
    )
    intake.version += 1
    intake.full_clean()
    intake.save()
    timeline_add(
        student=intake.student,
        school=intake.school,
        source=TimelineEntry.Source.INTAKE,
        title=title,
        actor=actor,
        link=link or reverse("support_team:intake", args=[intake.pk]),
    )
    _publish(intake)
    closed_now = (
        before not in (None, Intake.Status.CLOSED) and intake.status == Intake.Status.CLOSED
    )
    if first_pickup or closed_now:
        transaction.on_commit(lambda: reporter_status_mail(intake=intake))
    return intake


@transaction.atomic
def intake_claim(*, intake: Intake, by: User) -> Intake:
    """Take an intake. The row is locked, so of two people claiming at once exactly one
    wins; the other gets AlreadyClaimed naming who has it."""
    intake = (
        Intake.objects.select_for_update().select_related("student", "school").get(pk=intake.pk)
    )
    if intake.claimed_by_id == by.pk:
        return intake
    if intake.claimed_by_id is not None or intake.status != Intake.Status.NEW:
        raise AlreadyClaimed(intake)
    intake.claimed_by, intake.claimed_at, intake.status = by, timezone.now(), Intake.Status.CLAIMED
    return _change(intake, _("Picked up from the queue"), by, before=Intake.Status.NEW)


@transaction.atomic
def intake_release(*, intake: Intake, by: User) -> Intake:
    """Give an intake back to the queue (only the person who has it)."""
    intake = (
        Intake.objects.select_for_update().select_related("student", "school").get(pk=intake.pk)
    )
    if intake.claimed_by_id != by.pk:
        raise AlreadyClaimed(intake)
    intake.claimed_by, intake.claimed_at, intake.status = None, None, Intake.Status.NEW
    return _change(intake, _("Returned to the queue"), by)
