"""Enqueueing and executing runs: on commit, once, with outcome and errors logged (NFR-3, ORG-8)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone, translation

from crm.audit.models import AuditAction, AuditEvent
from crm.audit.services import audit_record
from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from crm.jobs import registry
from crm.jobs.models import JobRun, JobRunStatus
from crm.jobs.services import (
    job_claim_latest_slot,
    job_claim_slot,
    job_enqueue,
    job_execute,
    job_run_now,
    job_run_sync,
    job_runs_recover,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_eager_run_succeeds_and_stores_the_result(db, echo_job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = job_enqueue(name="test.echo", kwargs={"days": 3})
    run.refresh_from_db()
    assert run.status == JobRunStatus.SUCCEEDED
    assert run.result == {"echo": {"days": 3}, "run": run.pk}
    assert run.error == ""
    assert run.started_at is not None and run.finished_at >= run.started_at
    assert run.duration == run.finished_at - run.started_at
    assert echo_job.calls == [{"days": 3}]


def test_run_is_dispatched_only_on_commit(db, echo_job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = job_enqueue(name="test.echo")
    assert echo_job.calls == []
    assert JobRun.objects.get(pk=run.pk).status == JobRunStatus.QUEUED
    assert len(callbacks) == 1


def test_failing_job_is_logged_as_failed_with_its_error(db, failing_job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = job_enqueue(name="test.fail")
    run.refresh_from_db()
    assert run.status == JobRunStatus.FAILED
    assert "RuntimeError: the warehouse API answered 503" in run.error
    assert "Traceback" in run.error
    assert run.result is None
    assert run.finished_at is not None and run.duration is not None


@pytest.mark.django_db(transaction=True)
def test_enqueue_inside_a_rolled_back_transaction_never_runs(echo_job):
    with pytest.raises(RuntimeError), transaction.atomic():
        job_enqueue(name="test.echo")
        raise RuntimeError("the caller's write failed")
    assert echo_job.calls == []
    assert not JobRun.objects.exists()
    # The same call committed does run (so the assertion above can fail).
    job_enqueue(name="test.echo")
    assert len(echo_job.calls) == 1
    assert JobRun.objects.get().status == JobRunStatus.SUCCEEDED


def test_re_executing_a_finished_run_does_nothing(db, echo_job):
    run = JobRun.objects.create(job="test.echo")
    first = job_execute(run.pk)
    assert first.status == JobRunStatus.SUCCEEDED
    finished_at = first.finished_at
    again = job_execute(run.pk)
    assert again.status == JobRunStatus.SUCCEEDED
    assert again.finished_at == finished_at
    assert len(echo_job.calls) == 1


def test_a_failed_run_is_not_re_executed_either(db, failing_job):
    run = JobRun.objects.create(job="test.fail")
    job_execute(run.pk)
    job_execute(run.pk)
    assert len(failing_job.calls) == 1


def test_a_run_running_elsewhere_is_left_alone_unless_stale(db, echo_job):
    run = JobRun.objects.create(job="test.echo", status=JobRunStatus.RUNNING, started_at=timezone.now())
    assert job_execute(run.pk).status == JobRunStatus.RUNNING
    assert echo_job.calls == []
    # Started long ago: its process died; a re-delivery may run it.
    JobRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(hours=7))
    assert job_execute(run.pk).status == JobRunStatus.SUCCEEDED
    assert len(echo_job.calls) == 1


def test_execute_of_a_missing_run_is_harmless(db):
    assert job_execute(987654) is None


def test_a_run_of_an_unregistered_job_fails_with_a_reason(db):
    run = JobRun.objects.create(job="gone.away")
    assert job_execute(run.pk).status == JobRunStatus.FAILED
    assert "gone.away" in JobRun.objects.get(pk=run.pk).error


def test_a_result_that_is_not_json_fails_the_run(db):
    @registry.job(name="test.bad_result", label="Bad result")
    def bad(run, **kwargs):
        return {"when": object()}

    try:
        with translation.override("en"):
            run = job_run_sync(name="test.bad_result")
    finally:
        registry.unregister("test.bad_result")
    run.refresh_from_db()
    assert run.status == JobRunStatus.FAILED
    assert "could not be stored" in run.error


def test_jobs_run_as_source_job_in_the_audit_log(db):
    @registry.job(name="test.audited", label="Audited")
    def audited(run, **kwargs):
        audit_record(actor=None, action=AuditAction.OTHER, message="job wrote this")

    try:
        job_run_sync(name="test.audited")
    finally:
        registry.unregister("test.audited")
    event = AuditEvent.objects.get(message="job wrote this")
    assert event.source == "job"


def test_unknown_job_is_not_found(db):
    with pytest.raises(NotFound):
        job_enqueue(name="no.such.job")
    assert not JobRun.objects.exists()


def test_kwargs_must_be_an_object(db, echo_job):
    with pytest.raises(ValidationFailed):
        job_enqueue(name="test.echo", kwargs=["not", "a", "dict"])


# --- claiming schedule slots ----------------------------------------------------------------------
def test_two_claims_of_the_same_slot_produce_one_run(db, echo_job):
    slot = datetime(2026, 11, 21, 2, 0, tzinfo=SHANGHAI)
    first = job_claim_slot(name="test.echo", slot=slot)
    second = job_claim_slot(name="test.echo", slot=slot)
    assert first is not None
    assert second is None
    assert JobRun.objects.filter(job="test.echo", scheduled_for=slot).count() == 1
    # Another slot, or a manual run (no slot), is a run of its own.
    assert job_claim_slot(name="test.echo", slot=slot + timedelta(days=7)) is not None
    JobRun.objects.create(job="test.echo")
    JobRun.objects.create(job="test.echo")
    assert JobRun.objects.filter(job="test.echo").count() == 4


def test_beat_task_claims_the_slot_that_just_came_due(db):
    # system.cleanup: Sundays 03:00. Beat fires at 03:00; a worker whose clock is 5 s behind still
    # claims 03:00, and a second delivery claims nothing.
    now = datetime(2026, 11, 22, 2, 59, 55, tzinfo=SHANGHAI)
    run = job_claim_latest_slot(name="system.cleanup", now=now)
    assert run is not None
    assert run.scheduled_for == datetime(2026, 11, 22, 3, 0, tzinfo=SHANGHAI)
    assert job_claim_latest_slot(name="system.cleanup", now=now + timedelta(seconds=10)) is None


# --- run now (administrators) ------------------------------------------------------------------------
def test_run_now_needs_the_run_permission(db, make_user, echo_job, org):
    manager = make_user("m1", role="manager", department=org.sales1)
    with pytest.raises(PermissionDenied):
        job_run_now(actor=manager, name="test.echo")
    assert not JobRun.objects.exists()
    assert echo_job.calls == []


def test_run_now_is_audited_and_refused_while_pending(db, admin_user, echo_job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = job_run_now(actor=admin_user, name="test.echo")
        assert run.triggered_by == admin_user
        event = AuditEvent.objects.for_object(run).get()
        assert event.action == AuditAction.CREATE and event.actor == admin_user
        with pytest.raises(Conflict):
            job_run_now(actor=admin_user, name="test.echo")
    job_execute(run.pk)
    assert job_run_now(actor=admin_user, name="test.echo").pk != run.pk


# --- recovery of lost runs -----------------------------------------------------------------------------
def test_recover_redispatches_lost_queued_runs_and_fails_dead_ones(db, echo_job):
    now = timezone.now()
    lost = JobRun.objects.create(job="test.echo")
    JobRun.objects.filter(pk=lost.pk).update(created_at=now - timedelta(minutes=10))
    fresh = JobRun.objects.create(job="test.echo")
    dead = JobRun.objects.create(job="test.echo", status=JobRunStatus.RUNNING, started_at=now - timedelta(hours=7))
    result = job_runs_recover(now=now)
    assert result == {"redispatched": 1, "interrupted": 1}
    assert JobRun.objects.get(pk=lost.pk).status == JobRunStatus.SUCCEEDED  # eager backend
    assert JobRun.objects.get(pk=fresh.pk).status == JobRunStatus.QUEUED
    dead.refresh_from_db()
    assert dead.status == JobRunStatus.FAILED and dead.error
