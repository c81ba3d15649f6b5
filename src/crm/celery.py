"""The Celery app (production: CRM_REDIS_URL set). Start workers with `crm worker`, the scheduler
with `crm beat`; both are `celery -A crm.celery ...` underneath.

Configuration comes from the Django settings' CELERY_* names. Beat's schedule is built from the
jobs registry (crm.jobs.registry): one entry per scheduled job, each calling a task that claims
the schedule slot through the JobRun (job, scheduled_for) constraint before running it, so beat
and an embedded scheduler running at the same time still run a slot once.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.broker_connection_retry_on_startup = True
app.conf.result_expires = None  # no result backend: no daily backend_cleanup entry in beat
app.autodiscover_tasks(["crm.jobs"])


def beat_schedule() -> dict:
    """One beat entry per scheduled job (needs Django's apps loaded: the jobs are registered then)."""
    from crm.jobs import registry

    return {
        f"job:{entry.name}": {
            "task": "crm.jobs.tasks.run_scheduled",
            "schedule": entry.schedule,
            "args": (entry.name,),
            "options": {"expires": 60 * 60},
        }
        for entry in registry.scheduled_jobs()
    }


@app.on_after_finalize.connect
def _install_beat_schedule(sender: Celery, **kwargs) -> None:
    # Beat and workers finalize the app after Django is set up (Celery's Django fixup does that).
    from django.apps import apps

    if apps.ready:
        sender.conf.beat_schedule = beat_schedule()
