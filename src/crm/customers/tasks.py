"""Background jobs of the customers app."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from crm.customers.services.pool import pool_return_run
from crm.jobs.registry import job


@job(name="customers.pool_return", label=_("Return customers to the public pool"), schedule=crontab(minute=30, hour=1))
def pool_return(run, **kwargs):
    return pool_return_run()
