"""Writes of the student self-report. self_report_submit() is the only way one is made."""

import logging
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolwell.idempotency import create_once
from schoolwell.models import School, Student
from self_report.models import ConsentRule, RiskPhrase, SelfReport, SelfReportRequest, Service
from support_team import services as hub
from support_team.models import Intake, TimelineEntry

SUBMISSIONS_PER_HOUR = 5
logger = logging.getLogger(__name__)


def _fold(text: str) -> str:
    """Lower case without accents, so "no quiero vivir" matches "No quiero vívir"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def risk_in_words(text: str) -> bool:
    """Whether the student's own words contain a maintained risk phrase (any language)."""
    folded = _fold(text)
    return bool(folded) and any(
        _fold(phrase) in folded for phrase in RiskPhrase.objects.values_list("phrase", flat=True)
    )


def submission_allowed(student: Student) -> bool:
    """A per-student limit on submissions per hour, counted in the cache. With the cache
    unreachable (Redis down) the limit is waived: a student's request is never lost to it."""
    key = f"self-report-rate:{student.pk}"
    try:
        cache.add(key, 0, 3600)
        try:
            return cache.incr(key) <= SUBMISSIONS_PER_HOUR
        except ValueError:  # expired between add and incr
            cache.set(key, 1, 3600)
            return True
    except Exception:  # each cache backend raises its own connection errors
        logger.warning("cache unavailable; self-report rate limit not applied")
        return True


@dataclass
class Answers:
    wellbeing: int
    sleep: str = ""
    eating: str = ""
    trusted_adult: str = ""
    hurting_self: bool = False
    unsafe_at_home: bool = False
    services: list[Service] = field(default_factory=list)
    talk_when: str = ""
    talk_with: str = ""
    own_words: str = ""


def self_report_submit(
    *, student: Student, school: School, language: str, answers: Answers, idempotency_key: uuid.UUID
) -> tuple[SelfReport, bool]:
    """Save the report and open one intake per request, in one transaction. Risk of harm (a
    safety answer or a risk phrase in the student's words) opens an urgent intake, which
    alerts the safeguarding leads. A second submit with the same key changes nothing."""

    def create(key: uuid.UUID) -> SelfReport:
        # Queue and chronology lines are records for the team: written in the site's
        # language, whatever language the student used.
        with translation.override(settings.LANGUAGE_CODE):
            return _submit(student, school, language, answers, key)

    return create_once(
        SelfReport, key=idempotency_key, owner_field="student", owner=student, create=create
    )


def _submit(student, school, language, answers: Answers, idempotency_key) -> SelfReport:
    risk = answers.hurting_self or answers.unsafe_at_home or risk_in_words(answers.own_words)
    report = SelfReport(
        student=student,
        school=school,
        language=language,
        submitted_at=timezone.now(),
        wellbeing=answers.wellbeing,
        sleep=answers.sleep,
        eating=answers.eating,
        trusted_adult=answers.trusted_adult,
        hurting_self=answers.hurting_self,
        unsafe_at_home=answers.unsafe_at_home,
        talk_when=answers.talk_when,
        talk_with=answers.talk_with,
        own_words=answers.own_words,
        risk_flagged=risk,
        idempotency_key=idempotency_key,
    )
    report.full_clean(validate_unique=False)  # the unique key is the database's to enforce
    report.save()
    if risk:
        _request(
            report,
            SelfReportRequest.Kind.SAFETY,
            Intake.Urgency.URGENT,
            _("Student self-report: safety answer, see now"),
        )
    for service in answers.services:
        _service_request(report, service)
    if answers.talk_when:
        urgency = (
            Intake.Urgency.HIGH
            if answers.talk_when == SelfReport.TalkWhen.TODAY
            else Intake.Urgency.NORMAL
        )
        _request(
            report,
            SelfReportRequest.Kind.TALK,
            urgency,
            _("Asked to talk (%(when)s), prefers %(who)s")
            % {
                "when": report.get_talk_when_display(),
                "who": report.get_talk_with_display() or _("anyone"),
            },
        )
    if not report.requests.exists() and report.wellbeing <= SelfReport.Wellbeing.LOW:
        _request(
            report,
            SelfReportRequest.Kind.CHECKIN,
            Intake.Urgency.NORMAL,
            _("Check-in: %(how)s") % {"how": report.get_wellbeing_display()},
        )
    hub.timeline_add(
        student=student,
        school=school,
        source=TimelineEntry.Source.SELF_REPORT,
        title=_("Student check-in (%(how)s), %(n)s request(s)")
        % {"how": report.get_wellbeing_display(), "n": report.requests.count()},
        at=report.submitted_at,
    )
    return report


def _service_request(report: SelfReport, service: Service) -> SelfReportRequest:
    original = (
        service.get_translation(service.get_default_locale()) if service.locale_id else service
    )
    rule = ConsentRule.objects.filter(
        district_id=report.student.district_id, service=original
    ).first()
    age = _age(report.student)
    needed = rule is not None and (age is None or age < rule.min_age_without_consent)
    summary = _("Asked for: %(service)s") % {"service": original.name}
    if needed:  # the queue shows which rule applied, so nobody starts before home agrees
        summary += " · " + _("guardian consent needed (under %(age)s)") % {
            "age": rule.min_age_without_consent
        }
    return _request(
        report,
        SelfReportRequest.Kind.SERVICE,
        Intake.Urgency.NORMAL,
        summary,
        service=original,
        consent_rule=rule,
        consent_needed=needed,
    )


def _age(student: Student) -> int | None:
    if student.date_of_birth is None:
        return None
    today = timezone.localdate()
    born = student.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _request(
    report: SelfReport, kind: str, urgency: int, summary: str, **fields
) -> SelfReportRequest:
    request = SelfReportRequest(report=report, kind=kind, **fields)
    request.full_clean()
    request.save()
    hub.intake_open(
        school=report.school,
        student=report.student,
        source=Intake.Source.SELF_REPORT,
        source_id=str(request.pk),
        summary=summary,
        urgency=urgency,
        opened_by=report.student.user,
    )
    return request
