"""Background jobs of imports, exports and backups (thin: the services do the work)."""

from contextlib import nullcontext

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from crm.imports.services import backup, exports, lifecycle
from crm.imports.services.run import JOB_NAME, collector_paused, import_execute
from crm.jobs import runner
from crm.jobs.registry import job


@job(name=JOB_NAME, label=_("Import a file"))
def import_run(run, import_id: int, **kwargs):
    # With Celery the job runs in a worker process, where the collector may pause; in the web
    # process (the embedded "thread" backend) it stays on for the requests beside it (ADR 0015).
    with collector_paused() if runner.backend() == "celery" else nullcontext():
        job = import_execute(import_id)
    if job is None:
        return {"import": import_id, "status": "missing"}
    return {
        "import": job.pk,
        "status": job.status,
        "created": job.created_count,
        "updated": job.updated_count,
        "skipped": job.skipped_count,
        "rejected": job.rejected_count,
        "waiting": job.waiting_count,
    }


@job(name="imports.recover", label=_("Resume interrupted imports"), schedule=crontab(minute="*/5"))
def imports_recover(run, **kwargs):
    return lifecycle.imports_recover()


@job(name=exports.JOB_NAME, label=_("Export a list"))
def export_run(run, export_id: int, **kwargs):
    job = exports.export_execute(export_id)
    return {"export": export_id, "status": job.status if job else "missing", "rows": job.rows if job else None}


@job(name="imports.cleanup", label=_("Delete old import and export files"), schedule=crontab(minute=15, hour=3))
def files_cleanup(run, **kwargs):
    return {**lifecycle.imports_cleanup(), **exports.exports_cleanup()}


@job(name="system.backup", label=_("Back up the database and files"), schedule=crontab(minute=30, hour=2))
def backup_run(run, **kwargs):
    return backup.backup_scheduled()
