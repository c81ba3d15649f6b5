"""Background jobs of the opportunities app."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from crm.jobs.registry import job
from crm.opportunities.stale import stale_run


@job(name="opportunities.stale", label=_("Flag or close stale opportunities"), schedule=crontab(minute=20, hour=2))
def stale(run, **kwargs):
    return stale_run()
