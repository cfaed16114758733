import datetime
from unittest import mock

import pytest
import time_machine

from schoolwell.models import Discipline, Membership, Role
from support_team.models import DigestSent, Intake
from support_team.selectors.caseload import digest_counts, digest_recipients
from support_team.services import intake_open
from support_team.services.digest import digest_send_all
from support_team.tasks import send_daily_digests_task
from tests.factories import enrolled_student, member
from tests.support_team.caseload_data import (
    NOW,
    TODAY,
    claimed_intake,
    follow_up,
    intervention,
    open_case,
)

# The database first: its set-up empties the mail outbox, which must come after.
pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
SENTINEL = "Zebulonsentinel"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def busy_day(school, person):
    """Something of every kind due for `person`, about a student with a sentinel name."""
    case = open_case(school, person, legal_first_name=SENTINEL, legal_last_name=SENTINEL)
    for due in (TODAY - 2 * DAY, TODAY - DAY, TODAY - DAY):
        follow_up(case, person, due, title=f"Ask {SENTINEL} about home")
    follow_up(case, person, TODAY, title=f"{SENTINEL} today")
    follow_up(case, person, TODAY + 2 * DAY, title=f"{SENTINEL} friday")
    intervention(case, person, TODAY)
    claimed_intake(school, person, student=case.student)
    intake_open(
        school=school,
        student=enrolled_student(school, legal_first_name=SENTINEL),
        source="staff_note",
        summary=f"{SENTINEL} said something worrying",
        urgency=Intake.Urgency.URGENT,
    )
    return case


def test_the_digest_gives_counts_and_links_and_never_a_name(mailoutbox, school_a, team_a):
    busy_day(school_a, team_a)
    assert send_daily_digests_task.enqueue().return_value == 1
    [mail] = mailoutbox
    assert mail.to == [team_a.email]
    text = mail.subject + mail.body
    assert SENTINEL not in text
    assert "3 follow-ups overdue" in mail.body
    assert "1 follow-up due today" in mail.body
    assert "1 follow-up due later this week" in mail.body
    assert "1 intervention review due" in mail.body
    assert "1 item you claimed is waiting for your decision" in mail.body
    assert "1 urgent item is waiting unclaimed" in mail.body
    assert "http://127.0.0.1:8000/team/" in mail.body
    assert "8 things waiting" in mail.subject


def test_the_digest_goes_once_a_day_even_when_the_job_runs_twice(mailoutbox, school_a, team_a):
    busy_day(school_a, team_a)
    assert digest_send_all() == 1
    assert digest_send_all() == 0
    assert len(mailoutbox) == 1
    assert DigestSent.objects.get().sent_on == TODAY
    with time_machine.travel(NOW + DAY, tick=False):
        assert digest_send_all() == 1
    assert len(mailoutbox) == 2


def test_nothing_due_sends_nothing(mailoutbox, school_a, team_a):
    case = open_case(school_a, team_a)
    follow_up(case, team_a, TODAY + 10 * DAY)
    follow_up(case, team_a, TODAY - DAY, done=True)
    assert digest_send_all() == 0
    assert mailoutbox == []
    assert not DigestSent.objects.exists()


def test_only_active_team_members_get_a_digest(mailoutbox, school_a, team_a, teacher_a):
    busy_day(school_a, team_a)
    gone = member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE)
    busy_day(school_a, gone)
    Membership.objects.filter(user=gone).update(active=False)
    disabled = member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE)
    busy_day(school_a, disabled)
    disabled.is_active = False
    disabled.save()
    digest_send_all()
    assert [m.to for m in mailoutbox] == [[team_a.email]]


def test_work_at_a_school_they_left_is_not_counted(school_a, school_b, team_b):
    case = open_case(school_a, team_b)
    follow_up(case, team_b, TODAY - DAY)
    intervention(case, team_b, TODAY)
    counts = digest_counts(recipients=digest_recipients(), today=TODAY)
    assert not counts[team_b.pk]


def test_urgent_unclaimed_items_count_only_at_their_own_school(school_a, school_b, team_a, team_b):
    intake_open(
        school=school_b,
        student=enrolled_student(school_b),
        source="staff_note",
        summary="x",
        urgency=Intake.Urgency.URGENT,
    )
    counts = digest_counts(recipients=digest_recipients(), today=TODAY)
    assert counts[team_b.pk].urgent_unclaimed == 1
    assert counts[team_a.pk].urgent_unclaimed == 0


def test_a_failed_send_is_not_recorded_so_a_later_run_sends_it(mailoutbox, school_a, team_a):
    busy_day(school_a, team_a)
    with mock.patch("support_team.services.digest.send_mail", side_effect=OSError("smtp down")):
        assert digest_send_all() == 0
    assert not DigestSent.objects.exists()
    assert digest_send_all() == 1
    assert len(mailoutbox) == 1


def test_digest_counts_cost_the_same_queries_for_1_or_10_members(
    school_a, school_b, django_assert_num_queries
):
    busy_day(school_a, member(Role.SUPPORT, school=school_a, discipline=Discipline.NURSE))
    with django_assert_num_queries(5):
        digest_counts(recipients=digest_recipients(), today=TODAY)
    for _ in range(9):
        busy_day(school_b, member(Role.SUPPORT, school=school_b, discipline=Discipline.NURSE))
    with django_assert_num_queries(5):
        counts = digest_counts(recipients=digest_recipients(), today=TODAY)
    assert len(counts) == 10 and all(counts.values())
