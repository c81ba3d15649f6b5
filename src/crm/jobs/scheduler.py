"""The embedded scheduler: scheduled jobs without Celery beat (the default setup, no Redis).

`start_scheduler()` starts one daemon thread per process (`crm serve` calls it in every gunicorn
worker). Every 30 seconds it finds, for each scheduled job, the latest slot that is due and still
within the job's grace period, and claims it by inserting a JobRun with `scheduled_for` = slot.
The (job, scheduled_for) constraint lets exactly one process win; the others get an IntegrityError
and move on, so running several schedulers (or beat as well) is harmless. After downtime only the
latest missed slot runs, once.
"""

import logging
import threading
from datetime import datetime

from django.db import connections
from django.utils import timezone

from crm.jobs import registry, runner
from crm.jobs.models import JobRun
from crm.jobs.schedules import due_slot
from crm.jobs.services import job_claim_slot, job_runs_recover

logger = logging.getLogger(__name__)

TICK_SECONDS = 30

_thread: threading.Thread | None = None
_lock = threading.Lock()
_stop = threading.Event()


def due_runs(now: datetime) -> list[tuple[str, datetime]]:
    """(job name, slot) for every scheduled job with a due slot not yet claimed."""
    due = []
    for entry in registry.scheduled_jobs():
        slot = due_slot(entry.schedule, now, entry.grace)
        if slot is not None:
            due.append((entry.name, slot))
    if not due:
        return []
    claimed = set(
        JobRun.objects.filter(job__in=[name for name, _slot in due], scheduled_for__in=[slot for _name, slot in due])
        .order_by()
        .values_list("job", "scheduled_for")
    )
    return [(name, slot) for name, slot in due if (name, slot) not in claimed]


def tick(now: datetime | None = None) -> list[JobRun]:
    """One pass: claim and dispatch the due slots; returns the runs this process claimed."""
    now = now or timezone.now()
    claimed = []
    for name, slot in due_runs(now):
        run = job_claim_slot(name=name, slot=slot)
        if run is None:
            continue
        logger.info("scheduler: %s claimed slot %s (run %s)", name, slot.isoformat(), run.pk)
        claimed.append(run)
        runner.dispatch(run.pk)
    job_runs_recover(now=now)
    return claimed


def _loop() -> None:
    while not _stop.is_set():
        try:
            tick()
        except Exception:
            logger.exception("scheduler tick failed")
        finally:
            connections.close_all()
        _stop.wait(TICK_SECONDS)


def start_scheduler() -> bool:
    """Start this process's scheduler thread; True if started now, False if already running."""
    global _thread
    with _lock:
        if _thread is not None and _thread.is_alive():
            return False
        _stop.clear()
        _thread = threading.Thread(target=_loop, name="crm-scheduler", daemon=True)
        _thread.start()
        logger.info("embedded job scheduler started (%d scheduled jobs)", len(registry.scheduled_jobs()))
        return True


def stop_scheduler(timeout: float | None = None) -> None:
    """Stop the thread (tests, shutdown); a later start_scheduler() starts a fresh one."""
    global _thread
    with _lock:
        thread, _thread = _thread, None
        _stop.set()
    if thread is not None:
        thread.join(timeout)
