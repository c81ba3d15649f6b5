"""The weekly recount of the customers' order totals (crm.orders.totals): the writers keep them as
orders arrive; this makes them right again from the orders should anything have written orders
another way (a repair by hand in the database, say)."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from crm.jobs.registry import job
from crm.orders import totals


@job(name="orders.totals", label=_("Recount the customers' order totals"),
     schedule=crontab(minute=0, hour=4, day_of_week=0))
def recount(run, **kwargs):
    return {"customers": totals.rebuild()}
