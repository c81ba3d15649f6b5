"""Handing a logged run to the configured backend (settings.CRM_JOBS_BACKEND):

- "celery": a Celery task (`crm.jobs.tasks.run_job`) through Redis, run by `crm worker`;
- "thread": the embedded default, one background thread in the web process, so no other server
  is needed; jobs run one at a time per process;
- "eager": right here, synchronously (the test suite).
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def backend() -> str:
    return getattr(settings, "CRM_JOBS_BACKEND", "thread")


def dispatch(run_id: int) -> None:
    kind = backend()
    if kind == "celery":
        from crm.jobs.tasks import run_job

        run_job.delay(run_id)
    elif kind == "thread":
        executor().submit(_run_in_thread, run_id)
    elif kind == "eager":
        from crm.jobs.services import job_execute

        job_execute(run_id)
    else:
        raise ValueError(f"unknown CRM_JOBS_BACKEND {kind!r}")


def executor() -> ThreadPoolExecutor:
    """The process's job thread, created on first use (so after gunicorn forks its workers)."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crm-jobs")
        return _executor


def _run_in_thread(run_id: int) -> None:
    from crm.jobs.services import job_execute

    try:
        job_execute(run_id)
    except Exception:
        logger.exception("job run %s could not be executed", run_id)
    finally:
        # This thread's database connections: closed, not left for the next job to find stale.
        connections.close_all()
