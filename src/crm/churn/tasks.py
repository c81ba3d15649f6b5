"""Background jobs of the churn app: the weekly scan (s003/5 §3.2.2.1: 每周六凌晨02:00)."""

from celery.schedules import crontab
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from crm.churn.scan import churn_scan
from crm.jobs.registry import job


def schedule(spec: str) -> crontab:
    """A crontab from cron's five fields "minute hour day-of-month month day-of-week"."""
    fields = spec.split()
    if len(fields) != 5:
        raise ValueError(f"CRM_CHURN_SCHEDULE needs five fields (m h dom mon dow), not {spec!r}")
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    return crontab(
        minute=minute, hour=hour, day_of_month=day_of_month, month_of_year=month_of_year, day_of_week=day_of_week
    )


@job(name="churn.scan", label=_("Churn scan"), schedule=schedule(settings.CHURN_SCHEDULE))
def scan(run, **kwargs):
    return churn_scan()
