"""The jobs every module runs in the background: registered here with `@job` when the code loads.

    from celery.schedules import crontab
    from django.utils.translation import gettext_lazy as _
    from crm.jobs.registry import job

    @job(name="churn.scan", label=_("Churn scan"), schedule=crontab(minute=0, hour=2, day_of_week=6))
    def churn_scan(run, **kwargs):
        ...
        return {"flagged": 12}  # stored as the run's result

Put job functions in `<app>/tasks.py` (or `<app>/jobs.py`): the jobs app imports those modules
of every installed app at start-up, in the web process and in Celery workers alike. A job
receives its `JobRun` and the run's keyword arguments; what it returns (a JSON-able dict or None)
is stored as the result. Every job must be idempotent: a run may be re-delivered, retried or
started by hand at any time. A job is not wrapped in one transaction: it writes through atomic
services (or its own `transaction.atomic` blocks), so long jobs do not hold the database.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery.schedules import crontab

# A schedule slot is run only while it is this recent: after downtime the latest missed slot runs
# once at start-up, older ones never (and never once per missed slot).
DEFAULT_GRACE = timedelta(hours=24)


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    fn: Callable
    schedule: crontab | None = None
    grace: timedelta = DEFAULT_GRACE

    @property
    def scheduled(self) -> bool:
        return self.schedule is not None

    def __call__(self, run, **kwargs):
        return self.fn(run, **kwargs)


_jobs: dict[str, Job] = {}


def job(*, name: str, label, schedule: crontab | None = None, grace: timedelta = DEFAULT_GRACE):
    """Register the decorated function `fn(run, **kwargs) -> dict | None` as a job."""

    def decorator(fn: Callable) -> Callable:
        register(Job(name=name, label=label, fn=fn, schedule=schedule, grace=grace))
        return fn

    return decorator


def register(entry: Job) -> Job:
    existing = _jobs.get(entry.name)
    if existing is not None and _qualified(existing.fn) != _qualified(entry.fn):
        raise ValueError(f"job {entry.name} registered twice")
    _jobs[entry.name] = entry
    return entry


def unregister(name: str) -> None:
    _jobs.pop(name, None)


def get(name: str) -> Job:
    """The job of that name; KeyError when none is registered."""
    return _jobs[name]


def exists(name: str) -> bool:
    return name in _jobs


def all_jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda entry: entry.name)


def scheduled_jobs() -> list[Job]:
    return [entry for entry in all_jobs() if entry.scheduled]


def _qualified(fn: Callable) -> str:
    return f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}"
