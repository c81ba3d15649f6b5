"""`crm beat`: Celery beat, which starts the scheduled jobs (production, CRM_REDIS_URL set).

Run exactly one; its schedule comes from the jobs registry. A second beat, or the embedded
scheduler running too, does no harm: every schedule slot is claimed once in the database.
"""

from django.conf import settings

from crm.jobs.management.commands._celery import CeleryCommand


class Command(CeleryCommand):
    help = "Run Celery beat for the scheduled jobs (needs CRM_REDIS_URL)."
    celery_command = "beat"

    @property
    def default_args(self):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        return ("--loglevel=info", f"--schedule={settings.DATA_DIR / 'celerybeat-schedule'}")
