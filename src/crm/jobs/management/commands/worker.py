"""`crm worker`: a Celery worker for the background jobs (production, CRM_REDIS_URL set).

Same as `celery -A crm.celery worker --pool=solo --loglevel=info`; extra options go to Celery
(`crm worker --concurrency 4 --pool prefork`). Run one or more next to `crm beat`.
"""

from crm.jobs.management.commands._celery import CeleryCommand


class Command(CeleryCommand):
    help = "Run a Celery worker for the background jobs (needs CRM_REDIS_URL)."
    celery_command = "worker"
    default_args = ("--pool=solo", "--loglevel=info")
