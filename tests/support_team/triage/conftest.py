"""Triage decisions on an intake: each locks the row, bumps the version, keeps history, adds a
chronology line, tells the queue after commit, and leaves the student's detail out of every
event and e-mail. The fixtures shared by the triage tests."""

import pytest

from schoolwell import realtime
from schoolwell.models import Discipline, Role
from support_team.services import intake_open
from tests.factories import member


@pytest.fixture
def intake(school_a, student_a):
    return intake_open(school=school_a, student=student_a, source="staff_note", summary="Quiet")


@pytest.fixture
def lead_a(school_a):
    return member(Role.SAFEGUARDING_LEAD, school=school_a, email="lead@a.example")


@pytest.fixture
def nurse_a(school_a):
    return member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE, first_name="Nadia")


@pytest.fixture
def events(monkeypatch):
    """Every event sent to a socket group, as sent."""
    sent = []

    class RecordingLayer:
        async def group_send(self, group, message):
            sent.append((group, message))

    monkeypatch.setattr(realtime, "get_channel_layer", lambda: RecordingLayer())
    return sent
