"""What a person writes about a student stays in the record it was written in.

A unique phrase goes into a concern, a student's own words, a case note and a referral note;
the whole flow then runs (queue events, every e-mail, logs at DEBUG, the digest, the urgent
escalation, district trends and their CSV and JSON, the HSDS export). The phrase must turn
up in those four records (and their history) and nowhere else: not in an event, an e-mail,
a log line, a chronology or queue line, an audit row, a trends figure or an export file.
"""

import datetime
import json
import logging
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from community_links.services.referrals import referral_send
from concerns.services import concern_create
from schoolwell import realtime
from schoolwell.models import Category, Role
from schoolwell.trends.tables import TABLES
from self_report.services import Answers, self_report_submit
from support_team.models import Intake
from support_team.services import intake_claim
from support_team.services.cases import case_open_or_join
from support_team.services.cases.records import note_add
from support_team.services.digest import digest_send_all
from support_team.services.escalation import escalate_unclaimed_urgent
from tests.community_links.helpers import resource
from tests.factories import SchoolFactory, enrolled_student, member

PHRASE = "Quokka-Lantern-7731"
# The only columns allowed to hold it: the four records themselves and their history.
ALLOWED = {
    ("concerns.Concern", "narrative"),
    ("concerns.HistoricalConcern", "narrative"),
    ("self_report.SelfReport", "own_words"),
    ("self_report.HistoricalSelfReport", "own_words"),
    ("support_team.Note", "body"),
    ("support_team.HistoricalNote", "body"),
    ("community_links.Referral", "note"),
    ("community_links.HistoricalReferral", "note"),
}
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def columns_holding(phrase: str) -> set[tuple[str, str]]:
    found = set()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS) and not isinstance(field, models.JSONField):
                lookup = {f"{field.attname}__contains": phrase}
            elif isinstance(field, models.JSONField):
                lookup = {f"{field.attname}__icontains": phrase}
            else:
                continue
            try:
                if model._base_manager.filter(**lookup).exists():
                    found.add((model._meta.label, field.name))
            except Exception:  # a JSON lookup a backend cannot express: read the rows
                values = model._base_manager.values_list(field.attname, flat=True)
                if any(phrase in json.dumps(v) for v in values):
                    found.add((model._meta.label, field.name))
    return found


@pytest.fixture
def captured_events(monkeypatch):
    events = []
    original = realtime.send_now

    def record(group, event):
        events.append({"group": group, **event})
        return original(group, event)

    monkeypatch.setattr(realtime, "send_now", record)
    return events


@pytest.mark.django_db
def test_a_sentinel_phrase_stays_in_the_records_it_was_written_in(
    client, caplog, captured_events, django_capture_on_commit_callbacks, tmp_path: Path
):
    caplog.set_level(logging.DEBUG)
    school = SchoolFactory()
    teacher = member(Role.TEACHER, school=school)
    lead = member(Role.SAFEGUARDING_LEAD, school=school)
    member(Role.SCHOOL_ADMIN, school=school)
    counselor = member(Role.SUPPORT, school=school, discipline="counselor")
    analyst = member(Role.DISTRICT_ANALYST, district=school.district)
    student_user = member(Role.STUDENT, school=school)
    student = enrolled_student(school, user=student_user)

    opened = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        concern, _ = concern_create(
            reporter=teacher,
            school=school,
            student=student,
            categories=[Category.objects.get(slug="emotional-wellbeing")],
            severity="high",
            narrative=f"Crying at lunch. {PHRASE}",
            observed_on=datetime.date.today(),
            immediate_risk=True,
            idempotency_key=uuid.uuid4(),
        )
        self_report_submit(
            student=student,
            school=school,
            language="en",
            answers=Answers(wellbeing=1, own_words=f"I feel alone {PHRASE}", talk_when="today"),
            idempotency_key=uuid.uuid4(),
        )
        case, _ = case_open_or_join(school=school, student=student, by=lead)
        note_add(case=case, by=lead, level="team", body=f"Spoke with mum. {PHRASE}")
        pantry = resource(name="Pantry")
        pantry.referral_email = "intake@pantry.example"
        pantry.save()
        referral_send(
            case=case,
            resources=[pantry],
            by=lead,
            consent_by="family",
            consent_name="Robin",
            note=f"Weekend food please. {PHRASE}",
        )
    # Nobody claims the urgent items: 16 minutes later the school admin is alerted.
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_unclaimed_urgent(now=opened + datetime.timedelta(minutes=16))
    with django_capture_on_commit_callbacks(execute=True):
        intake_claim(intake=Intake.objects.filter(school=school).first(), by=counselor)
        digest_send_all()

    # The team's own record views show it: that is what they are for.
    client.force_login(lead)
    page = client.get(reverse("concerns:detail", args=[concern.pk])).content.decode()
    assert PHRASE in page
    # Every trends page, table and export, as the district's analyst.
    client.force_login(analyst)
    trends = [client.get(reverse("trends:dashboard")).content.decode()]
    trends += [client.get(reverse("trends:csv", args=[key])).content.decode() for key in TABLES]
    call_command("export_hsds", str(tmp_path / "hsds"))
    exported = [p.read_text() for p in tmp_path.rglob("*") if p.is_file()]

    assert captured_events, "the flow should have published queue events"
    assert PHRASE not in json.dumps(captured_events)
    assert mail.outbox, "the flow should have sent e-mails"
    for message in mail.outbox:
        assert PHRASE not in message.subject + message.body, message.subject
        for content, _type in getattr(message, "alternatives", []):
            assert PHRASE not in content
    assert PHRASE not in caplog.text
    for text in trends + exported:
        assert PHRASE not in text
    holding = columns_holding(PHRASE)
    # The scan finds the records themselves (so it would find a copy anywhere else)...
    assert {("concerns.Concern", "narrative"), ("support_team.Note", "body")} <= holding
    # ...and nothing outside them.
    assert holding <= ALLOWED, holding - ALLOWED
