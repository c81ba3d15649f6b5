"""The customer value job (SEG-4): refits the model and rewrites every customer's figures weekly,
after the churn scan (crm.churn.tasks), so the warnings and the probabilities are of one day."""

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from crm.churn.value import value_refresh
from crm.jobs.registry import job


@job(name="churn.value", label=_("Refresh customer value and churn probability"),
     schedule=crontab(minute=30, hour=3, day_of_week=6))
def value(run, **kwargs):
    return value_refresh()
