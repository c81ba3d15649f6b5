"""Every read of the jobs app: the registered jobs with their last run, and the run log."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.jobs import registry
from crm.jobs.models import JobRun
from crm.jobs.schedules import cron_expression, describe, next_slot


@dataclass
class JobInfo:
    name: str
    label: str
    schedule: str  # in words
    cron: str  # crontab text, "" when not scheduled
    next_run_at: datetime | None
    last_run: JobRun | None


def _info(entry: registry.Job, last_run: JobRun | None, now: datetime) -> JobInfo:
    return JobInfo(
        name=entry.name,
        label=str(entry.label),
        schedule=describe(entry.schedule),
        cron=cron_expression(entry.schedule) if entry.schedule is not None else "",
        next_run_at=next_slot(entry.schedule, now) if entry.schedule is not None else None,
        last_run=last_run,
    )


def job_list(*, user) -> list[JobInfo]:
    """Every registered job with its newest run and next due time (two queries)."""
    access_for(user).require("jobs.job.view")
    entries = registry.all_jobs()
    latest = JobRun.objects.latest_per_job(entry.name for entry in entries)
    now = timezone.now()
    return [_info(entry, latest.get(entry.name), now) for entry in entries]


def job_get(*, user, name: str) -> JobInfo:
    access_for(user).require("jobs.job.view")
    try:
        entry = registry.get(name)
    except KeyError as exc:
        raise NotFound(_("There is no job named %(name)s.") % {"name": name}) from exc
    return _info(entry, JobRun.objects.for_job(name).select_related("triggered_by").first(), timezone.now())


def job_run_list(*, user, job: str = "", status: str = "") -> QuerySet:
    runs = access_for(user).scoped("jobs.job", JobRun.objects.select_related("triggered_by"))
    if job:
        runs = runs.filter(job=job)
    if status:
        runs = runs.filter(status=status)
    return runs.order_by("-id")


def job_run_get(*, user, pk) -> JobRun:
    return access_for(user).get("jobs.job", pk, queryset=JobRun.objects.select_related("triggered_by"))


def job_labels() -> dict[str, str]:
    """Job name -> label, for showing runs of jobs (a run of an unregistered job shows its name)."""
    return {entry.name: str(entry.label) for entry in registry.all_jobs()}
