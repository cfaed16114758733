import datetime
import os
import signal
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_tasks import task

from schoolwell import schedule
from schoolwell.schedule import Periodic, run_due
from support_team.tasks import escalate_unclaimed_urgent_task, send_daily_digests_task

RUNS: list[str] = []
UTC = datetime.UTC


@task()
def record_run() -> None:
    RUNS.append("ran")


@pytest.fixture(autouse=True)
def _runs():
    RUNS.clear()
    yield
    RUNS.clear()


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


MINUTELY = Periodic(task=record_run, every=datetime.timedelta(minutes=1))
# 07:00 in America/Chicago is 13:00 UTC in January.
DAILY = Periodic(task=record_run, daily_at=datetime.time(7, 0))


def test_the_support_team_declares_its_jobs():
    jobs = {job.task: job for job in schedule.discover()}
    assert jobs[escalate_unclaimed_urgent_task].every == datetime.timedelta(minutes=1)
    assert jobs[send_daily_digests_task].daily_at == datetime.time(7, 0)


def test_a_periodic_job_needs_exactly_one_kind_of_time():
    with pytest.raises(ImproperlyConfigured):
        Periodic(task=record_run)
    with pytest.raises(ImproperlyConfigured):
        Periodic(task=record_run, every=datetime.timedelta(minutes=5), daily_at=datetime.time(7))
    with pytest.raises(ImproperlyConfigured):
        Periodic(task=record_run, every=datetime.timedelta(seconds=10))


def test_the_same_job_declared_twice_is_refused():
    module = mock.Mock(PERIODIC=[MINUTELY, DAILY])
    with (
        mock.patch("schoolwell.schedule.import_module", return_value=module),
        pytest.raises(ImproperlyConfigured, match="declared twice"),
    ):
        schedule.discover()


def test_a_minutely_job_is_enqueued_once_per_minute():
    assert run_due(now=at(2026, 1, 14, 10, 0, 5), jobs=[MINUTELY]) == [MINUTELY.name]
    assert run_due(now=at(2026, 1, 14, 10, 0, 40), jobs=[MINUTELY]) == []
    assert run_due(now=at(2026, 1, 14, 10, 1, 2), jobs=[MINUTELY]) == [MINUTELY.name]
    assert RUNS == ["ran", "ran"]


def test_a_daily_job_runs_at_its_local_time_once_a_day():
    assert run_due(now=at(2026, 1, 14, 12, 59), jobs=[DAILY]) == []
    assert run_due(now=at(2026, 1, 14, 13, 0, 10), jobs=[DAILY]) == [DAILY.name]
    assert run_due(now=at(2026, 1, 14, 18, 0), jobs=[DAILY]) == []
    # After local midnight, the new day's run waits for 07:00 again.
    assert run_due(now=at(2026, 1, 15, 7, 0), jobs=[DAILY]) == []
    assert run_due(now=at(2026, 1, 15, 13, 0, 30), jobs=[DAILY]) == [DAILY.name]
    assert RUNS == ["ran", "ran"]


def test_a_daily_job_missed_while_the_scheduler_was_down_runs_when_it_returns():
    assert run_due(now=at(2026, 1, 14, 16, 45), jobs=[DAILY]) == [DAILY.name]


def test_a_slot_whose_enqueue_failed_is_tried_again():
    with mock.patch.object(type(record_run), "enqueue", side_effect=RuntimeError("db down")):
        assert run_due(now=at(2026, 1, 14, 10, 0, 5), jobs=[MINUTELY]) == []
    assert run_due(now=at(2026, 1, 14, 10, 0, 35), jobs=[MINUTELY]) == [MINUTELY.name]


@pytest.mark.django_db
def test_run_schedule_once_enqueues_what_is_due_and_exits(mailoutbox):
    out = StringIO()
    with time_machine.travel(at(2026, 1, 14, 13, 0, 5), tick=False):
        call_command("run_schedule", "--once", stdout=out)
        call_command("run_schedule", "--once", stdout=out)
    text = out.getvalue()
    assert "send_daily_digests_task: daily at 07:00" in text
    assert text.count("enqueued support_team.tasks.send_daily_digests_task") == 1
    assert text.count("enqueued support_team.tasks.escalate_unclaimed_urgent_task") == 1


def test_run_schedule_refuses_an_interval_that_would_miss_minutes():
    with pytest.raises(CommandError):
        call_command("run_schedule", "--interval", "120")


@pytest.mark.django_db
def test_run_schedule_loops_until_told_to_stop():
    out = StringIO()
    ticks = []
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)

    def fake_run_due(*, jobs):
        ticks.append(len(jobs))
        if len(ticks) == 3:
            os.kill(os.getpid(), signal.SIGTERM)
        return []

    try:
        with (
            mock.patch("schoolwell.schedule.run_due", side_effect=fake_run_due),
            mock.patch("time.sleep"),
        ):
            call_command("run_schedule", "--interval", "0.01", stdout=out)
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    assert len(ticks) == 3
    assert out.getvalue().endswith("stopped\n")


@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_jobs_wait_for_a_worker():
    from django_tasks_db.models import DBTaskResult

    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
            assert run_due(now=at(2026, 1, 14, 10, 0, 5), jobs=[MINUTELY]) == [MINUTELY.name]
            assert RUNS == []
            assert DBTaskResult.objects.filter(status="READY").count() == 1
            call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
    assert RUNS == ["ran"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
