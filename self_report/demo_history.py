"""A year and a half of past student check-ins across the demo district, so the trends charts
of what students asked for (and what the team routed to a school service) have shape when
someone first opens them: check-ins through the school year, busier before the breaks, none
in the summer; each with its requests and the one queue item it opened, triaged and closed,
a part of them routed to the school service the student asked for.

Made in bulk with their history rows, written as self_report_submit() and intake_route()
would have written them (schoolwell.demo explains why in bulk). Deterministic from the seed
and run once: a district that has these check-ins already gets nothing more."""

import random
import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history

from schoolwell import calendar
from schoolwell.demo import demo_schools, enrolments, history_window, pick
from schoolwell.models import Service, Student
from self_report.models import ConsentRule, SelfReport, SelfReportRequest
from self_report.services import _age, _Part, checkin_summary
from support_team.models import CloseReason, Intake

MARK = "Demo history"  # the change reason on these check-ins' history rows
# Check-ins per 100 enrolled students on a school day, by month of the year.
RATE = {1: 0.12, 2: 0.13, 3: 0.15, 4: 0.13, 5: 0.12, 6: 0.06, 7: 0.0, 8: 0.07, 9: 0.11}
RATE |= {10: 0.14, 11: 0.16, 12: 0.10}
# What students tick, by service name (a weight; a service outside their grade is skipped).
ASKED = {
    "Talk with a counselor": 22,
    "Help with schoolwork": 20,
    "A mentor": 9,
    "Food": 14,
    "Clothes and shoes": 8,
    "Help with housing": 4,
    "See the nurse or a clinic": 10,
    "Help with stress or worry": 16,
}
WELLBEING = [(1, 6), (2, 18), (3, 38), (4, 26), (5, 12)]
ANSWERS = [("yes", 60), ("sometimes", 28), ("no", 12)]
# How the team closed a check-in's queue item it did not route to a school service.
CLOSED = [(CloseReason.HANDLED, 60), (CloseReason.NO_FURTHER_ACTION, 25)]
CLOSED += [(CloseReason.REFERRED_OUT, 15)]
ROUTED_SHARE = 0.6  # of check-ins asking for a school service
BATCH = 500


def seed(*, seed: int = 2026) -> int:
    schools = demo_schools()
    if not schools or SelfReport.history.filter(history_change_reason=MARK).exists():
        return 0
    rng = random.Random(seed + 1)
    today, first, closed = history_window(schools)
    enrolled = enrolments(schools)
    services = list(Service.objects.filter(locale__language_code="en", name__in=ASKED))
    rules = {
        (r.district_id, r.service_id): r for r in ConsentRule.objects.filter(service__in=services)
    }
    students = Student.objects.in_bulk([s for rows in enrolled.values() for s, *_ in rows])
    # The demo student's own check-ins stay the one the live demo makes.
    with_account = {pk for pk, s in students.items() if s.user_id}
    checkins = []  # (report, its requests)
    day = first
    while day < today:  # today's check-ins are the live demo's, not history
        if calendar.is_school_day(day, set()):
            for school in schools:
                if day in closed[school.pk]:
                    continue
                pool = [
                    s
                    for s, _g, start, end in enrolled[school.pk]
                    if start <= day <= end and s not in with_account
                ]
                expected = len(pool) * RATE[day.month] / 100
                count = int(expected) + (rng.random() < expected % 1)
                for student in rng.sample(pool, min(count, len(pool))):
                    checkins.append(_checkin(rng, school, students[student], day, services, rules))
        day += timedelta(days=1)
    reports = bulk_create_with_history(
        [report for report, _parts in checkins],
        SelfReport,
        batch_size=BATCH,
        default_change_reason=MARK,
    )
    intakes = _intakes(rng, checkins, closed)
    requests = []
    for (_report, parts), intake in zip(checkins, intakes, strict=True):
        for part in parts:
            part.request.report_id = part.request.report.pk
            part.request.intake = intake
            requests.append(part.request)
    bulk_create_with_history(
        requests, SelfReportRequest, batch_size=BATCH, default_change_reason=MARK
    )
    return len(reports)


def _checkin(rng, school, student, day, services, rules) -> tuple[SelfReport, list[_Part]]:
    moment = datetime.combine(day, time(8 + rng.randrange(8), rng.randrange(60)))
    wellbeing = pick(rng, WELLBEING)
    low = wellbeing <= SelfReport.Wellbeing.LOW
    talk_when = ""
    if rng.random() < (0.5 if low else 0.15):
        talk_when = pick(rng, [("today", 2), ("week", 5), ("whenever", 3)])
    report = SelfReport(
        student=student,
        school=school,
        language="es" if student.home_language == "Spanish" and rng.random() < 0.6 else "en",
        submitted_at=timezone.make_aware(moment),
        wellbeing=wellbeing,
        sleep=pick(rng, ANSWERS),
        eating=pick(rng, ANSWERS),
        trusted_adult=pick(rng, ANSWERS),
        talk_when=talk_when,
        talk_with=pick(rng, [("any", 4), ("counselor", 4), ("nurse", 1), ("social_worker", 1)])
        if talk_when
        else "",
        idempotency_key=uuid.UUID(int=rng.getrandbits(128)),
    )
    offered = {s.name: ASKED[s.name] for s in services if s.is_for_grade(student.grade)}
    asked = set()
    if rng.random() < 0.7:
        asked = {pick(rng, offered) for _n in range(1 + (rng.random() < 0.3))}
    parts = [_service_part(report, s, rules) for s in services if s.name in asked]
    Kind = SelfReportRequest.Kind
    if talk_when:
        urgency = Intake.Urgency.HIGH if talk_when == "today" else Intake.Urgency.NORMAL
        parts.append(_Part(SelfReportRequest(report=report, kind=Kind.TALK), urgency))
    if not parts and low:
        parts.append(
            _Part(SelfReportRequest(report=report, kind=Kind.CHECKIN), Intake.Urgency.NORMAL)
        )
    return report, parts


def _service_part(report: SelfReport, service: Service, rules: dict) -> _Part:
    """As self_report.services._service_part, with the consent rules read once."""
    rule = rules.get((report.student.district_id, service.pk))
    age = _age(report.student)
    needed = rule is not None and (age is None or age < rule.min_age_without_consent)
    request = SelfReportRequest(
        report=report,
        kind=SelfReportRequest.Kind.SERVICE,
        service=service,
        consent_rule=rule,
        consent_needed=needed,
    )
    return _Part(request, Intake.Urgency.NORMAL)


def _intakes(rng, checkins, closed) -> list[Intake | None]:
    """The queue item of each check-in that asked for something (None for the others):
    triaged and closed, within two school days mostly; a school service asked for is often
    the one the team routed it to."""
    now = timezone.now()
    made: list[Intake | None] = []
    with translation.override(settings.LANGUAGE_CODE):
        for report, parts in checkins:
            if not parts:
                made.append(None)
                continue
            opened = report.submitted_at
            intake = Intake(
                school=report.school,
                student=report.student,
                source=Intake.Source.SELF_REPORT,
                source_id=str(report.pk),
                urgency=min(part.urgency for part in parts),
                summary=checkin_summary(report, parts),
                opened_by_id=report.student.user_id,
                opened_at=opened,
                target_at=calendar.add_school_days(
                    school=report.school, start=opened, days=2, closed=closed[report.school_id]
                ),
            )
            triaged = opened + timedelta(hours=rng.choice([1, 3, 5, 20, 24, 28, 46, 70]))
            if triaged < now - timedelta(days=2):
                intake.status = Intake.Status.CLOSED
                intake.triaged_at = intake.closed_at = triaged
                school_services = [
                    p.request.service
                    for p in parts
                    if p.request.service and p.request.service.provided_by == "school"
                ]
                if school_services and rng.random() < ROUTED_SHARE:
                    intake.routed_service = school_services[0]
                    intake.closed_reason = CloseReason.ROUTED
                else:
                    intake.closed_reason = pick(rng, CLOSED)
            made.append(intake)
    bulk_create_with_history(
        [i for i in made if i is not None],
        Intake,
        batch_size=BATCH,
        default_change_reason=MARK,
    )
    return made
