"""Jobs of the platform itself."""

from datetime import timedelta

from celery.schedules import crontab
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.jobs.models import JobRun
from crm.jobs.registry import job
from crm.notifications.models import Notification

READ_NOTIFICATIONS_KEPT = timedelta(days=180)
JOB_RUNS_KEPT = timedelta(days=90)


@job(name="system.cleanup", label=_("Clean up expired data"), schedule=crontab(minute=0, hour=3, day_of_week=0))
def system_cleanup(run: JobRun, **kwargs) -> dict:
    """Weekly (Sunday 03:00): expired sessions, notifications read long ago, old job runs.

    Idempotent: a second run finds nothing more to delete.
    """
    now = timezone.now()
    with transaction.atomic():
        sessions, _detail = Session.objects.filter(expire_date__lt=now).delete()
        notifications, _detail = Notification.objects.filter(read_at__lt=now - READ_NOTIFICATIONS_KEPT).delete()
        runs, _detail = JobRun.objects.filter(created_at__lt=now - JOB_RUNS_KEPT).exclude(pk=run.pk).delete()
    return {"sessions": sessions, "notifications": notifications, "job_runs": runs}
