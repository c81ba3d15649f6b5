"""Background jobs of the service app."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from crm.jobs.registry import job
from crm.service.deadlines import service_deadlines_run


@job(name="service.deadlines", label=_("Warn and escalate overdue services"), schedule=crontab(minute="*/10"))
def deadlines(run, **kwargs):
    return service_deadlines_run()
