import datetime
import logging
from unittest import mock

import pytest
import time_machine

from schoolwell.models import Membership, Role
from support_team.models import Intake, TimelineEntry
from support_team.services import intake_claim, intake_open
from support_team.services.escalation import escalate_unclaimed_urgent
from support_team.tasks import escalate_unclaimed_urgent_task
from tests.factories import enrolled_student, member
from tests.support_team.listen import heard_by_queue, ids_of

# The database first: its set-up empties the mail outbox, which must come after.
pytestmark = pytest.mark.django_db
OPENED = datetime.datetime(2026, 1, 14, 15, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)
SENTINEL = "Quillonsentinel"


@pytest.fixture
def admin_a(school_a):
    return member(Role.SCHOOL_ADMIN, school=school_a)


@pytest.fixture
def urgent(school_a):
    with time_machine.travel(OPENED, tick=False):
        return intake_open(
            school=school_a,
            student=enrolled_student(school_a, legal_first_name=SENTINEL),
            source="staff_note",
            summary=f"{SENTINEL} at risk",
            urgency=Intake.Urgency.URGENT,
        )


def run_at(moment):
    with time_machine.travel(moment, tick=False):
        return escalate_unclaimed_urgent()


def test_fourteen_minutes_unclaimed_is_not_escalated_yet(mailoutbox, urgent, admin_a):
    assert run_at(OPENED + 14 * MINUTE) == 0
    assert mailoutbox == []
    urgent.refresh_from_db()
    assert urgent.admin_alerted_at is None


def test_sixteen_minutes_unclaimed_alerts_the_schools_admins_only(
    mailoutbox, urgent, admin_a, school_a, school_b, team_a, teacher_a
):
    second_admin = member(Role.SCHOOL_ADMIN, school=school_a)
    member(Role.SCHOOL_ADMIN, school=school_b)
    member(Role.SAFEGUARDING_LEAD, school=school_a)
    former = member(Role.SCHOOL_ADMIN, school=school_a)
    Membership.objects.filter(user=former).update(active=False)

    assert run_at(OPENED + 16 * MINUTE) == 1
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([admin_a.email, second_admin.email])
    assert school_a.name in mail.subject
    assert SENTINEL not in mail.subject + mail.body
    assert "15 minutes" in mail.body
    urgent.refresh_from_db()
    assert urgent.admin_alerted_at == OPENED + 16 * MINUTE
    assert urgent.version == 2
    line = TimelineEntry.objects.get(student=urgent.student, source=TimelineEntry.Source.INTAKE)
    assert "school administrator was alerted" in line.title
    assert SENTINEL not in line.title


def test_a_second_run_does_nothing(mailoutbox, urgent, admin_a):
    assert run_at(OPENED + 16 * MINUTE) == 1
    assert run_at(OPENED + 17 * MINUTE) == 0
    assert run_at(OPENED + 60 * MINUTE) == 0
    assert len(mailoutbox) == 1
    urgent.refresh_from_db()
    assert urgent.admin_alerted_at == OPENED + 16 * MINUTE
    assert urgent.history.filter(admin_alerted_at__isnull=False).count() == 1


def test_an_intake_claimed_in_time_is_not_escalated(mailoutbox, urgent, admin_a, team_a):
    with time_machine.travel(OPENED + 10 * MINUTE, tick=False):
        intake_claim(intake=urgent, by=team_a)
    assert run_at(OPENED + 16 * MINUTE) == 0
    assert mailoutbox == []


def test_an_item_that_is_not_urgent_is_not_escalated(mailoutbox, school_a, admin_a):
    with time_machine.travel(OPENED, tick=False):
        intake_open(
            school=school_a,
            student=enrolled_student(school_a),
            source="staff_note",
            summary="x",
            urgency=Intake.Urgency.HIGH,
        )
    assert run_at(OPENED + 16 * MINUTE) == 0
    assert mailoutbox == []


def test_with_no_administrator_it_is_not_marked_and_a_later_run_alerts(
    mailoutbox, urgent, school_a, caplog
):
    with caplog.at_level(logging.WARNING):
        assert run_at(OPENED + 16 * MINUTE) == 0
    assert "no administrator" in caplog.text
    urgent.refresh_from_db()
    assert urgent.admin_alerted_at is None
    admin = member(Role.SCHOOL_ADMIN, school=school_a)
    assert run_at(OPENED + 17 * MINUTE) == 1
    assert [m.to for m in mailoutbox] == [[admin.email]]


def test_a_failed_mail_rolls_back_and_the_next_run_retries(mailoutbox, urgent, admin_a):
    with mock.patch("support_team.services.escalation.send_mail", side_effect=OSError("smtp down")):
        assert run_at(OPENED + 16 * MINUTE) == 0
    urgent.refresh_from_db()
    assert urgent.admin_alerted_at is None
    assert urgent.version == 1
    assert run_at(OPENED + 17 * MINUTE) == 1
    assert len(mailoutbox) == 1


def test_the_periodic_task_escalates(mailoutbox, urgent, admin_a):
    with time_machine.travel(OPENED + 16 * MINUTE, tick=False):
        assert escalate_unclaimed_urgent_task.enqueue().return_value == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_queue_hears_of_the_escalation_with_ids_only(school_a):
    member(Role.SCHOOL_ADMIN, school=school_a)
    with time_machine.travel(OPENED, tick=False):
        intake = intake_open(
            school=school_a,
            student=enrolled_student(school_a, legal_first_name=SENTINEL),
            source="staff_note",
            summary=SENTINEL,
            urgency=Intake.Urgency.URGENT,
        )
    # The clock is not frozen here: the in-memory layer would expire a message sent "in 2026".
    escalated, events = heard_by_queue(
        school_a, lambda: escalate_unclaimed_urgent(now=OPENED + 16 * MINUTE)
    )
    assert escalated == 1
    [event] = events
    assert ids_of(event) == {"type": "queue.changed", "intake": intake.pk, "version": 2}
