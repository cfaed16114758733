"""Writes of the student self-report. self_report_submit() is the only way one is made."""

import logging
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from schoolwell.idempotency import create_once
from schoolwell.models import School, Service, Student
from self_report.models import OWN_WORDS_MAX, ConsentRule, RiskPhrase, SelfReport, SelfReportRequest
from support_team import services as hub
from support_team.models import Intake, TimelineEntry

SUBMISSIONS_PER_HOUR = 5
logger = logging.getLogger(__name__)


# A phone's keyboard types a curly apostrophe ("don’t"); the phrases have straight ones.
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def _fold(text: str) -> str:
    """Lower case without accents, so "no quiero vivir" matches "No quiero vívir"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(APOSTROPHES))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def risk_in_words(text: str) -> bool:
    """Whether the student's own words contain a maintained risk phrase (any language)."""
    folded = _fold(text)
    return bool(folded) and any(
        _fold(phrase) in folded for phrase in RiskPhrase.objects.values_list("phrase", flat=True)
    )


def submission_allowed(student: Student) -> bool:
    """A per-student limit on submissions per hour (against floods), counted in the cache.
    With the cache unreachable (Redis down) the limit is waived. Asked only about check-ins
    that signal no risk: see self_report_submit."""
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


class CheckInNotSent(Exception):
    """A check-in that signals no risk, over the hourly limit: nothing was saved."""


@dataclass
class Answers:
    wellbeing: int | None
    sleep: str = ""
    eating: str = ""
    trusted_adult: str = ""
    hurting_self: bool = False
    unsafe_at_home: bool = False
    services: list[Service] = field(default_factory=list)
    talk_when: str = ""
    talk_with: str = ""
    own_words: str = ""


def signals_risk(*, hurting_self: bool, unsafe_at_home: bool, own_words: str) -> bool:
    """A safety box ticked, or a risk phrase in the student's own words."""
    return hurting_self or unsafe_at_home or risk_in_words(own_words)


def self_report_submit(
    *, student: Student, school: School, language: str, answers: Answers, idempotency_key: uuid.UUID
) -> tuple[SelfReport, bool]:
    """Save the check-in and open one intake for it, listing its requests, in one
    transaction. A check-in that signals risk of harm (a safety box or a risk phrase) is
    never refused: it is saved and its intake is urgent (which alerts the safeguarding
    leads), whatever the hourly limit says. One that signals no risk, over the limit, raises
    CheckInNotSent and saves nothing. A second submit with the same key changes nothing and
    is not counted."""
    earlier = SelfReport.objects.filter(student=student, idempotency_key=idempotency_key).first()
    if earlier is not None:
        return earlier, False
    risk = signals_risk(
        hurting_self=answers.hurting_self,
        unsafe_at_home=answers.unsafe_at_home,
        own_words=answers.own_words,
    )
    if not risk and not submission_allowed(student):
        raise CheckInNotSent

    def create(key: uuid.UUID) -> SelfReport:
        # Queue and chronology lines are records for the team: written in the site's
        # language, whatever language the student used.
        with translation.override(settings.LANGUAGE_CODE):
            return _submit(student, school, language, answers, key, risk=risk)

    return create_once(
        SelfReport, key=idempotency_key, owner_field="student", owner=student, create=create
    )


@dataclass
class _Part:
    """One request of the check-in (not saved yet) and the urgency it asks of the queue."""

    request: SelfReportRequest
    urgency: int


def _submit(student, school, language, answers: Answers, idempotency_key, *, risk) -> SelfReport:
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
        # Longer words come only from a risk check-in the form refused (views._risk_answers):
        # kept up to the limit rather than lost with the rest.
        own_words=answers.own_words[:OWN_WORDS_MAX],
        risk_flagged=risk,
        idempotency_key=idempotency_key,
    )
    report.full_clean(validate_unique=False)  # the unique key is the database's to enforce
    report.save()
    parts = _parts(report, answers, risk=risk)
    intake = None
    if parts:
        intake = hub.intake_open(
            school=school,
            student=student,
            source=Intake.Source.SELF_REPORT,
            source_id=str(report.pk),
            summary=checkin_summary(report, parts),
            urgency=min(part.urgency for part in parts),
            opened_by=student.user,
        )
    for part in parts:
        part.request.intake = intake
        part.request.full_clean()
        part.request.save()
    how = report.get_wellbeing_display() or _("no answer")
    hub.timeline_add(
        student=student,
        school=school,
        source=TimelineEntry.Source.SELF_REPORT,
        title=_("Student check-in (%(how)s), %(n)s request(s)") % {"how": how, "n": len(parts)},
        at=report.submitted_at,
        link=reverse("self_report:checkin", args=[report.pk]),
    )
    return report


def _parts(report: SelfReport, answers: Answers, *, risk: bool) -> list[_Part]:
    Kind = SelfReportRequest.Kind
    parts = []
    if risk:
        parts.append(
            _Part(SelfReportRequest(report=report, kind=Kind.SAFETY), Intake.Urgency.URGENT)
        )
    parts += [_service_part(report, service) for service in answers.services]
    if report.talk_when:
        today = report.talk_when == SelfReport.TalkWhen.TODAY
        parts.append(
            _Part(
                SelfReportRequest(report=report, kind=Kind.TALK),
                Intake.Urgency.HIGH if today else Intake.Urgency.NORMAL,
            )
        )
    low = report.wellbeing is not None and report.wellbeing <= SelfReport.Wellbeing.LOW
    if not parts and low:
        parts.append(
            _Part(SelfReportRequest(report=report, kind=Kind.CHECKIN), Intake.Urgency.NORMAL)
        )
    return parts


def checkin_summary(report: SelfReport, parts: list[_Part]) -> str:
    """The queue line of a check-in: what it asks for, never what the student wrote, e.g.
    "Check-in: safety answer, see now · asked for Food · wants to talk: Today, prefers any
    adult". Each part once, in the order the form asks; cut at the queue line's 200."""
    Kind = SelfReportRequest.Kind
    kinds = {part.request.kind for part in parts}
    said = []
    if Kind.SAFETY in kinds:
        said.append(_("safety answer, see now"))
    services = [
        (part.request, part.request.service)
        for part in parts
        if part.request.kind == Kind.SERVICE and part.request.service is not None
    ]
    if services:
        names = ", ".join(service.name for _request, service in services)
        said.append(_("asked for %(services)s") % {"services": names})
        # Which rule applied, so nobody starts before home agrees.
        ages = {
            service.name: request.consent_rule.min_age_without_consent
            for request, service in services
            if request.consent_needed and request.consent_rule is not None
        }
        for age in sorted(set(ages.values())):
            named = [name for name, under in ages.items() if under == age]
            said.append(
                _("guardian consent needed (under %(age)s): %(services)s")
                % {"age": age, "services": ", ".join(named)}
            )
    if Kind.TALK in kinds:
        said.append(
            _("wants to talk: %(when)s, prefers %(who)s")
            % {
                "when": report.get_talk_when_display(),
                "who": report.get_talk_with_display() or _("anyone"),
            }
        )
    if Kind.CHECKIN in kinds:
        said.append(_("feeling %(how)s") % {"how": report.get_wellbeing_display()})
    line = _("Check-in: %(parts)s") % {"parts": " · ".join(said)}
    return line if len(line) <= 200 else line[:199] + "…"


def _service_part(report: SelfReport, service: Service) -> _Part:
    original = (
        service.get_translation(service.get_default_locale()) if service.locale_id else service
    )
    rule = ConsentRule.objects.filter(
        district_id=report.student.district_id, service=original
    ).first()
    age = _age(report.student)
    needed = rule is not None and (age is None or age < rule.min_age_without_consent)
    request = SelfReportRequest(
        report=report,
        kind=SelfReportRequest.Kind.SERVICE,
        service=original,
        consent_rule=rule,
        consent_needed=needed,
    )
    return _Part(request, Intake.Urgency.NORMAL)


def _age(student: Student) -> int | None:
    if student.date_of_birth is None:
        return None
    today = timezone.localdate()
    born = student.date_of_birth
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
