"""Background jobs of the leads app: both idempotent, run daily."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from crm.jobs.registry import job
from crm.leads.services import leads_escalate_run, leads_return_run


@job(
    name="leads.return_to_pool",
    label=_("Return leads without follow-up to the pool"),
    schedule=crontab(minute=40, hour=1),
)
def return_to_pool(run, **kwargs):
    return leads_return_run()


@job(name="leads.escalate", label=_("Tell supervisors of untouched new leads"), schedule=crontab(minute=0, hour=9))
def escalate(run, **kwargs):
    return leads_escalate_run()
