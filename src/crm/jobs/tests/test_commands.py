"""`crm runjob`, `crm worker`/`crm beat` without Redis, and the Celery app's beat schedule."""

import pytest
from celery.schedules import crontab
from django.core.management import call_command
from django.core.management.base import CommandError

from crm.jobs import registry
from crm.jobs.models import JobRun, JobRunStatus


def test_runjob_runs_synchronously_and_prints_the_outcome(db, capsys, echo_job):
    call_command("runjob", "test.echo", "--kwargs", '{"days": 7}')
    out = capsys.readouterr().out
    run = JobRun.objects.get(job="test.echo")
    assert run.status == JobRunStatus.SUCCEEDED
    assert f"run {run.pk} test.echo: succeeded" in out
    assert '"days": 7' in out


def test_runjob_exits_with_1_when_the_job_fails(db, capsys, failing_job):
    with pytest.raises(SystemExit) as exit_info:
        call_command("runjob", "test.fail")
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "test.fail: failed" in captured.out
    assert "the warehouse API answered 503" in captured.err
    assert JobRun.objects.get(job="test.fail").status == JobRunStatus.FAILED


def test_runjob_rejects_unknown_jobs_and_bad_arguments(db):
    with pytest.raises(CommandError):
        call_command("runjob", "no.such.job")
    with pytest.raises(CommandError):
        call_command("runjob", "system.cleanup", "--kwargs", "{nope")
    assert not JobRun.objects.exists()


def test_runjob_lists_the_jobs(db, capsys):
    call_command("runjob", "--list")
    assert "system.cleanup" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["worker", "beat"])
def test_worker_and_beat_need_redis(settings, command):
    settings.CELERY_BROKER_URL = None
    with pytest.raises(CommandError, match="CRM_REDIS_URL"):
        call_command(command)


def test_beat_schedule_has_one_entry_per_scheduled_job():
    from crm.celery import beat_schedule

    @registry.job(name="test.nightly", label="Nightly", schedule=crontab(minute=30, hour=1))
    def nightly(run, **kwargs):
        return None

    try:
        schedule = beat_schedule()
    finally:
        registry.unregister("test.nightly")
    assert schedule["job:system.cleanup"]["task"] == "crm.jobs.tasks.run_scheduled"
    assert schedule["job:system.cleanup"]["args"] == ("system.cleanup",)
    assert schedule["job:test.nightly"]["schedule"] == crontab(minute=30, hour=1)
    unscheduled = {entry.name for entry in registry.all_jobs() if entry.schedule is None}
    assert not unscheduled & {key.removeprefix("job:") for key in schedule}


def test_the_beat_task_claims_a_slot_once_and_runs_it(db):
    from crm.jobs.tasks import run_scheduled

    run_scheduled.apply(args=("system.cleanup",))
    run_scheduled.apply(args=("system.cleanup",))
    runs = list(JobRun.objects.filter(job="system.cleanup"))
    assert len(runs) == 1
    assert runs[0].scheduled_for is not None
    assert runs[0].status == JobRunStatus.SUCCEEDED
