"""The embedded scheduler: due slots claimed once, however many schedulers run (CHURN-1)."""

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab

from crm.jobs import registry, scheduler
from crm.jobs.models import JobRun, JobRunStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def weekly_job(monkeypatch):
    # Only this test's schedule: the modules' own scheduled jobs would claim slots too.
    monkeypatch.setattr(registry, "_jobs", {name: job for name, job in registry._jobs.items() if not job.scheduled})
    calls = []

    @registry.job(name="test.weekly", label="Weekly", schedule=crontab(minute=0, hour=2, day_of_week=6))
    def weekly(run, **kwargs):
        calls.append(run.scheduled_for)
        return {"slot": run.scheduled_for}

    yield calls
    registry.unregister("test.weekly")


def test_tick_claims_and_runs_the_due_slot_once(db, weekly_job):
    now = datetime(2026, 11, 21, 2, 0, 20, tzinfo=SHANGHAI)
    claimed = scheduler.tick(now)
    slot = datetime(2026, 11, 21, 2, 0, tzinfo=SHANGHAI)
    assert [(run.job, run.scheduled_for) for run in claimed] == [("test.weekly", slot)]
    run = JobRun.objects.get(job="test.weekly")
    assert run.status == JobRunStatus.SUCCEEDED  # eager backend in tests
    assert weekly_job == [slot]
    # The next ticks (this process or another one) find the slot taken.
    assert scheduler.tick(now + timedelta(seconds=30)) == []
    assert scheduler.tick(now + timedelta(hours=5)) == []
    assert JobRun.objects.filter(job="test.weekly").count() == 1
    # A week later, the next slot.
    assert len(scheduler.tick(now + timedelta(days=7))) == 1
    assert JobRun.objects.filter(job="test.weekly").count() == 2


def test_a_slot_claimed_by_another_process_is_not_run_again(db, weekly_job):
    slot = datetime(2026, 11, 21, 2, 0, tzinfo=SHANGHAI)
    JobRun.objects.create(job="test.weekly", scheduled_for=slot, status=JobRunStatus.RUNNING)
    assert scheduler.tick(datetime(2026, 11, 21, 2, 0, 5, tzinfo=SHANGHAI)) == []
    assert weekly_job == []


def test_missed_slots_run_once_within_grace_and_never_when_older(db, weekly_job):
    # Down from Friday to Saturday 10:00: the 02:00 slot runs once at start-up.
    assert len(scheduler.tick(datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI))) == 1
    # Down for two weeks, back on a Tuesday: nothing runs until the next Saturday.
    JobRun.objects.all().delete()
    assert scheduler.tick(datetime(2026, 12, 8, 10, 0, tzinfo=SHANGHAI)) == []
    assert not JobRun.objects.filter(job="test.weekly").exists()


def test_due_runs_skips_claimed_slots(db, weekly_job):
    now = datetime(2026, 11, 21, 3, 0, tzinfo=SHANGHAI)
    assert ("test.weekly", datetime(2026, 11, 21, 2, 0, tzinfo=SHANGHAI)) in scheduler.due_runs(now)
    scheduler.tick(now)
    assert all(name != "test.weekly" for name, _slot in scheduler.due_runs(now))


@pytest.mark.django_db(transaction=True)
def test_start_scheduler_runs_due_jobs_in_a_thread_and_is_idempotent():
    threads = []

    @registry.job(name="test.every_minute", label="Every minute", schedule=crontab())
    def every_minute(run, **kwargs):
        threads.append(threading.get_ident())

    try:
        assert scheduler.start_scheduler() is True
        assert scheduler.start_scheduler() is False
        deadline = time.monotonic() + 10
        while not threads and time.monotonic() < deadline:
            time.sleep(0.1)
        assert threads, "the scheduler thread never ran the due job"
        assert threads[0] != threading.get_ident()
    finally:
        scheduler.stop_scheduler(timeout=10)
        registry.unregister("test.every_minute")
    run = JobRun.objects.get(job="test.every_minute")
    assert run.scheduled_for is not None and run.status == JobRunStatus.SUCCEEDED
    assert scheduler.start_scheduler() is True
    scheduler.stop_scheduler(timeout=10)
