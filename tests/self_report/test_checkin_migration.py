"""Migration 0003 turns the check-ins made when each request opened its own queue item into
one queue item per check-in, and keeps what the team and the student see meaningful."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from self_report.models import SelfReport, SelfReportRequest
from self_report.selectors import request_statuses
from support_team.models import Intake, TimelineEntry

merge = importlib.import_module("self_report.migrations.0003_one_intake_per_checkin").merge
Kind = SelfReportRequest.Kind


def legacy_request(report, pk, kind, *, urgency, summary, **intake_fields) -> SelfReportRequest:
    """A request and the queue item it opened before 0003 (source_id = the request's id)."""
    request = SelfReportRequest.objects.create(pk=pk, report=report, kind=kind)
    now = timezone.now()
    Intake.objects.create(
        school=report.school,
        student=report.student,
        source=Intake.Source.SELF_REPORT,
        source_id=str(request.pk),
        urgency=urgency,
        summary=summary,
        opened_at=now,
        target_at=now + datetime.timedelta(hours=1 + urgency),
        **intake_fields,
    )
    return request


def legacy_report(student, school, pk) -> SelfReport:
    report = SelfReport.objects.create(
        pk=pk,
        student=student,
        school=school,
        language="en",
        wellbeing=2,
        submitted_at=timezone.now(),
    )
    TimelineEntry.objects.create(
        student=student,
        school=school,
        source="self_report",
        title="check-in",
        at=report.submitted_at,
    )
    return report


@pytest.fixture
def legacy(pupil, school_a, team_a):
    _user, student = pupil
    # Ids chosen so they overlap as they do in a real database: each report's new id is
    # another request's old one (first: 501, the service request's; second: 502, safety's).
    first = legacy_report(student, school_a, 501)
    safety = legacy_request(first, 502, Kind.SAFETY, urgency=0, summary="Safety answer, see now")
    service = legacy_request(
        first,
        501,
        Kind.SERVICE,
        urgency=2,
        summary="Asked for: Food",
        status=Intake.Status.CLAIMED,
        claimed_by=team_a,
        claimed_at=timezone.now(),
    )
    talk = legacy_request(
        first,
        503,
        Kind.TALK,
        urgency=1,
        summary="Asked to talk (Today)",
        status=Intake.Status.CLOSED,
        closed_at=timezone.now(),
        closed_reason="handled",
    )
    second = legacy_report(student, school_a, 502)
    lone = legacy_request(second, 504, Kind.TALK, urgency=2, summary="Asked to talk (This week)")
    merge(apps, None)
    return {
        "first": first,
        "second": second,
        "safety": safety,
        "service": service,
        "talk": talk,
        "lone": lone,
    }


def intake_of(request) -> Intake:
    return SelfReportRequest.objects.get(pk=request.pk).intake


@pytest.mark.django_db
def test_the_open_items_of_a_check_in_become_one_that_someone_already_has(legacy, team_a):
    kept = intake_of(legacy["service"])
    assert kept.source_id == str(legacy["first"].pk)
    assert kept.claimed_by == team_a and kept.status == Intake.Status.CLAIMED
    assert kept.urgency == Intake.Urgency.URGENT  # the safety answer's
    assert "Asked for: Food" in kept.summary and "Safety answer, see now" in kept.summary
    assert intake_of(legacy["safety"]) == kept
    merged = Intake.objects.get(summary="Safety answer, see now")
    assert merged.status == Intake.Status.CLOSED and merged.closed_reason == "duplicate"
    assert f"#{kept.pk}" in merged.closed_note and merged.source_id == ""
    assert kept.history.filter(history_change_reason__contains="0003").exists()


@pytest.mark.django_db
def test_a_request_whose_item_was_closed_before_stays_with_it(legacy, pupil):
    closed = intake_of(legacy["talk"])
    assert closed.summary == "Asked to talk (Today)" and closed.status == Intake.Status.CLOSED
    _user, student = pupil
    statuses = {row["request"].pk: row["status"] for row in request_statuses(student=student)}
    assert statuses[legacy["talk"].pk] == "Reviewed by the support team."
    assert statuses[legacy["safety"].pk] == "Someone is working on it."


@pytest.mark.django_db
def test_every_check_in_keeps_exactly_one_item_carrying_its_id(legacy):
    for report in (legacy["first"], legacy["second"]):
        assert Intake.objects.filter(source="self_report", source_id=str(report.pk)).count() == 1
    assert intake_of(legacy["lone"]).source_id == str(legacy["second"].pk)
    assert Intake.objects.exclude(status=Intake.Status.CLOSED).count() == 2


@pytest.mark.django_db
def test_the_chronology_lines_of_earlier_check_ins_link_to_them(legacy):
    for report in (legacy["first"], legacy["second"]):
        line = TimelineEntry.objects.get(at=report.submitted_at)
        assert line.link == reverse("self_report:checkin", args=[report.pk])
