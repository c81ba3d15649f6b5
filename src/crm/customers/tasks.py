"""Background jobs of the customers app."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from crm.customers.services.followup_tally import followup_tally_rebuild
from crm.customers.services.pool import pool_return_run
from crm.jobs.registry import job


@job(name="customers.pool_return", label=_("Return customers to the public pool"), schedule=crontab(minute=30, hour=1))
def pool_return(run, **kwargs):
    return pool_return_run()


@job(name="customers.followup_tally", label=_("Recount the follow-up tally"),
     schedule=crontab(minute=30, hour=4, day_of_week=0))
def followup_tally(run, **kwargs):
    """The writers keep the tally (ADR 0027); this makes it right again should anything have
    written follow-ups another way (a repair by hand in the database, say)."""
    return {"rows": followup_tally_rebuild()}
