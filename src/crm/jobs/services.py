"""Every write to the job-run log: enqueueing, claiming schedule slots, executing runs.

A run is created in the caller's transaction and handed to the configured backend only when that
transaction commits (`transaction.on_commit`), so a rolled-back write never starts a job. Executing
is idempotent: a run is claimed with one conditional UPDATE (queued -> running), so a re-delivered
or re-dispatched run that already ran, or is running, is not run again.
"""

import json
import logging
import traceback
from contextlib import nullcontext
from datetime import datetime, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create
from crm.core import context
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.jobs import registry, runner
from crm.jobs.models import JobRun, JobRunStatus
from crm.jobs.schedules import latest_slot

logger = logging.getLogger(__name__)

# A run still "running" after this long is taken for dead (its process was killed): it may be
# claimed again by a re-delivery, and the scheduler marks it failed.
STALE_AFTER = timedelta(hours=6)
# A run still "queued" after this long lost its dispatch (web process restarted): the embedded
# scheduler dispatches it again, which is harmless since executing is idempotent.
REDISPATCH_AFTER = timedelta(minutes=5)
ERROR_MAX_CHARS = 4000


def _job_or_not_found(name: str) -> registry.Job:
    try:
        return registry.get(name)
    except KeyError as exc:
        raise NotFound(_("There is no job named %(name)s.") % {"name": name}) from exc


def _check_kwargs(kwargs) -> dict:
    if kwargs is None:
        return {}
    if not isinstance(kwargs, dict):
        raise ValidationFailed(fields={"kwargs": [_("Job arguments must be an object.")]})
    return kwargs


@transaction.atomic
def job_enqueue(*, name: str, triggered_by=None, kwargs: dict | None = None) -> JobRun:
    """Log a run of a job and hand it to the backend once the current transaction commits.

    Modules call this from their services (no permission asked here: the calling service asked).
    """
    _job_or_not_found(name)
    run = JobRun.objects.create(job=name, kwargs=_check_kwargs(kwargs), triggered_by=triggered_by)
    run_id = run.pk
    transaction.on_commit(lambda: runner.dispatch(run_id), robust=True)
    return run


@transaction.atomic
def job_run_now(*, actor, name: str, kwargs: dict | None = None) -> JobRun:
    """An administrator starts a job by hand ("Run now"); refused while a run is still pending."""
    access_for(actor).require("jobs.job.run")
    _job_or_not_found(name)
    pending = JobRun.objects.for_job(name).unfinished().filter(created_at__gte=timezone.now() - STALE_AFTER)
    if pending.exists():
        raise Conflict(_("This job is already queued or running."))
    run = job_enqueue(name=name, triggered_by=actor, kwargs=kwargs)
    audit_create(actor=actor, instance=run, fields=["job", "kwargs"])
    return run


def job_run_sync(*, name: str, kwargs: dict | None = None, triggered_by=None) -> JobRun:
    """Log a run and execute it right here, in this process (the `crm runjob` command)."""
    _job_or_not_found(name)
    run = JobRun.objects.create(job=name, kwargs=_check_kwargs(kwargs), triggered_by=triggered_by)
    return job_execute(run.pk)


def job_claim_slot(*, name: str, slot: datetime) -> JobRun | None:
    """Claim one schedule slot of a job: the new run, or None when another process has it."""
    _job_or_not_found(name)
    try:
        with transaction.atomic():
            return JobRun.objects.create(job=name, scheduled_for=slot)
    except IntegrityError:
        return None


def job_claim_latest_slot(*, name: str, now: datetime | None = None) -> JobRun | None:
    """What Celery beat's task does when it fires: claim the slot that has just come due.

    A little clock skew between beat and worker is allowed, so a worker whose clock runs a few
    seconds behind still picks the slot beat fired for, not the previous one.
    """
    entry = _job_or_not_found(name)
    if entry.schedule is None:
        return None
    slot = latest_slot(entry.schedule, (now or timezone.now()) + timedelta(seconds=30))
    return None if slot is None else job_claim_slot(name=name, slot=slot)


def job_execute(run_id: int) -> JobRun | None:
    """Run a logged job once: claim it, call the job as source "job", store outcome and timing.

    Returns the run as it ends, or None when the run does not exist. A run already finished, or
    running elsewhere (and not stale), is returned untouched: re-delivery is harmless.
    """
    now = timezone.now()
    claimable = JobRun.objects.filter(pk=run_id).filter(
        Q(status=JobRunStatus.QUEUED) | Q(status=JobRunStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    )
    claimed = claimable.update(status=JobRunStatus.RUNNING, started_at=now, finished_at=None, error="")
    run = JobRun.objects.filter(pk=run_id).first()
    if run is None:
        logger.warning("job run %s does not exist", run_id)
        return None
    if not claimed:
        return run
    try:
        entry = registry.get(run.job)
    except KeyError:
        message = _("No job named %(name)s is registered in this process.") % {"name": run.job}
        return _finish(run, JobRunStatus.FAILED, error=message)
    logger.info("job %s (run %s) started", run.job, run.pk)
    try:
        # Inside a caller's transaction (eager backend), a savepoint keeps a failing job from
        # breaking it; elsewhere the job manages its own transactions.
        savepoint = transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()
        with context.acting("job"), savepoint:
            result = entry(run, **(run.kwargs or {}))
        if result is not None and not isinstance(result, dict):
            result = {"value": result}
        finished = _finish(run, JobRunStatus.SUCCEEDED, result=result)
    except Exception:
        logger.exception("job %s (run %s) failed", run.job, run.pk)
        return _finish(run, JobRunStatus.FAILED, error=traceback.format_exc()[-ERROR_MAX_CHARS:])
    logger.info("job %s (run %s) %s in %s", run.job, run.pk, finished.status, finished.duration)
    return finished


def _finish(run: JobRun, status: str, *, result=None, error: str = "") -> JobRun:
    if result is not None:
        try:
            json.dumps(result, cls=DjangoJSONEncoder)
        except (TypeError, ValueError):
            status, error = (
                JobRunStatus.FAILED,
                _("The job's result could not be stored: %(result)r") % {"result": result},
            )
            result = None
    finished_at = timezone.now()
    run.status = status
    run.result = result
    run.error = error
    run.finished_at = finished_at
    run.duration = finished_at - run.started_at if run.started_at else None
    run.save(update_fields=["status", "result", "error", "finished_at", "duration"])
    return run


def job_runs_recover(*, now: datetime | None = None) -> dict:
    """Tidy runs lost to a restart: re-dispatch old queued runs, fail runs that died running."""
    now = now or timezone.now()
    lost = list(
        JobRun.objects.filter(status=JobRunStatus.QUEUED, created_at__lt=now - REDISPATCH_AFTER).values_list(
            "pk", flat=True
        )[:100]
    )
    for run_id in lost:
        runner.dispatch(run_id)
    dead = JobRun.objects.filter(status=JobRunStatus.RUNNING, started_at__lt=now - STALE_AFTER).update(
        status=JobRunStatus.FAILED, finished_at=now, error=_("Interrupted: the process running this job stopped.")
    )
    return {"redispatched": len(lost), "interrupted": dead}
