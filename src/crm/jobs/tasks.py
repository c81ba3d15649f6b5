"""Celery tasks: thin wrappers over crm.jobs.services (production backend, CRM_REDIS_URL set)."""

from crm.celery import app
from crm.jobs.services import job_claim_latest_slot, job_execute


@app.task(name="crm.jobs.tasks.run_job", ignore_result=True)
def run_job(run_id: int) -> None:
    """Execute one logged run; a re-delivered message finds the run finished and does nothing."""
    job_execute(run_id)


@app.task(name="crm.jobs.tasks.run_scheduled", ignore_result=True)
def run_scheduled(name: str) -> None:
    """Beat fired for a scheduled job: claim the slot (once across all processes), then run it."""
    run = job_claim_latest_slot(name=name)
    if run is not None:
        job_execute(run.pk)
